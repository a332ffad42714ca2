import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLab, type LabRegistry } from '../lab/lab-client'
import { isPidAlive } from '../lab/processes'
import { runTsxChild, startKeyring, startSilentBus, type ChildStepResult, type Keyring } from '../lab/keyring'
import type { KeyringCommand } from './keyring-child'

const child = join(import.meta.dirname, 'keyring-child.ts')
const step = (command: KeyringCommand, env: NodeJS.ProcessEnv): Promise<ChildStepResult> => runTsxChild(child, command, env)

function valueOf(result: ChildStepResult): unknown {
  if (!result.ok) throw new Error(`step failed: ${JSON.stringify(result.error)}`)
  return result.value
}

/** A repository the lab seeded that anonymous users may not pull (not under public/). */
function privateRepository(): { repository: string; tags: string[] } {
  const entry = Object.entries(getLab().truth.repositories).find(([name]) => !name.startsWith('public/'))
  if (!entry) throw new Error('the lab seeded no private repository')
  return { repository: entry[0], tags: Object.keys(entry[1]).sort() }
}

describe('the OS keychain through a private Secret Service', () => {
  let keyring: Keyring
  let dataDir: string

  beforeAll(async () => {
    keyring = await startKeyring()
    dataDir = mkdtempSync(join(tmpdir(), 'berth-cred-data-'))
  })
  afterAll(async () => {
    await keyring.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('stores, reads back and deletes a secret', async () => {
    const value = valueOf(await step({ action: 'roundtrip', account: 'roundtrip-profile', secret: 's3cret: with spaces ✓' }, keyring.env))
    expect(value).toEqual({ got: 's3cret: with spaces ✓', deleted: true, deletedAgain: false, after: null })
  })

  async function loginUseLogout(registry: LabRegistry): Promise<void> {
    const { repository, tags } = privateRepository()
    const { writer } = getLab().users
    const url = registry.url
    // Log in in one process…
    const profile = valueOf(await step({ action: 'login', dataDir, url, username: writer.username, secret: writer.password }, keyring.env))
    expect(profile).toMatchObject({ username: writer.username })
    expect(JSON.stringify(profile)).not.toContain(writer.password)
    // …and a later, unrelated process finds working credentials in the keychain.
    const listed = valueOf(await step({ action: 'list-tags', dataDir, url, repository }, keyring.env)) as { tags: string[] }
    expect([...listed.tags].sort()).toEqual(tags)
    // Logout removes the secret: the same request is now anonymous and refused.
    expect(valueOf(await step({ action: 'logout', dataDir, url }, keyring.env))).toEqual({ deleted: true, refreshDeleted: false })
    const refused = await step({ action: 'list-tags', dataDir, url, repository }, keyring.env)
    expect(refused.ok).toBe(false)
    expect(['unauthorized', 'forbidden']).toContain(refused.error?.code)
  }

  it('logs in to the basic-auth registry, lists tags from a later process, and logs out', async () => {
    await loginUseLogout(getLab().basic)
  })

  it('logs in to the token-auth registry, lists tags from a later process, and logs out', async () => {
    await loginUseLogout(getLab().token)
  })

  it('stops its daemons and removes its files', async () => {
    const second = await startKeyring()
    const pids = second.pids
    const home = second.env.HOME ?? ''
    expect(pids).toHaveLength(2)
    expect(existsSync(home)).toBe(true)
    await second.stop()
    expect(pids.filter((pid) => isPidAlive(pid))).toEqual([])
    expect(existsSync(home)).toBe(false)
  })
})

describe('the keychain without a working Secret Service', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-nobus-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('fails with keychain_unavailable in under 2 s when the bus address points to a dead socket', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'nobody-listens')}` }
    const value = valueOf(await step({ action: 'get', account: 'any' }, env)) as { error?: { code: string; fix?: string }; ms: number }
    expect(value.error?.code).toBe('keychain_unavailable')
    expect(value.error?.fix).toMatch(/--password-stdin/)
    expect(value.ms).toBeLessThan(2_000)
  })

  it('fails with keychain_unavailable when there is no bus address at all', async () => {
    const env = { ...process.env }
    delete env.DBUS_SESSION_BUS_ADDRESS
    delete env.DISPLAY
    const value = valueOf(await step({ action: 'get', account: 'any' }, env)) as { error?: { code: string }; ms: number }
    expect(value.error?.code).toBe('keychain_unavailable')
    expect(value.ms).toBeLessThan(2_000)
  })

  it('gives up on a bus that never answers within its deadline, and the process still exits by itself', async () => {
    const silent = await startSilentBus(dir)
    try {
      const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: silent.address }
      // runTsxChild resolves once the child has exited (it kills it after 15 s: a hang fails below).
      const result = await runTsxChild(child, { action: 'get', account: 'any', timeoutMs: 500 }, env, { timeoutMs: 15_000 })
      const exitedAt = Date.now()
      const value = valueOf(result) as { error?: { code: string; message: string; fix?: string }; ms: number; answeredAt: number }
      expect(value.error?.code).toBe('keychain_unavailable')
      expect(value.error?.message).toMatch(/did not answer within 500 ms/)
      expect(value.error?.fix).toMatch(/gnome-keyring or KWallet/)
      expect(value.ms).toBeGreaterThanOrEqual(450)
      expect(value.ms).toBeLessThan(2_000)
      // The stuck call's process is killed, not waited for: the child exits as soon as it has answered.
      expect(exitedAt - value.answeredAt).toBeLessThan(1_000)
      expect(silent.connectedAt.length).toBeGreaterThan(0)
    } finally {
      await silent.stop()
    }
  })
})

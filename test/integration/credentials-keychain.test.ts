import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLab, type LabRegistry } from '../lab/lab-client'
import { isPidAlive } from '../lab/processes'
import { runTsxChild, startKeyring, type ChildStepResult, type Keyring } from '../lab/keyring'
import type { KeyringCommand } from './keyring-child'

const child = join(import.meta.dirname, 'keyring-child.ts')
const step = (command: KeyringCommand, env: NodeJS.ProcessEnv, args: string[] = []): Promise<ChildStepResult> =>
  runTsxChild(child, command, env, { args })

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

  it('gives up on a bus that never answers within its deadline, never falling back to a file', async () => {
    const sockets = new Set<Socket>()
    const path = join(dir, 'silent-bus')
    const silent: Server = createServer((socket) => sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(path, resolve))
    try {
      const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}` }
      const value = valueOf(await step({ action: 'get', account: 'any', timeoutMs: 500 }, env, ['--exit-hard'])) as {
        error?: { code: string; message: string }
        ms: number
      }
      expect(value.error?.code).toBe('keychain_unavailable')
      expect(value.ms).toBeLessThan(2_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RegistryProfile } from '../../shared/types'
import { getLab } from '../lab/lab-client'
import { runTsxChild, startKeyring, type ChildStepResult, type Keyring } from '../lab/keyring'
import type { KeyringCommand } from './keyring-child'

const child = join(import.meta.dirname, 'keyring-child.ts')
const step = (command: KeyringCommand, env: NodeJS.ProcessEnv): Promise<ChildStepResult> => runTsxChild(child, command, env)

function valueOf(result: ChildStepResult): unknown {
  if (!result.ok) throw new Error(`step failed: ${JSON.stringify(result.error)}`)
  return result.value
}

describe('importing docker logins into the real keychain', () => {
  let keyring: Keyring
  let dir: string

  beforeAll(async () => {
    keyring = await startKeyring()
    dir = mkdtempSync(join(tmpdir(), 'berth-import-'))
  })
  afterAll(async () => {
    await keyring.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('copies only the picked login, which then works against the registry it came from', async () => {
    const lab = getLab()
    const b64 = (text: string): string => Buffer.from(text).toString('base64')
    const dockerDir = join(dir, 'docker')
    mkdirSync(dockerDir)
    writeFileSync(
      join(dockerDir, 'config.json'),
      JSON.stringify({
        auths: {
          [lab.basic.host]: { auth: b64(`${lab.users.reader.username}:${lab.users.reader.password}`) },
          'not-picked.example.com': { auth: b64('someone:not-to-be-copied') },
        },
      }),
    )
    const dataDir = join(dir, 'berth')
    const dockerEnv = { HOME: dir, DOCKER_CONFIG: dockerDir, XDG_RUNTIME_DIR: join(dir, 'run'), XDG_CONFIG_HOME: join(dir, 'config') }
    const imported = valueOf(await step({ action: 'import', dataDir, keys: [lab.basic.host], dockerEnv }, keyring.env)) as RegistryProfile[]
    expect(imported).toHaveLength(1)
    expect(imported[0]).toMatchObject({ url: lab.basic.url, username: lab.users.reader.username })

    const entry = Object.entries(lab.truth.repositories).find(([name]) => !name.startsWith('public/'))
    if (!entry) throw new Error('the lab seeded no private repository')
    const listed = valueOf(await step({ action: 'list-tags', dataDir, url: lab.basic.url, repository: entry[0] }, keyring.env)) as {
      tags: string[]
    }
    expect([...listed.tags].sort()).toEqual(Object.keys(entry[1]).sort())

    // The login nobody picked never reached the keychain.
    expect(valueOf(await step({ action: 'get', account: 'not-picked-example-com' }, keyring.env))).toMatchObject({ secret: null })
    expect(valueOf(await step({ action: 'get', account: imported[0]?.id ?? '' }, keyring.env))).toMatchObject({
      secret: lab.users.reader.password,
    })
  })
})

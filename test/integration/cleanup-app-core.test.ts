// The cleanup through the core's handler table (the door the app and web mode use) against the lab's
// `token` registry: plan, run, saved rules — with credentials stored the way the app stores them.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { getLab, reseed } from '../lab/lab-client'

const lab = getLab()
const web = lab.truth.repositories['acme/web'] ?? {}
let dir = ''
let core: Engine
let registryId = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-cleanup-core-'))
  core = createEngine({ dataDirectory: dir, secrets: createMemorySecretStore() })
  const view = await core.api.saveRegistry({ profile: { name: 'lab token', url: lab.token.url, kind: 'distribution' } })
  registryId = view.id
  await core.api.login({ registryId, username: lab.users.writer.username, secret: lab.users.writer.password })
})
afterAll(async () => {
  await reseed('token', 'acme/web')
  await core.close()
  await rm(dir, { recursive: true, force: true })
})

describe('cleanup through the app core', () => {
  it('previews a plan limited to a multi-selection and runs it tag by tag', async () => {
    await reseed('token', 'acme/web')
    const selection = ['0.1.0', '1.0.1', '1.0', 'latest', 'dev']
    const plan = await core.api.previewCleanup({
      registryId,
      repository: 'acme/web',
      rules: { removeRegex: '.*', keepRegex: '^1\\.0$' },
      selection,
    })
    // 1.0 matches keep, latest is protected, everything outside the selection is untouched.
    expect([...plan.remove].sort()).toEqual(['0.1.0', '1.0.1', 'dev'])
    expect(plan.items.filter((i) => i.reason === 'not-selected')).toHaveLength(25)
    const run = await core.api.runCleanup({ registryId, repository: 'acme/web', tags: plan.remove, expectedDigests: plan.expectedDigests })
    expect([...run.removed].sort()).toEqual(['0.1.0', '1.0.1', 'dev'])
    expect(run.failed).toEqual([])
    const { tags } = await core.api.listTags({ registryId, repository: 'acme/web' })
    expect(tags.sort()).toEqual(
      Object.keys(web)
        .filter((t) => !['0.1.0', '1.0.1', 'dev'].includes(t))
        .sort(),
    )
    const audit = await core.api.readAuditLog({ limit: 100 })
    expect(
      audit
        .filter((e) => e.result === 'ok')
        .map((e) => e.tag)
        .sort(),
    ).toEqual(['0.1.0', '1.0.1', 'dev'])
  })

  it('refuses to run a tag that has no previewed digest', async () => {
    await expect(core.api.runCleanup({ registryId, repository: 'acme/web', tags: ['2.0.0'], expectedDigests: {} })).rejects.toMatchObject({
      code: 'invalid_input',
    })
  })

  it('saves rules per repository and loads them back', async () => {
    expect(await core.api.loadCleanupRules({ registryId, repository: 'acme/web' })).toBeNull()
    const saved = await core.api.saveCleanupRules({
      registryId,
      repository: 'acme/web',
      rules: { removeRegex: '^sha-', keepN: 10, olderThan: '30d' },
    })
    expect(saved.rules).toEqual({ removeRegex: '^sha-', keepN: 10, olderThan: '30d', keepRegex: '', unlockLatest: false })
    expect(await core.api.loadCleanupRules({ registryId, repository: 'acme/web' })).toEqual(saved)
    expect(await core.api.loadCleanupRules({ registryId, repository: 'acme/multiarch' })).toBeNull()
  })
})

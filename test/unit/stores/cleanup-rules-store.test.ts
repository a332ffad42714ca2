// Saved cleanup rules: per registry + repository, validated on read, replaced atomically.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCleanupRulesStore } from '../../../electron/stores/cleanup-rules-store'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-rules-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('cleanup rules store', () => {
  it('keeps one set of rules per registry and repository, with defaults filled in', async () => {
    const store = createCleanupRulesStore(join(dir, 'cleanup-rules.json'))
    await Promise.all([
      store.save('reg-a', 'acme/web', { removeRegex: '^dev-' }),
      store.save('reg-b', 'acme/web', { removeRegex: '^sha-', keepN: 3 }),
    ])
    expect((await store.load('reg-a', 'acme/web'))?.rules).toEqual({
      removeRegex: '^dev-',
      keepRegex: '',
      keepN: 0,
      olderThan: '',
      unlockLatest: false,
    })
    expect((await store.load('reg-b', 'acme/web'))?.rules.keepN).toBe(3)
    expect(await store.load('reg-a', 'acme/other')).toBeNull()
    expect(await readdir(dir)).toEqual(['cleanup-rules.json'])
  })

  it('reports a file that is not what it should be instead of applying part of it', async () => {
    const file = join(dir, 'cleanup-rules.json')
    const store = createCleanupRulesStore(file)
    await writeFile(file, JSON.stringify({ version: 1, rules: { 'r/acme/web': { removeRegex: '(', savedAt: 'x' } } }))
    await expect(store.load('r', 'acme/web')).rejects.toMatchObject({ code: 'invalid_input' })
    await writeFile(file, '{"version":1,')
    await expect(store.load('r', 'acme/web')).rejects.toThrow(/not valid JSON/)
  })

  it('refuses to save rules that do not validate', async () => {
    const store = createCleanupRulesStore(join(dir, 'cleanup-rules.json'))
    await expect(store.save('r', 'acme/web', { removeRegex: '.*', olderThan: 'soon' })).rejects.toThrow()
    expect(await readdir(dir)).toEqual([])
  })
})

// The tag history kept beside the tag hints: every digest seen behind a tag stays after its tags
// move or go (what "untagged (seen before)" lists), survives a restart, and starts from the hints of
// a file written before the history was kept.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTagIndex, maxHistoryTags } from '../../../electron/stores/cache/tag-index'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-tag-history-'))
  dirs.push(dir)
  return dir
}

const digestA = `sha256:${'a'.repeat(64)}`
const digestB = `sha256:${'b'.repeat(64)}`

describe('the tag history', () => {
  it('remembers a digest after its tag moved away and after the tag was deleted, and keeps it across a restart', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    hints.set('latest', digestA)
    hints.set('1.0', digestA)
    hints.set('latest', digestB)
    hints.keepOnly(new Set(['latest']))
    expect(new Map(hints.history()).get(digestA)?.tags).toEqual(['latest', '1.0'])
    expect(new Map(hints.history()).get(digestB)?.tags).toEqual(['latest'])
    await hints.save()
    const again = await createTagIndex({ directory: dir }).open('h', 'r')
    const history = new Map(again.history())
    expect([...history.keys()].sort()).toEqual([digestA, digestB])
    expect(history.get(digestA)?.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect([...again.entries()]).toEqual([['latest', digestB]])
  })

  it('forgets a digest that is no longer stored, and keeps at most the last tags of a digest', async () => {
    const hints = await createTagIndex().open('h', 'r')
    for (let i = 0; i < maxHistoryTags + 5; i++) hints.set(`ci-${i}`, digestA)
    const tags = new Map(hints.history()).get(digestA)?.tags ?? []
    expect(tags).toHaveLength(maxHistoryTags)
    expect(tags.at(-1)).toBe(`ci-${maxHistoryTags + 4}`)
    hints.forgetHistory(digestA)
    expect([...hints.history()]).toEqual([])
  })

  it('starts the history from the tags of a file written before it was kept', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    hints.set('old', digestA)
    await hints.save()
    const [file] = (await readdir(dir)).filter((name) => name.endsWith('.json'))
    const path = join(dir, file ?? '')
    const body = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
    delete body.history
    await writeFile(path, JSON.stringify(body))
    const reopened = await createTagIndex({ directory: dir }).open('h', 'r')
    expect(new Map(reopened.history()).get(digestA)).toEqual({ tags: ['old'], firstSeen: null })
  })
})

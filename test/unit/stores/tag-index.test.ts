import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDigestCache } from '../../../electron/stores/cache/digest-cache'
import { createTagIndex, tagIndexForCache } from '../../../electron/stores/cache/tag-index'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-tag-index-'))
  dirs.push(dir)
  return dir
}

const digestA = `sha256:${'a'.repeat(64)}`
const digestB = `sha256:${'b'.repeat(64)}`

async function onlyFile(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'))
  expect(files).toHaveLength(1)
  return join(dir, files[0] ?? '')
}

describe('tag index', () => {
  it('keeps the details of digests some tag points at, and drops one filed under another digest', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    const details = (digest: string) => ({
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      kind: 'image' as const,
      configDigest: null,
      size: 10,
      sizeNote: '',
      created: null,
      createdSource: 'unknown' as const,
      platforms: [],
      attestations: 0,
      artifactType: null,
    })
    hints.set('1.0', digestA)
    hints.setDetails(details(digestA))
    hints.setDetails(details(digestB)) // no tag points at B: not worth a byte on disk
    await hints.save()
    const again = await createTagIndex({ directory: dir }).open('h', 'r')
    expect(again.details(digestA)).toEqual(details(digestA))
    expect(again.details(digestB)).toBeUndefined()

    // The same details derived again after a reload are no change worth a write.
    again.setDetails(Object.fromEntries(Object.entries(details(digestA)).reverse()) as ReturnType<typeof details>)
    const written = await readFile(await onlyFile(dir), 'utf8')
    await writeFile(await onlyFile(dir), written.replace('"version":3', '"version":3 '))
    await again.save()
    expect(await readFile(await onlyFile(dir), 'utf8')).toContain('"version":3 ')

    const file = await onlyFile(dir)
    const body = JSON.parse(await readFile(file, 'utf8')) as { details: Record<string, unknown> }
    body.details[digestB] = body.details[digestA] // the entry for A, filed under B
    await writeFile(file, JSON.stringify({ ...body, tags: { '1.0': digestA, '2.0': digestB } }))
    const tampered = await createTagIndex({ directory: dir }).open('h', 'r')
    expect(tampered.details(digestA)).toEqual(details(digestA))
    expect(tampered.details(digestB)).toBeUndefined()
  })

  it('keeps a chart’s kind with its details, and derives again the details of a file written before kinds were kept', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    const chart = {
      digest: digestA,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      kind: 'artifact' as const,
      configDigest: digestB,
      size: 10,
      sizeNote: '',
      created: null,
      createdSource: 'unknown' as const,
      platforms: [],
      attestations: 0,
      artifactType: 'application/vnd.cncf.helm.config.v1+json',
      artifact: { kind: 'helm-chart' as const, name: 'demo', version: '0.1.0', appVersion: '1.0.0' },
    }
    hints.set('0.1.0', digestA)
    hints.setDetails(chart)
    await hints.save()
    expect((await createTagIndex({ directory: dir }).open('h', 'r')).details(digestA)).toEqual(chart)

    const file = await onlyFile(dir)
    const body = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    await writeFile(file, JSON.stringify({ ...body, version: 2 }))
    const old = await createTagIndex({ directory: dir }).open('h', 'r')
    expect(old.get('0.1.0')).toBe(digestA)
    expect(old.details(digestA)).toBeUndefined()
  })

  it('lists its hints, and saves them soon (once) or at flush without a save per change', async () => {
    const dir = await tempDir()
    const index = createTagIndex({ directory: dir })
    const hints = await index.open('127.0.0.1:5000', 'acme/web')
    hints.set('1.0', digestA)
    hints.saveSoon()
    hints.set('latest', digestB)
    hints.saveSoon()
    expect([...hints.entries()]).toEqual([
      ['1.0', digestA],
      ['latest', digestB],
    ])
    expect(await readdir(dir).catch(() => [])).toEqual([]) // not yet: the save is a second away
    await index.flush()
    const again = await createTagIndex({ directory: dir }).open('127.0.0.1:5000', 'acme/web')
    expect(again.get('latest')).toBe(digestB)
  })

  it('round-trips hints through an atomically written file', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('127.0.0.1:5000', 'acme/web')
    hints.set('1.0', digestA)
    hints.set('latest', digestB)
    await hints.save()
    expect((await readdir(dir)).some((f) => f.includes('.tmp-'))).toBe(false)
    const again = await createTagIndex({ directory: dir }).open('127.0.0.1:5000', 'acme/web')
    expect(again.get('1.0')).toBe(digestA)
    expect(again.get('latest')).toBe(digestB)
  })

  it('forgets a tag on disk too', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    hints.set('1.0', digestA)
    await hints.save()
    hints.forget('1.0')
    await hints.save()
    expect((await createTagIndex({ directory: dir }).open('h', 'r')).get('1.0')).toBeUndefined()
  })

  it('ignores a value that is not a digest and a tag name longer than the grammar allows', async () => {
    const hints = await createTagIndex().open('h', 'r')
    hints.set('1.0', 'latest')
    hints.set('x'.repeat(129), digestA)
    expect(hints.get('1.0')).toBeUndefined()
    expect(hints.get('x'.repeat(129))).toBeUndefined()
  })

  it.each([
    ['not JSON', '{"version":1,'],
    ['a wrong version', JSON.stringify({ version: 4, host: 'h', repository: 'r', tags: { '1.0': digestA } })],
    [
      'details that are not details',
      JSON.stringify({
        version: 2,
        host: 'h',
        repository: 'r',
        tags: { '1.0': digestA },
        details: { [digestA]: { digest: digestA, size: 'big' } },
      }),
    ],
    ['a value that is not a digest', JSON.stringify({ version: 1, host: 'h', repository: 'r', tags: { '1.0': '../../etc/passwd' } })],
    ['another repository', JSON.stringify({ version: 1, host: 'h', repository: 'other', tags: { '1.0': digestA } })],
  ])('discards a file holding %s', async (_what, body) => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    hints.set('seed', digestA)
    await hints.save()
    await writeFile(await onlyFile(dir), body)
    const loaded = await createTagIndex({ directory: dir }).open('h', 'r')
    expect(loaded.get('1.0')).toBeUndefined()
    expect(loaded.get('seed')).toBeUndefined()
  })

  it('writes nothing when nothing changed', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    await hints.save()
    expect(await readdir(dir).catch(() => [])).toEqual([])
  })

  it('keeps the last of overlapping saves', async () => {
    const dir = await tempDir()
    const hints = await createTagIndex({ directory: dir }).open('h', 'r')
    hints.set('a', digestA)
    const first = hints.save()
    hints.set('a', digestB)
    await Promise.all([first, hints.save()])
    const stored = JSON.parse(await readFile(await onlyFile(dir), 'utf8')) as { tags: Record<string, string> }
    expect(stored.tags).toEqual({ a: digestB })
  })

  it('gives every operation on one digest cache the same hints, stored beside the digests', async () => {
    const dir = await tempDir()
    const cache = createDigestCache({ directory: dir })
    expect(tagIndexForCache(cache)).toBe(tagIndexForCache(cache))
    const hints = await tagIndexForCache(cache).open('h', 'r')
    hints.set('1.0', digestA)
    await hints.save()
    expect(await readdir(join(dir, 'tag-hints'))).toHaveLength(1)
  })
})

import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDigestCache, maxCachedBytes, maxPacksBeforeCompaction, parsePack } from '../../../electron/stores/cache/digest-cache'
import { sha256Digest } from '../../../electron/http/digest'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-digest-cache-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('digest cache', () => {
  it('answers null for a digest it has never seen', async () => {
    const cache = createDigestCache({})
    expect(await cache.get(sha256Digest(bytesOf('nothing')))).toBeNull()
  })

  it('returns what was put under its digest from memory', async () => {
    const cache = createDigestCache({})
    const bytes = bytesOf('{"schemaVersion":2}')
    await cache.put(sha256Digest(bytes), bytes)
    expect(await cache.get(sha256Digest(bytes))).toEqual(bytes)
  })

  it('refuses to store bytes that do not hash to the digest they are put under', async () => {
    const dir = await tempDir()
    const cache = createDigestCache({ directory: dir })
    const digest = sha256Digest(bytesOf('right'))
    await cache.put(digest, bytesOf('wrong'))
    expect(await cache.get(digest)).toBeNull()
    expect(await readdir(dir)).toEqual([])
  })

  it('does not store anything larger than the manifest and config cap', async () => {
    const cache = createDigestCache({})
    const big = new Uint8Array(maxCachedBytes + 1)
    await cache.put(sha256Digest(big), big)
    expect(await cache.get(sha256Digest(big))).toBeNull()
  })

  it('serves a fresh instance from the pack a previous instance wrote, one file for many puts', async () => {
    const dir = await tempDir()
    const writer = createDigestCache({ directory: dir })
    const contents = Array.from({ length: 50 }, (_, i) => bytesOf(`{"config":${i}}`))
    for (const bytes of contents) await writer.put(sha256Digest(bytes), bytes)
    await writer.flush()

    const files = await readdir(join(dir, 'packs'))
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/\.pack$/)
    expect((await stat(join(dir, 'packs', files[0] as string))).mode & 0o777).toBe(0o600)

    const reader = createDigestCache({ directory: dir })
    for (const bytes of contents) expect(await reader.get(sha256Digest(bytes))).toEqual(bytes)
  })

  it('writes a pack on its own a moment after the last put, without a flush', async () => {
    const dir = await tempDir()
    const bytes = bytesOf('{"late":true}')
    await createDigestCache({ directory: dir, writeDelayMs: 5 }).put(sha256Digest(bytes), bytes)
    await vi.waitFor(async () => expect(await readdir(join(dir, 'packs')).catch(() => [])).toHaveLength(1))
    expect(await createDigestCache({ directory: dir }).get(sha256Digest(bytes))).toEqual(bytes)
  })

  it('discards a corrupted entry instead of trusting it, and rewrites the packs without it', async () => {
    const dir = await tempDir()
    const good = bytesOf('{"trusted":true}')
    const victim = bytesOf('{"trusted":1234}')
    const first = createDigestCache({ directory: dir })
    await first.put(sha256Digest(good), good)
    await first.put(sha256Digest(victim), victim)
    await first.flush()
    const [pack] = await readdir(join(dir, 'packs'))
    const path = join(dir, 'packs', pack as string)
    const raw = Buffer.from(await readFile(path))
    const at = raw.indexOf('1234')
    raw.write('9999', at) // same length: the pack still parses, the entry no longer hashes
    await writeFile(path, raw)

    const second = createDigestCache({ directory: dir })
    expect(await second.get(sha256Digest(victim))).toBeNull()
    expect(await second.get(sha256Digest(good))).toEqual(good)
    await second.flush()
    const packs = await readdir(join(dir, 'packs'))
    expect(packs).toHaveLength(1)
    expect((await readFile(join(dir, 'packs', packs[0] as string))).includes('9999')).toBe(false)
    expect(await createDigestCache({ directory: dir }).get(sha256Digest(good))).toEqual(good)
  })

  it('uses a truncated pack up to its last whole record and ignores a file of garbage', async () => {
    const dir = await tempDir()
    const writer = createDigestCache({ directory: dir })
    const [a, b] = [bytesOf('{"a":1}'), bytesOf('{"b":2}')]
    await writer.put(sha256Digest(a), a)
    await writer.put(sha256Digest(b), b)
    await writer.flush()
    const [pack] = await readdir(join(dir, 'packs'))
    const path = join(dir, 'packs', pack as string)
    const raw = await readFile(path)
    await writeFile(path, raw.subarray(0, raw.length - 3))
    await writeFile(join(dir, 'packs', '0000000000-1-garbage.pack'), 'not a pack at all')

    const reader = createDigestCache({ directory: dir })
    expect(await reader.get(sha256Digest(a))).toEqual(a)
    expect(await reader.get(sha256Digest(b))).toBeNull()
  })

  it(`rewrites its packs as one once it knows more than ${maxPacksBeforeCompaction}, losing nothing`, async () => {
    const dir = await tempDir()
    const cache = createDigestCache({ directory: dir })
    const contents = Array.from({ length: maxPacksBeforeCompaction * 2 }, (_, i) => bytesOf(`{"n":${i}}`))
    for (const bytes of contents) {
      await cache.put(sha256Digest(bytes), bytes)
      await cache.flush()
      expect((await readdir(join(dir, 'packs'))).length).toBeLessThanOrEqual(maxPacksBeforeCompaction)
    }
    const reader = createDigestCache({ directory: dir })
    for (const bytes of contents) expect(await reader.get(sha256Digest(bytes))).toEqual(bytes)
  })

  it("leaves another process's newer packs alone when it compacts", async () => {
    const dir = await tempDir()
    const mine = createDigestCache({ directory: dir })
    const theirs = bytesOf('{"other":"process"}')
    await mine.get(sha256Digest(theirs)) // loads (no) packs now, as a running app would have
    const other = createDigestCache({ directory: dir })
    await other.put(sha256Digest(theirs), theirs)
    await other.flush()
    for (let i = 0; i <= maxPacksBeforeCompaction; i++) {
      const bytes = bytesOf(`{"mine":${i}}`)
      await mine.put(sha256Digest(bytes), bytes)
      await mine.flush()
    }
    expect(await createDigestCache({ directory: dir }).get(sha256Digest(theirs))).toEqual(theirs)
  })

  it('removes the one-file-per-digest layout of earlier versions', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'sha256'))
    await writeFile(join(dir, 'sha256', 'ab'.repeat(32)), 'old')
    await createDigestCache({ directory: dir }).get(sha256Digest(bytesOf('x')))
    await vi.waitFor(() => expect(existsSync(join(dir, 'sha256'))).toBe(false))
  })

  it('evicts the least recently used entry from memory first', async () => {
    const cache = createDigestCache({ maxMemoryEntries: 2 })
    const [a, b, c] = ['a', 'b', 'c'].map(bytesOf) as [Uint8Array, Uint8Array, Uint8Array]
    await cache.put(sha256Digest(a), a)
    await cache.put(sha256Digest(b), b)
    expect(await cache.get(sha256Digest(a))).toEqual(a)
    await cache.put(sha256Digest(c), c)
    expect(await cache.get(sha256Digest(b))).toBeNull()
    expect(await cache.get(sha256Digest(a))).toEqual(a)
    expect(await cache.get(sha256Digest(c))).toEqual(c)
  })

  it('keeps the memory copy within its byte budget', async () => {
    const cache = createDigestCache({ maxMemoryBytes: 10 })
    const small = bytesOf('12345')
    const other = bytesOf('abcdef')
    await cache.put(sha256Digest(small), small)
    await cache.put(sha256Digest(other), other)
    expect(await cache.get(sha256Digest(small))).toBeNull()
    expect(await cache.get(sha256Digest(other))).toEqual(other)
  })

  it('ignores references that are not digests, so no path can be built from them', async () => {
    const dir = await tempDir()
    const cache = createDigestCache({ directory: dir })
    await cache.put('sha256:../../etc/passwd', bytesOf('x'))
    expect(await cache.get('sha256:../../etc/passwd')).toBeNull()
    expect(await readdir(dir)).toEqual([])
  })
})

describe('parsePack', () => {
  const header = 'berth-digest-pack 1\n'
  const record = (text: string): string => `${sha256Digest(bytesOf(text))} ${text.length}\n${text}\n`

  it('reads every record of a well-formed pack', () => {
    const parsed = parsePack(Buffer.from(header + record('one') + record('two')))
    expect(parsed.complete).toBe(true)
    expect([...parsed.entries.values()].map((b) => Buffer.from(b).toString())).toEqual(['one', 'two'])
  })

  it.each([
    ['no header', record('one')],
    ['a name that is not a digest', header + 'sha256:../../x 3\none\n'],
    ['a length past the end', header + `${sha256Digest(bytesOf('one'))} 99\none\n`],
    ['a record without its newline', header + `${sha256Digest(bytesOf('one'))} 2\none\n`],
    ['a huge length', header + `${sha256Digest(bytesOf('one'))} 99999999\n`],
  ])('stops at %s', (_, text) => {
    expect(parsePack(Buffer.from(text)).complete).toBe(false)
  })
})

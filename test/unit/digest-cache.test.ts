import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDigestCache, maxCachedBytes } from '../../electron/registry/digest-cache'
import { sha256Digest } from '../../electron/registry/digest'

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

  it('serves a fresh instance from the files a previous instance wrote, named sha256/<hex>', async () => {
    const dir = await tempDir()
    const bytes = bytesOf('{"config":"from a previous run"}')
    const digest = sha256Digest(bytes)
    await createDigestCache({ directory: dir }).put(digest, bytes)

    const file = join(dir, 'sha256', digest.slice('sha256:'.length))
    expect(new Uint8Array(await readFile(file))).toEqual(bytes)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await readdir(join(dir, 'sha256'))).filter((f) => f.startsWith('.tmp'))).toEqual([])

    expect(await createDigestCache({ directory: dir }).get(digest)).toEqual(bytes)
  })

  it('discards a corrupted file instead of trusting it', async () => {
    const dir = await tempDir()
    const bytes = bytesOf('{"trusted":true}')
    const digest = sha256Digest(bytes)
    await createDigestCache({ directory: dir }).put(digest, bytes)
    const file = join(dir, 'sha256', digest.slice('sha256:'.length))
    await writeFile(file, '{"trusted":false}')

    expect(await createDigestCache({ directory: dir }).get(digest)).toBeNull()
    await expect(stat(file)).rejects.toThrow()
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

// Content at a digest never changes (REGISTRY-NOTES "Manifests"), so manifests and config blobs
// are cached by digest forever: a memory LRU in front of files named by digest. Docker Hub counts
// manifest GETs as pulls, so a warm cache turns a tag list refresh into HEADs only.
// The disk is not trusted: every file is re-hashed on read and discarded when it does not match.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { computeDigest, isDigest } from './digest'

export interface DigestCache {
  /** Where the disk copy lives (undefined: memory only); the tag hint index lives beside it. */
  readonly directory?: string | undefined
  /** The verified bytes at `digest`, or null when not cached (or the cached copy was corrupt). */
  get(digest: string): Promise<Uint8Array | null>
  /**
   * Stores `bytes` when they hash to `digest` and are small enough; otherwise does nothing. The
   * memory copy serves at once; the promise settles when the disk copy is written.
   */
  put(digest: string, bytes: Uint8Array): Promise<void>
  /** Settles when every disk write started so far has finished (or failed harmlessly). */
  flush(): Promise<void>
}

export interface DigestCacheOptions {
  /** Directory for the on-disk copy; memory only when omitted. */
  directory?: string
  /** Entries kept in memory (least recently used evicted first). Default 2,000. */
  maxMemoryEntries?: number
  /** Bytes kept in memory across entries. Default 64 MiB. */
  maxMemoryBytes?: number
}

/** Manifests and configs are small; layers never belong here. */
export const maxCachedBytes = 4 * 1024 * 1024

export function createDigestCache(options: DigestCacheOptions = {}): DigestCache {
  const maxEntries = Math.max(0, options.maxMemoryEntries ?? 2000)
  const maxBytes = Math.max(0, options.maxMemoryBytes ?? 64 * 1024 * 1024)
  const memory = new Map<string, Uint8Array>()
  let memoryBytes = 0
  const directory = options.directory
  const createdFolders = new Set<string>()
  const pendingWrites = new Set<Promise<void>>()

  const forget = (digest: string): void => {
    const old = memory.get(digest)
    if (!old) return
    memory.delete(digest)
    memoryBytes -= old.byteLength
  }

  const remember = (digest: string, bytes: Uint8Array): void => {
    if (maxEntries === 0 || bytes.byteLength > maxBytes) return
    forget(digest)
    memory.set(digest, bytes)
    memoryBytes += bytes.byteLength
    while (memory.size > maxEntries || memoryBytes > maxBytes) {
      const oldest = memory.keys().next()
      if (oldest.done) break
      forget(oldest.value)
    }
  }

  const pathFor = (digest: string): { folder: string; file: string } | null => {
    if (!directory || !isDigest(digest)) return null
    const [algorithm, hex] = digest.split(':') as [string, string]
    const folder = join(directory, algorithm)
    return { folder, file: join(folder, hex) }
  }

  const matches = (digest: string, bytes: Uint8Array): boolean =>
    computeDigest(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256') === digest

  async function writeToDisk(path: { folder: string; file: string }, bytes: Uint8Array): Promise<void> {
    try {
      // One mkdir per folder per process, not one per write.
      if (!createdFolders.has(path.folder)) {
        await mkdir(path.folder, { recursive: true, mode: 0o700 })
        createdFolders.add(path.folder)
      }
      // Temp file + rename: a reader (or a crash) never sees a half-written file under the digest name.
      const temp = join(path.folder, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
      await writeFile(temp, bytes, { mode: 0o600 })
      await rename(temp, path.file).catch(async (error: unknown) => {
        await rm(temp, { force: true }).catch(() => undefined)
        throw error
      })
    } catch {
      // A read-only or full disk only costs a refetch next time; the memory copy still serves.
    }
  }

  return {
    directory,
    async get(digest) {
      if (!isDigest(digest)) return null
      const hit = memory.get(digest)
      if (hit) {
        remember(digest, hit)
        return hit
      }
      const path = pathFor(digest)
      if (!path) return null
      let bytes: Uint8Array
      try {
        bytes = new Uint8Array(await readFile(path.file))
      } catch {
        return null
      }
      if (bytes.byteLength > maxCachedBytes || !matches(digest, bytes)) {
        // Corrupted, truncated or tampered with: drop it so the next run fetches a good copy.
        await rm(path.file, { force: true }).catch(() => undefined)
        return null
      }
      remember(digest, bytes)
      return bytes
    },

    put(digest, bytes) {
      if (!isDigest(digest) || bytes.byteLength > maxCachedBytes || !matches(digest, bytes)) return Promise.resolve()
      const copy = new Uint8Array(bytes)
      remember(digest, copy)
      const path = pathFor(digest)
      if (!path) return Promise.resolve()
      const write = writeToDisk(path, copy)
      pendingWrites.add(write)
      void write.finally(() => pendingWrites.delete(write))
      return write
    },

    async flush() {
      while (pendingWrites.size > 0) await Promise.all([...pendingWrites])
    },
  }
}

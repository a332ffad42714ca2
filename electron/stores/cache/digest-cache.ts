// Content at a digest never changes (docs/registry-notes.md "Manifests"), so manifests and config blobs
// are cached by digest forever: a memory LRU whose contents are persisted as pack files. Docker Hub
// counts manifest GETs as pulls, so a warm cache turns a tag list refresh into HEADs only.
//
// Why packs and not one file per digest: a cold load of 1,000 tags caches ~2,000 small objects, and
// writing them as 2,000 files (open, write, close, rename each) cost as much CPU as a third of the
// registry's work in `npm run bench`; reading them back cost a file open per object. A pack is one
// file written per batch of puts (on flush(), or a second after the last put) and read whole on
// first use. When a process has written or read more than a few packs, it rewrites what it holds in
// memory as one pack and deletes the packs it knows, so the disk copy stays within the memory budget.
//
// The disk is not trusted: every entry read from a pack is re-hashed before it is served, and a
// pack that does not parse is used up to its first bad record.
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { computeDigest, isDigest } from '../../http/digest'

export interface DigestCache {
  /** Where the disk copy lives (undefined: memory only); the tag hint index lives beside it. */
  readonly directory?: string | undefined
  /** The verified bytes at `digest`, or null when not cached (or the cached copy was corrupt). */
  get(digest: string): Promise<Uint8Array | null>
  /**
   * Keeps `bytes` when they hash to `digest` and are small enough; otherwise does nothing. The
   * memory copy serves at once; the disk copy is written with the next pack (see flush()).
   */
  put(digest: string, bytes: Uint8Array): Promise<void>
  /** Writes what was put since the last pack, and settles when every pack write has finished. */
  flush(): Promise<void>
}

export interface DigestCacheOptions {
  /** Directory for the on-disk copy; memory only when omitted. */
  directory?: string
  /** Entries kept in memory (least recently used evicted first). Default 50,000. */
  maxMemoryEntries?: number
  /** Bytes kept in memory across entries, and so on disk. Default 64 MiB. */
  maxMemoryBytes?: number
  /** Delay after the last put before a pack is written without a flush(). Default 1 s. */
  writeDelayMs?: number
}

/** Manifests and configs are small; layers never belong here. */
export const maxCachedBytes = 4 * 1024 * 1024

/** Packs one instance may know of before it rewrites them as one. */
export const maxPacksBeforeCompaction = 8

const packFolderName = 'packs'
const packHeader = 'berth-digest-pack 1\n'
const packSuffix = '.pack'
/** A temp file this old was left by a process that died mid-write. */
const staleTempMs = 10 * 60 * 1000

interface Entry {
  bytes: Uint8Array
  /** False for entries read from a pack until their hash has been checked. */
  verified: boolean
}

export function createDigestCache(options: DigestCacheOptions = {}): DigestCache {
  const maxEntries = Math.max(0, options.maxMemoryEntries ?? 50_000)
  const maxBytes = Math.max(0, options.maxMemoryBytes ?? 64 * 1024 * 1024)
  const writeDelayMs = Math.max(0, options.writeDelayMs ?? 1000)
  const directory = options.directory
  const packFolder = directory === undefined ? undefined : join(directory, packFolderName)

  /** Insertion order is recency: the first key is the least recently used. */
  const memory = new Map<string, Entry>()
  let memoryBytes = 0
  /** Put since the last pack was written. */
  const unwritten = new Map<string, Uint8Array>()
  /** Pack files this instance read or wrote: the ones a compaction may replace. */
  const knownPacks = new Set<string>()
  /** A corrupt entry was found in a pack: the next write rewrites everything without it. */
  let packsHoldCorruption = false
  let loading: Promise<void> | null = null
  let writing: Promise<void> = Promise.resolve()
  let writeTimer: ReturnType<typeof setTimeout> | null = null

  const forget = (digest: string): void => {
    const old = memory.get(digest)
    if (!old) return
    memory.delete(digest)
    memoryBytes -= old.bytes.byteLength
  }

  const remember = (digest: string, entry: Entry): void => {
    if (maxEntries === 0 || entry.bytes.byteLength > maxBytes) return
    forget(digest)
    memory.set(digest, entry)
    memoryBytes += entry.bytes.byteLength
    while (memory.size > maxEntries || memoryBytes > maxBytes) {
      const oldest = memory.keys().next()
      if (oldest.done) break
      forget(oldest.value)
    }
  }

  const matches = (digest: string, bytes: Uint8Array): boolean =>
    computeDigest(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256') === digest

  function load(): Promise<void> {
    if (loading === null && directory !== undefined && packFolder !== undefined) {
      // Berth before packs kept one file per digest in sha256/ and sha512/: only refetches are lost.
      for (const legacy of ['sha256', 'sha512']) void rm(join(directory, legacy), { recursive: true, force: true }).catch(() => undefined)
      loading = readPacks(packFolder)
    }
    loading ??= Promise.resolve()
    return loading
  }

  async function readPacks(folder: string): Promise<void> {
    let names: string[]
    try {
      names = await readdir(folder)
    } catch {
      return // no cache yet (or unreadable: it only costs refetches)
    }
    await removeStaleTemps(folder, names)
    // Oldest first, so the newest entries end up the most recently used when the budget evicts.
    const packs = names.filter((name) => name.endsWith(packSuffix)).sort()
    for (const name of packs) {
      let bytes: Buffer
      try {
        bytes = await readFile(join(folder, name))
      } catch {
        continue // deleted by another process's compaction since readdir: its entries are in a newer pack
      }
      knownPacks.add(name)
      const records = parsePack(bytes)
      if (!records.complete) packsHoldCorruption = true
      for (const [digest, content] of records.entries) {
        // Something put while the packs were loading is verified already; keep that copy.
        if (!memory.has(digest)) remember(digest, { bytes: content, verified: false })
      }
    }
  }

  function scheduleWrite(): void {
    if (packFolder === undefined || writeTimer !== null) return
    writeTimer = setTimeout(() => {
      writeTimer = null
      void writePending()
    }, writeDelayMs)
    // A pending write must not keep a CLI process alive; flush() is how callers make it durable.
    writeTimer.unref?.()
  }

  function writePending(): Promise<void> {
    if (writeTimer !== null) {
      clearTimeout(writeTimer)
      writeTimer = null
    }
    // Writes run one after another, so a compaction never races a pack being written.
    writing = writing.then(async () => {
      if (packFolder === undefined) return
      if (unwritten.size === 0 && !packsHoldCorruption) return
      await load()
      try {
        await mkdir(packFolder, { recursive: true, mode: 0o700 })
        if (packsHoldCorruption || knownPacks.size + 1 > maxPacksBeforeCompaction) await compact(packFolder)
        else await writeBatch(packFolder)
      } catch {
        // A read-only or full disk only costs refetches next time; the memory copy still serves.
      }
    })
    return writing
  }

  async function writeBatch(folder: string): Promise<void> {
    const batch = [...unwritten]
    unwritten.clear()
    knownPacks.add(await writePack(folder, batch))
  }

  /** Everything in memory (checked) as one pack, then the packs it replaces are deleted. */
  async function compact(folder: string): Promise<void> {
    const keep: [string, Uint8Array][] = []
    for (const [digest, entry] of memory) {
      if (!entry.verified && !matches(digest, entry.bytes)) continue
      keep.push([digest, entry.bytes])
    }
    unwritten.clear()
    const replaced = [...knownPacks]
    const name = await writePack(folder, keep)
    knownPacks.clear()
    knownPacks.add(name)
    packsHoldCorruption = false
    await Promise.all(replaced.map((old) => rm(join(folder, old), { force: true }).catch(() => undefined)))
  }

  return {
    directory,
    async get(digest) {
      if (!isDigest(digest)) return null
      await load()
      const entry = memory.get(digest)
      if (!entry) return null
      if (!entry.verified) {
        if (entry.bytes.byteLength > maxCachedBytes || !matches(digest, entry.bytes)) {
          // Corrupted or tampered with on disk: never served, and dropped from disk on the next write.
          forget(digest)
          packsHoldCorruption = true
          scheduleWrite()
          return null
        }
        entry.verified = true
      }
      remember(digest, entry)
      return entry.bytes
    },

    put(digest, bytes) {
      if (!isDigest(digest) || bytes.byteLength > maxCachedBytes || !matches(digest, bytes)) return Promise.resolve()
      const copy = new Uint8Array(bytes)
      remember(digest, { bytes: copy, verified: true })
      if (packFolder === undefined) return Promise.resolve()
      unwritten.set(digest, copy)
      scheduleWrite()
      return Promise.resolve()
    },

    flush: () => writePending(),
  }
}

/** Records as `<digest> <length>\n<bytes>\n` after the header; a name that sorts by write time. */
async function writePack(folder: string, records: [string, Uint8Array][]): Promise<string> {
  const parts: Uint8Array[] = [Buffer.from(packHeader)]
  for (const [digest, bytes] of records) parts.push(Buffer.from(`${digest} ${bytes.byteLength}\n`), bytes, Buffer.from('\n'))
  const name = `${Date.now().toString(36).padStart(10, '0')}-${process.pid}-${randomBytes(4).toString('hex')}${packSuffix}`
  // Temp file + rename: another process never reads half a pack under a pack name.
  const temp = join(folder, `.tmp-${name}`)
  await writeFile(temp, Buffer.concat(parts), { mode: 0o600 })
  await rename(temp, join(folder, name)).catch(async (error: unknown) => {
    await rm(temp, { force: true }).catch(() => undefined)
    throw error
  })
  return name
}

export interface ParsedPack {
  /** Digest → bytes (copies, so one entry evicted frees its memory). Not yet hash-checked. */
  entries: Map<string, Uint8Array>
  /** False when parsing stopped early at something that is not a well-formed record. */
  complete: boolean
}

/** Reads a pack up to its first malformed record; never throws. */
export function parsePack(pack: Uint8Array): ParsedPack {
  const entries = new Map<string, Uint8Array>()
  const header = Buffer.from(packHeader)
  if (pack.byteLength < header.byteLength || !Buffer.from(pack.buffer, pack.byteOffset, header.byteLength).equals(header)) {
    return { entries, complete: false }
  }
  let offset = header.byteLength
  while (offset < pack.byteLength) {
    const lineEnd = pack.indexOf(0x0a, offset)
    // A record line is a digest (≤ 135 characters for sha512) and a length.
    if (lineEnd < 0 || lineEnd - offset > 160) return { entries, complete: false }
    const line = Buffer.from(pack.buffer, pack.byteOffset + offset, lineEnd - offset).toString('latin1')
    const match = /^(\S+) (\d{1,8})$/.exec(line)
    if (!match || !isDigest(match[1] ?? '')) return { entries, complete: false }
    const length = Number(match[2])
    const start = lineEnd + 1
    const end = start + length
    if (length > maxCachedBytes || end >= pack.byteLength || pack[end] !== 0x0a) return { entries, complete: false }
    entries.set(match[1] as string, new Uint8Array(pack.subarray(start, end)))
    offset = end + 1
  }
  return { entries, complete: true }
}

async function removeStaleTemps(folder: string, names: string[]): Promise<void> {
  const now = Date.now()
  await Promise.all(
    names
      .filter((name) => name.startsWith('.tmp-'))
      .map(async (name) => {
        const path = join(folder, name)
        try {
          if (now - (await stat(path)).mtimeMs > staleTempMs) await rm(path, { force: true })
        } catch {
          // Gone already, or not ours to remove.
        }
      }),
  )
}

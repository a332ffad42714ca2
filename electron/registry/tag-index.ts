// Tag → digest hints per registry host + repository, persisted next to the digest cache. A hint only
// decides how a tag is resolved: with a hint, HEAD (revalidating it) and take the manifest from the
// digest cache; without one, GET the manifest by tag, which brings digest and bytes in one request.
// A hint is never reported as a tag's digest: the registry's answer NOW always is (tags move).
// The file is not trusted either: schema-validated on load, discarded whole when anything is off.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { isDigest } from './digest'

export interface RepositoryTagHints {
  /** The digest this tag had when last seen, if any: a hint to revalidate, never an answer. */
  get(tag: string): string | undefined
  /** Records what the registry answered for `tag` just now. */
  set(tag: string, digest: string): void
  /** Forgets `tag` (the registry answered 404, or its answer could not be trusted). */
  forget(tag: string): void
  /** Writes the hints atomically when they changed since the last save; never rejects. */
  save(): Promise<void>
}

export interface TagIndex {
  /** The hints of one repository, read from disk at most once per index (then kept in memory). */
  open(host: string, repository: string): Promise<RepositoryTagHints>
}

const maxTagLength = 128

const indexFileSchema = z.object({
  version: z.literal(1),
  host: z.string(),
  repository: z.string(),
  tags: z.record(z.string().max(maxTagLength), z.string().refine(isDigest)),
})

/** ~10× a 10,000-tag repository's file: anything larger is not ours. */
export const maxIndexFileBytes = 16 * 1024 * 1024

/** `directory` omitted: memory only (hints last as long as the index). */
export function createTagIndex(options: { directory?: string } = {}): TagIndex {
  const open = new Map<string, Promise<RepositoryTagHints>>()
  return {
    open(host, repository) {
      const key = `${host}\n${repository}`
      let hints = open.get(key)
      if (!hints) {
        hints = openRepository(options.directory, host, repository)
        open.set(key, hints)
      }
      return hints
    },
  }
}

const byCache = new WeakMap<object, TagIndex>()

/**
 * One index per digest cache object, stored in `<cache directory>/tag-hints` (the digest files live
 * in `sha256/` and `sha512/` there, so the names cannot collide). Keyed by the cache object so every
 * operation sharing a cache also shares the hints in memory.
 */
export function tagIndexForCache(cache: { readonly directory?: string | undefined }): TagIndex {
  let index = byCache.get(cache)
  if (!index) {
    index = createTagIndex(cache.directory !== undefined ? { directory: join(cache.directory, 'tag-hints') } : {})
    byCache.set(cache, index)
  }
  return index
}

async function openRepository(directory: string | undefined, host: string, repository: string): Promise<RepositoryTagHints> {
  // A hash for a file name: repository names hold slashes, hosts hold colons.
  const file = directory === undefined ? null : join(directory, `${createHash('sha256').update(`${host}\n${repository}`).digest('hex')}.json`)
  const tags = file === null ? new Map<string, string>() : await load(file, host, repository)
  let dirty = false
  let saving: Promise<void> = Promise.resolve()

  const write = async (target: string): Promise<void> => {
    const body = JSON.stringify({ version: 1, host, repository, tags: Object.fromEntries(tags) })
    try {
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 })
      // Temp file + rename: a concurrent reader (another Berth process) never sees half a file.
      const temp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`
      await writeFile(temp, body, { mode: 0o600 })
      await rename(temp, target).catch(async (error: unknown) => {
        await rm(temp, { force: true }).catch(() => undefined)
        throw error
      })
    } catch {
      // Hints are an optimisation: a read-only disk only costs GETs by tag next time.
    }
  }

  return {
    get: (tag) => tags.get(tag),
    set(tag, digest) {
      // Longer names break the tag grammar (DIST: at most 128) and would fail the schema on load.
      if (tag.length > maxTagLength || !isDigest(digest) || tags.get(tag) === digest) return
      tags.set(tag, digest)
      dirty = true
    },
    forget(tag) {
      if (tags.delete(tag)) dirty = true
    },
    save() {
      if (file === null) return Promise.resolve()
      // Saves run one after another, each writing the state at its start: the last one wins and
      // holds every change made before it began.
      saving = saving.then(async () => {
        if (!dirty) return
        dirty = false
        await write(file)
      })
      return saving
    },
  }
}

async function load(file: string, host: string, repository: string): Promise<Map<string, string>> {
  try {
    const bytes = await readFile(file)
    if (bytes.byteLength > maxIndexFileBytes) return new Map()
    const parsed = indexFileSchema.safeParse(JSON.parse(bytes.toString('utf8')))
    // A file for another repository (a hash collision, or a copied file) is as good as none.
    if (!parsed.success || parsed.data.host !== host || parsed.data.repository !== repository) return new Map()
    return new Map(Object.entries(parsed.data.tags))
  } catch {
    return new Map()
  }
}

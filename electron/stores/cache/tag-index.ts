// Tag → digest hints per registry host + repository, persisted next to the digest cache. A hint only
// decides how a tag is resolved: with a hint, HEAD (revalidating it) and take the manifest from the
// digest cache; without one, GET the manifest by tag, which brings digest and bytes in one request.
// A hint is never reported as a tag's digest: the registry's answer NOW always is (tags move).
// Beside the hints, the details last derived for each digest: what the app shows at once, marked
// "checking", when it opens a repository it has seen (cached-details.ts). Verified rows are always
// derived again from hash-checked content, never taken from this file.
// Beside both, the tag history: every digest Berth saw behind a tag, with those tags, kept after the
// tags move or go, so a manifest left untagged by a delete or a re-push can be listed as "untagged
// (seen before)" and deleted by digest (electron/session/usage-service.ts).
// The file is not trusted either: schema-validated on load, discarded whole when anything is off.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { ArtifactInfo } from '../../../shared/artifact-kind'
import type { DigestDetails } from '../../../shared/types'
import { isDigest } from '../../http/digest'

export interface RepositoryTagHints {
  /** The digest this tag had when last seen, if any: a hint to revalidate, never an answer. */
  get(tag: string): string | undefined
  /** Records what the registry answered for `tag` just now. */
  set(tag: string, digest: string): void
  /** Forgets `tag` (the registry answered 404, or its answer could not be trusted). */
  forget(tag: string): void
  /** Every tag with a hint and its digest. */
  entries(): IterableIterator<[string, string]>
  /**
   * The registry's whole tag list just came in: hints of tags it no longer lists go, and so do the
   * details of digests no remaining hint names (tags deleted or moved elsewhere must not come back
   * as cached rows, nor make the file grow forever).
   */
  keepOnly(listed: ReadonlySet<string>): void
  /** The details last derived for `digest` in this repository, if kept. */
  details(digest: string): DigestDetails | undefined
  /** Keeps the details derived (from verified content) for the digest of `details`. */
  setDetails(details: DigestDetails): void
  /** Every digest seen behind a tag of this repository (tags moved or deleted since included). */
  history(): IterableIterator<[string, TagHistoryEntry]>
  /** The manifest at `digest` is gone (deleted, or collected): it leaves the history. */
  forgetHistory(digest: string): void
  /** Writes the hints atomically when they changed since the last save; never rejects. */
  save(): Promise<void>
  /**
   * Saves a second from now unless a save is already due then: the app asks for details in many
   * small batches, and writing the whole repository's file after each one would be wasted work.
   */
  saveSoon(): void
}

export interface TagHistoryEntry {
  /** The tags seen on the digest, the most recent last (at most `maxHistoryTags`). */
  tags: string[]
  /** When Berth first saw a tag on it; null for digests known before the history was kept. */
  firstSeen: string | null
}

/** Tags remembered per digest: a CI tag scheme can put hundreds on one image. */
export const maxHistoryTags = 20
/** Digests remembered per repository; beyond it, the oldest no tag points at are forgotten. */
export const maxHistoryDigests = 20_000

export interface TagIndex {
  /** The hints of one repository, read from disk at most once per index (then kept in memory). */
  open(host: string, repository: string): Promise<RepositoryTagHints>
  /** Saves every repository opened so far that changed; never rejects. */
  flush(): Promise<void>
}

const saveDelayMs = 1000

const maxTagLength = 128

const digestSchema = z.string().refine(isDigest)
const short = z.string().max(1000)
const nullableCount = z.number().nonnegative().nullable()

const platformSchema = z.object({
  os: short,
  architecture: short,
  variant: short.optional(),
  digest: digestSchema,
  mediaType: short,
  size: nullableCount,
})

const artifactSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image') }),
  z.object({ kind: z.literal('helm-chart'), name: short.nullable(), version: short.nullable(), appVersion: short.nullable() }),
  z.object({ kind: z.literal('sbom'), format: z.enum(['SPDX', 'CycloneDX', 'Syft']).nullable() }),
  z.object({ kind: z.literal('attestation'), predicateType: short.nullable(), subject: digestSchema.nullable() }),
  z.object({ kind: z.literal('wasm') }),
  z.object({ kind: z.literal('signature'), format: z.enum(['cosign', 'sigstore-bundle', 'notation']), subject: digestSchema.nullable() }),
  z.object({ kind: z.literal('artifact'), artifactType: short.nullable() }),
]) satisfies z.ZodType<ArtifactInfo>

const digestDetailsSchema = z.object({
  digest: digestSchema,
  mediaType: short,
  kind: z.enum(['image', 'index', 'artifact', 'schema1', 'unknown']),
  configDigest: digestSchema.nullable(),
  size: nullableCount,
  sizeNote: short,
  created: short.nullable(),
  createdSource: z.enum(['config', 'annotation', 'pushed', 'unknown']),
  pushed: short.nullable().optional(),
  platforms: z.array(platformSchema).max(1000),
  platform: z.object({ os: short, architecture: short, variant: short.optional() }).optional(),
  attestations: z.number().int().nonnegative(),
  artifactType: short.nullable(),
  artifact: artifactSchema.optional(),
  // Kept so cached rows group referrer tags under their subject before the registry answers.
  subject: digestSchema.optional(),
  referrerEntries: z
    .array(z.object({ digest: digestSchema, kind: z.enum(['signature', 'sbom', 'attestation', 'other']) }))
    .max(1000)
    .optional(),
}) satisfies z.ZodType<DigestDetails>

const historySchema = z.object({
  tags: z.array(z.string().max(maxTagLength)).max(maxHistoryTags),
  firstSeen: short.nullable(),
})

const indexFileSchema = z.object({
  // 1: hints only (Berth before details were kept); still read. 2 gained details, then history.
  // 3: details carry what the manifest holds (`artifact`); a 2's details lack it and are derived again.
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  host: z.string(),
  repository: z.string(),
  tags: z.record(z.string().max(maxTagLength), digestSchema),
  details: z.record(digestSchema, digestDetailsSchema).optional(),
  history: z.record(digestSchema, historySchema).optional(),
})

/** ~10× a 10,000-tag repository's file with details (~5 MB): anything larger is not ours. */
export const maxIndexFileBytes = 64 * 1024 * 1024

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
    async flush() {
      const opened = await Promise.all([...open.values()].map((hints) => hints.catch(() => null)))
      await Promise.all(opened.map((hints) => (hints ? hints.save() : Promise.resolve())))
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
  const file =
    directory === undefined ? null : join(directory, `${createHash('sha256').update(`${host}\n${repository}`).digest('hex')}.json`)
  const { tags, details, history } = file === null ? empty() : await load(file, host, repository)
  let dirty = false
  let saving: Promise<void> = Promise.resolve()
  let saveTimer: ReturnType<typeof setTimeout> | null = null

  const write = async (target: string): Promise<void> => {
    // Only details some tag still points at: a repository's file stays the size of its tag list.
    const referenced = new Set(tags.values())
    const kept = [...details].filter(([digest]) => referenced.has(digest))
    trimHistory(history, referenced)
    const body = JSON.stringify({
      version: 3,
      host,
      repository,
      tags: Object.fromEntries(tags),
      details: Object.fromEntries(kept),
      history: Object.fromEntries(history),
    })
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

  const hints: RepositoryTagHints = {
    get: (tag) => tags.get(tag),
    set(tag, digest) {
      // Longer names break the tag grammar (DIST: at most 128) and would fail the schema on load.
      if (tag.length > maxTagLength || !isDigest(digest) || tags.get(tag) === digest) return
      tags.set(tag, digest)
      remember(history, digest, tag)
      dirty = true
    },
    forget(tag) {
      if (tags.delete(tag)) dirty = true
    },
    entries: () => tags.entries(),
    keepOnly(listed) {
      for (const tag of [...tags.keys()]) {
        if (!listed.has(tag) && tags.delete(tag)) dirty = true
      }
      const named = new Set(tags.values())
      for (const digest of [...details.keys()]) {
        if (!named.has(digest) && details.delete(digest)) dirty = true
      }
    },
    details: (digest) => details.get(digest),
    history: () => history.entries(),
    forgetHistory(digest) {
      if (history.delete(digest)) dirty = true
    },
    setDetails(derived) {
      if (!isDigest(derived.digest)) return
      const known = details.get(derived.digest)
      // Revalidating a repository derives the same details again: no reason to rewrite the file.
      if (known !== undefined && canonicalJson(known) === canonicalJson(derived)) return
      details.set(derived.digest, derived)
      dirty = true
    },
    save() {
      if (saveTimer !== null) {
        clearTimeout(saveTimer)
        saveTimer = null
      }
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
    saveSoon() {
      if (file === null || saveTimer !== null) return
      saveTimer = setTimeout(() => void hints.save(), saveDelayMs)
      // Not a reason to keep a process alive: flush() is how callers make hints durable.
      saveTimer.unref?.()
    },
  }
  return hints
}

/** JSON with object keys sorted: details read back from the file list their keys in schema order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, fieldValue: unknown) =>
    fieldValue !== null && typeof fieldValue === 'object' && !Array.isArray(fieldValue)
      ? Object.fromEntries(Object.entries(fieldValue).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : fieldValue,
  )
}

interface LoadedIndex {
  tags: Map<string, string>
  details: Map<string, DigestDetails>
  history: Map<string, TagHistoryEntry>
}

const empty = (): LoadedIndex => ({ tags: new Map(), details: new Map(), history: new Map() })

/** Records that `tag` points at `digest` now (the tag moves to the end of the digest's list). */
function remember(history: Map<string, TagHistoryEntry>, digest: string, tag: string): void {
  const entry = history.get(digest)
  if (entry === undefined) {
    history.set(digest, { tags: [tag], firstSeen: new Date().toISOString() })
    return
  }
  const at = entry.tags.indexOf(tag)
  if (at === entry.tags.length - 1) return
  if (at >= 0) entry.tags.splice(at, 1)
  entry.tags.push(tag)
  if (entry.tags.length > maxHistoryTags) entry.tags.splice(0, entry.tags.length - maxHistoryTags)
}

/** Past the cap, the oldest digests no tag points at go first (those of current tags always stay). */
function trimHistory(history: Map<string, TagHistoryEntry>, current: ReadonlySet<string>): void {
  if (history.size <= maxHistoryDigests) return
  const untagged = [...history].filter(([digest]) => !current.has(digest))
  untagged.sort(([, a], [, b]) => (a.firstSeen ?? '').localeCompare(b.firstSeen ?? ''))
  for (const [digest] of untagged.slice(0, history.size - maxHistoryDigests)) history.delete(digest)
}

async function load(file: string, host: string, repository: string): Promise<LoadedIndex> {
  try {
    const bytes = await readFile(file)
    if (bytes.byteLength > maxIndexFileBytes) return empty()
    const parsed = indexFileSchema.safeParse(JSON.parse(bytes.toString('utf8')))
    // A file for another repository (a hash collision, or a copied file) is as good as none.
    if (!parsed.success || parsed.data.host !== host || parsed.data.repository !== repository) return empty()
    // Keyed by digest in the file and inside each entry: an entry filed under another digest is not trusted.
    const details =
      parsed.data.version < 3 ? [] : Object.entries(parsed.data.details ?? {}).filter(([digest, entry]) => entry.digest === digest)
    const tags = new Map(Object.entries(parsed.data.tags))
    const history = new Map<string, TagHistoryEntry>(Object.entries(parsed.data.history ?? {}))
    // A file written before the history was kept: what its tags point at is history from now on.
    if (parsed.data.history === undefined) {
      for (const [tag, digest] of tags) {
        const entry = history.get(digest) ?? { tags: [], firstSeen: null }
        if (entry.tags.length < maxHistoryTags) entry.tags.push(tag)
        history.set(digest, entry)
      }
    }
    return { tags, details: new Map(details), history }
  } catch {
    return empty()
  }
}

// The truth about storage, computed without Berth: from distribution's files on disk (a tag is
// `_manifests/tags/<tag>/current/link`, a blob is `blobs/sha256/<2>/<hex>/data` and its size is that
// file's size: registry/storage/paths.go), and from the OCI layouts the lab seeded from. A tag
// reaches its manifest, what that lists (config, layers) and, for an index, every entry's manifest
// and what those list; each digest counts once. Tests compare `berth du` with these figures.
import { existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { z } from 'zod'
import { ensureSeededStore } from '../lab/seed'

export interface TagTruth {
  digest: string
  bytes: number
  uniqueBytes: number
  sharedBytes: number
}

export interface RepositoryTruth {
  /** Each digest its tags reach, once. */
  totalBytes: number
  tags: Record<string, TagTruth>
  reached: Set<string>
}

export interface StorageTruth {
  repositories: Record<string, RepositoryTruth>
  /** Every digest any tag of any repository reaches, once. */
  totalBytes: number
  /** Every blob file on disk, referenced or not: what garbage collection can shrink. */
  storedBytes: number
  /** The size of every digest a tag reaches (its blob file's size). */
  sizes: Map<string, number>
}

const referencesSchema = z.object({
  config: z.object({ digest: z.string() }).optional(),
  layers: z.array(z.object({ digest: z.string() })).optional(),
  manifests: z.array(z.object({ digest: z.string() })).optional(),
})

/** A content store: the size of a digest, and the digests a manifest references (none for a plain blob). */
interface ContentStore {
  size(digest: string): Promise<number>
  references(digest: string): Promise<string[]>
}

function v2(storageDir: string): string {
  return join(storageDir, 'docker', 'registry', 'v2')
}

function blobPath(storageDir: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '')
  return join(v2(storageDir), 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')
}

function parseReferences(bytes: Buffer): string[] {
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {
    return [] // a layer (or any blob that is not JSON) references nothing
  }
  const parsed = referencesSchema.safeParse(json)
  if (!parsed.success) return []
  const { config, layers, manifests } = parsed.data
  return [...(config ? [config.digest] : []), ...(layers ?? []).map((l) => l.digest), ...(manifests ?? []).map((m) => m.digest)]
}

function storageStore(storageDir: string, isManifest: (digest: string) => boolean): ContentStore {
  const sizes = new Map<string, number>()
  return {
    async size(digest) {
      let size = sizes.get(digest)
      if (size === undefined) {
        size = existsSync(blobPath(storageDir, digest)) ? (await stat(blobPath(storageDir, digest))).size : 0
        sizes.set(digest, size)
      }
      return size
    },
    async references(digest) {
      // Only manifests are read: layers are never opened (some are large), as Berth never fetches them.
      if (!isManifest(digest)) return []
      return parseReferences(await readFile(blobPath(storageDir, digest)))
    },
  }
}

async function closure(store: ContentStore, root: string, memo: Map<string, Set<string>>): Promise<Set<string>> {
  const known = memo.get(root)
  if (known) return known
  const reached = new Set<string>([root])
  memo.set(root, reached)
  for (const digest of await store.references(root)) for (const each of await closure(store, digest, memo)) reached.add(each)
  return reached
}

async function countTags(store: ContentStore, tags: Map<string, string>, memo: Map<string, Set<string>>): Promise<RepositoryTruth> {
  const reachedBy = new Map<string, number>()
  const perTag = new Map<string, Set<string>>()
  for (const [tag, digest] of tags) {
    const reached = await closure(store, digest, memo)
    perTag.set(tag, reached)
    for (const each of reached) reachedBy.set(each, (reachedBy.get(each) ?? 0) + 1)
  }
  const result: RepositoryTruth = { totalBytes: 0, tags: {}, reached: new Set(reachedBy.keys()) }
  for (const digest of reachedBy.keys()) result.totalBytes += await store.size(digest)
  for (const [tag, reached] of perTag) {
    let bytes = 0
    let uniqueBytes = 0
    for (const digest of reached) {
      const size = await store.size(digest)
      bytes += size
      if (reachedBy.get(digest) === 1) uniqueBytes += size
    }
    result.tags[tag] = { digest: tags.get(tag) ?? '', bytes, uniqueBytes, sharedBytes: bytes - uniqueBytes }
  }
  return result
}

/** Every repository directory under `repositories/` (one that holds `_manifests`), by name. */
async function repositoryDirs(root: string): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    if (entries.some((entry) => entry.name === '_manifests')) {
      found.push(relative(root, dir).split(sep).join('/'))
      return
    }
    for (const entry of entries) if (entry.isDirectory() || entry.isSymbolicLink()) await walk(join(dir, entry.name))
  }
  if (existsSync(root)) await walk(root)
  return found.sort()
}

/** Each repository's tags (`current/link`) and revisions, read from distribution's storage directory. */
export async function storedTags(storageDir: string, repository: string): Promise<Map<string, string>> {
  const tagsDir = join(v2(storageDir), 'repositories', ...repository.split('/'), '_manifests', 'tags')
  const tags = new Map<string, string>()
  if (!existsSync(tagsDir)) return tags
  for (const tag of (await readdir(tagsDir)).sort()) {
    const link = join(tagsDir, tag, 'current', 'link')
    if (existsSync(link)) tags.set(tag, (await readFile(link, 'utf8')).trim())
  }
  return tags
}

async function revisions(storageDir: string, repository: string): Promise<string[]> {
  const dir = join(v2(storageDir), 'repositories', ...repository.split('/'), '_manifests', 'revisions', 'sha256')
  return existsSync(dir) ? (await readdir(dir)).map((hex) => `sha256:${hex}`) : []
}

/** The truth of a registry's storage directory: every repository's tags and what they reach. */
export async function storageTruth(storageDir: string, only?: (repository: string) => boolean): Promise<StorageTruth> {
  const names = (await repositoryDirs(join(v2(storageDir), 'repositories'))).filter((name) => only?.(name) ?? true)
  const manifests = new Set<string>()
  for (const name of names) for (const digest of await revisions(storageDir, name)) manifests.add(digest)
  const store = storageStore(storageDir, (digest) => manifests.has(digest))
  const memo = new Map<string, Set<string>>()
  const result: StorageTruth = { repositories: {}, totalBytes: 0, storedBytes: await storedBlobBytes(storageDir), sizes: new Map() }
  const all = new Set<string>()
  for (const name of names) {
    const truth = await countTags(store, await storedTags(storageDir, name), memo)
    result.repositories[name] = truth
    for (const digest of truth.reached) all.add(digest)
  }
  for (const digest of all) {
    const size = await store.size(digest)
    result.sizes.set(digest, size)
    result.totalBytes += size
  }
  return result
}

/** Every blob file's size added up: what is on disk, reachable or not. */
export async function storedBlobBytes(storageDir: string): Promise<number> {
  const root = join(v2(storageDir), 'blobs', 'sha256')
  if (!existsSync(root)) return 0
  let total = 0
  for (const prefix of await readdir(root)) {
    for (const hex of await readdir(join(root, prefix))) {
      const data = join(root, prefix, hex, 'data')
      if (existsSync(data)) total += (await stat(data)).size
    }
  }
  return total
}

const layoutIndexSchema = z.object({
  manifests: z.array(z.object({ digest: z.string(), annotations: z.record(z.string(), z.string()).optional() })),
})

/**
 * The truth of the lab's seeded layouts (the OCI layouts the fixtures were generated as, before any
 * registry saw them): per repository, what its tags reach.
 */
export async function layoutTruth(): Promise<Record<string, RepositoryTruth>> {
  const seeded = await ensureSeededStore()
  const layouts = join(dirname(seeded.storageDir), 'layouts')
  const result: Record<string, RepositoryTruth> = {}
  for (const repository of seeded.repositories) {
    const dir = join(layouts, repository.replaceAll('/', '__'))
    const index = layoutIndexSchema.parse(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')))
    const tags = new Map<string, string>()
    for (const entry of index.manifests) {
      const name = entry.annotations?.['org.opencontainers.image.ref.name']
      if (name !== undefined) tags.set(name, entry.digest)
    }
    const file = (digest: string): string => join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))
    const store: ContentStore = {
      size: async (digest) => (await stat(file(digest))).size,
      references: async (digest) => parseReferences(await readFile(file(digest))),
    }
    result[repository] = await countTags(store, tags, new Map())
  }
  return result
}

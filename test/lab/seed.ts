import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GENERATOR_VERSION, generateFixtures, type FixtureRepository } from './fixtures'
import { mapLimit, pushTagOverHttp } from './http-push'
import { z } from 'zod'
import { MediaType, openLayout, type LayoutReader } from './oci-layout'
import { run } from './processes'
import { startRegistryProcess } from './registry-process'
import { labTruthSchema, repositoryTruth, type LabTruth } from './truth'

const LAB_DIR = dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = join(LAB_DIR, '..', '..')
const CACHE_ROOT = join(REPO_ROOT, '.lab-tmp', 'cache')
/** Every file whose change alters the seeded content: their hash names the cache entry. */
const GENERATOR_FILES = [
  'fixtures.ts',
  'fixtures-signed.ts',
  'fixtures-attested.ts',
  'fixtures-artifacts.ts',
  'images.ts',
  'oci-layout.ts',
  'tar.ts',
  'truth.ts',
  'http-push.ts',
  'seed.ts',
]

/** Only the `open` registry (and the paging front over it) carries this one: see ensureSeededStore. */
export const PERF_REPOSITORY = 'perf/many'

export interface SeededStore {
  /** distribution filesystem root holding every fixture repository; copy it, never serve it. */
  storageDir: string
  /** The same without perf/many: its 1,000 tags are ~11,000 files, too slow to copy per instance. */
  liteStorageDir: string
  truth: LabTruth
  repositories: string[]
  liteRepositories: string[]
}

async function cacheKey(): Promise<string> {
  const hash = createHash('sha256').update(`generator-v${GENERATOR_VERSION}\n`)
  for (const file of GENERATOR_FILES) hash.update(file).update(await readFile(join(LAB_DIR, file)))
  return hash.digest('hex').slice(0, 16)
}

/**
 * skopeo 1.9's `oci:` transport only lists OCI-typed descriptors of a layout (containers/image
 * oci/layout getManifestDescriptor skips other media types), so Docker schema2 manifests and
 * lists are handed over as a `dir:` copy instead: `manifest.json`, `<hex>.manifest.json` per list
 * instance and `<hex>` per blob (dir transport version 1.1). Bytes stay identical either way.
 */
async function writeDirTransport(layout: LayoutReader, tag: string, dest: string): Promise<void> {
  const descriptor = layout.tags.get(tag)
  if (descriptor === undefined) throw new Error(`tag ${tag} is not in ${layout.dir}`)
  await mkdir(dest, { recursive: true })
  await writeFile(join(dest, 'version'), 'Directory Transport Version: 1.1\n')
  const copyManifest = async (digest: string, name: string): Promise<void> => {
    const bytes = await layout.readBlob(digest)
    await writeFile(join(dest, name), bytes)
    const parsed = dirManifestSchema.parse(JSON.parse(bytes.toString('utf8')))
    for (const blob of [...(parsed.config ? [parsed.config] : []), ...(parsed.layers ?? [])]) {
      await copyFile(join(layout.dir, 'blobs', 'sha256', blob.digest.slice(7)), join(dest, blob.digest.slice(7)))
    }
    for (const child of parsed.manifests ?? []) await copyManifest(child.digest, `${child.digest.slice(7)}.manifest.json`)
  }
  await copyManifest(descriptor.digest, 'manifest.json')
}

const dirManifestSchema = z.object({
  config: z.object({ digest: z.string() }).optional(),
  layers: z.array(z.object({ digest: z.string() })).optional(),
  manifests: z.array(z.object({ digest: z.string() })).optional(),
})

async function pushRepository(registryUrl: string, host: string, repo: FixtureRepository, workDir: string): Promise<void> {
  const layout = await openLayout(repo.layoutDir)
  // One tag per skopeo run, in order, so tags that share a digest reuse the blobs just pushed.
  for (const { tag, all } of repo.skopeoTags) {
    const mediaType = layout.tags.get(tag)?.mediaType ?? ''
    let source = `oci:${repo.layoutDir}:${tag}`
    if (mediaType !== MediaType.ociManifest && mediaType !== MediaType.ociIndex) {
      const dir = join(workDir, 'dir-transport', `${repo.repository.replaceAll('/', '__')}__${tag}`)
      await writeDirTransport(layout, tag, dir)
      source = `dir:${dir}`
    }
    await run('skopeo', [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      // Keep the exact manifest bytes of the layout: the truth digests are computed from them.
      '--preserve-digests',
      ...(all ? ['--all'] : []),
      source,
      `docker://${host}/${repo.repository}:${tag}`,
    ])
  }
  await mapLimit(repo.httpTags, 8, (tag) => pushTagOverHttp(registryUrl, repo.repository, layout, tag))
}

async function buildStore(workDir: string): Promise<LabTruth> {
  const repos = await generateFixtures(join(workDir, 'layouts'))
  const registry = await startRegistryProcess({
    name: 'seed',
    dir: join(workDir, 'seed-registry'),
    storageDir: join(workDir, 'storage'),
    deleteEnabled: true,
  })
  try {
    await mapLimit(repos, 3, (repo) => pushRepository(registry.url, registry.host, repo, workDir))
  } finally {
    await registry.stop()
  }
  await rm(join(workDir, 'dir-transport'), { recursive: true, force: true })
  await rm(join(workDir, 'seed-registry'), { recursive: true, force: true })
  const truth: LabTruth = { repositories: {} }
  for (const repo of repos) truth.repositories[repo.repository] = await repositoryTruth(await openLayout(repo.layoutDir))
  return truth
}

/**
 * Generates the fixtures and seeds one registry's storage once per generator version, cached in
 * `.lab-tmp/cache/<hash>`; later runs (and every instance of a run) copy that storage. The entry
 * is built under a temporary name and renamed, so concurrent first runs never see half a cache.
 */
export async function ensureSeededStore(): Promise<SeededStore> {
  const key = await cacheKey()
  const entry = join(CACHE_ROOT, key)
  if (!existsSync(join(entry, 'complete'))) {
    const work = join(CACHE_ROOT, `${key}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
    await mkdir(work, { recursive: true })
    try {
      const truth = await buildStore(work)
      await buildLiteStore(join(work, 'storage'), join(work, 'storage-lite'), Object.keys(truth.repositories))
      await writeFile(join(work, 'truth.json'), JSON.stringify(truth))
      await writeFile(join(work, 'complete'), new Date().toISOString())
      // Losing the race to a concurrent first run is fine: its entry is identical.
      await rename(work, entry).catch((error: unknown) => {
        if (!existsSync(join(entry, 'complete'))) throw error
      })
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  }
  await pruneStaleEntries(key)
  const truth = labTruthSchema.parse(JSON.parse(await readFile(join(entry, 'truth.json'), 'utf8')))
  const repositories = Object.keys(truth.repositories)
  return {
    storageDir: join(entry, 'storage'),
    liteStorageDir: join(entry, 'storage-lite'),
    truth,
    repositories,
    liteRepositories: repositories.filter((name) => name !== PERF_REPOSITORY),
  }
}

async function digestsUnder(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : []
}

/**
 * Copies every repository but perf/many, and hard-links just the blobs they link to (their
 * `_layers` and `_manifests/revisions` entries: distribution registry/storage/paths.go).
 */
async function buildLiteStore(fullDir: string, liteDir: string, repositories: string[]): Promise<void> {
  const blobRoot = (root: string, hex: string): string => join(root, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex)
  const wanted = new Set<string>()
  for (const repository of repositories.filter((name) => name !== PERF_REPOSITORY)) {
    const from = repositoryStoragePath(fullDir, repository)
    const to = repositoryStoragePath(liteDir, repository)
    await mkdir(dirname(to), { recursive: true })
    await run('cp', ['-a', from, to])
    for (const hex of await digestsUnder(join(from, '_layers', 'sha256'))) wanted.add(hex)
    for (const hex of await digestsUnder(join(from, '_manifests', 'revisions', 'sha256'))) wanted.add(hex)
  }
  for (const hex of wanted) {
    await mkdir(blobRoot(liteDir, hex), { recursive: true })
    await link(join(blobRoot(fullDir, hex), 'data'), join(blobRoot(liteDir, hex), 'data'))
  }
}

/** Removes cache entries of older generator versions (never in-progress `.tmp-` builds). */
async function pruneStaleEntries(currentKey: string): Promise<void> {
  for (const name of await readdir(CACHE_ROOT)) {
    if (name !== currentKey && /^[0-9a-f]{16}$/.test(name)) await rm(join(CACHE_ROOT, name), { recursive: true, force: true })
  }
}

/** distribution's on-disk path of a repository (registry/storage/paths.go). */
export function repositoryStoragePath(storageDir: string, repository: string): string {
  return join(storageDir, 'docker', 'registry', 'v2', 'repositories', ...repository.split('/'))
}

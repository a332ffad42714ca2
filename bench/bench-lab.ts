// The bench's registry: the lab's token + TLS instance (docker-registry 2.8 behind the lab token
// issuer, whose realm is its own https URL) holding perf/many, 1,000 tags with distinct digests,
// and perf/wide, 10,000 tags over those same 1,000 manifests (the renderer's 10,000-row case).
import { existsSync } from 'node:fs'
import { link, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { startLab, type Lab } from '../test/lab/lab'
import { run } from '../test/lab/processes'
import { ensureSeededStore, repositoryStoragePath } from '../test/lab/seed'
import type { CoreTarget } from './core-scenarios'

export const benchRepository = 'perf/many'
export const wideRepository = 'perf/wide'
export const wideTagCount = 10_000

export interface BenchLab {
  lab: Lab
  /** Berth's view of the registry, straight (no proxy). */
  target: CoreTarget
  /** 127.0.0.1:<port> of the registry */
  host: string
  port: number
  tagCount: number
  /** perf/wide: `wideTagCount` tags, wide-00000…, tag i on perf/many's manifest of tag i mod 1,000. */
  wide: { repository: string; tagCount: number }
}

const blobData = (storage: string, hex: string): string =>
  join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')

async function entries(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : []
}

/**
 * The lab serves perf/many only on its `open` instance (per-instance copies of its ~11,000 files
 * were too slow for the test suite). The bench needs it behind token auth + TLS, so it hard-links
 * the seeded repository and the blobs it references into the running tls instance's storage:
 * distribution reads the filesystem on every request (no cache configured), and the bench never
 * writes, so sharing inodes with the seed cache is safe.
 */
async function addPerfRepository(lab: Lab): Promise<void> {
  const seeded = await ensureSeededStore()
  const storage = join(lab.dir, 'tls', 'storage')
  const from = repositoryStoragePath(seeded.storageDir, benchRepository)
  const to = repositoryStoragePath(storage, benchRepository)
  if (!existsSync(storage) || !existsSync(from))
    throw new Error(
      `cannot add ${benchRepository} to the lab's tls registry: ${existsSync(storage) ? from : storage} is missing ` +
        '(did test/lab change its layout?)',
    )
  if (existsSync(to)) return
  const hexes = new Set([
    ...(await entries(join(from, '_layers', 'sha256'))),
    ...(await entries(join(from, '_manifests', 'revisions', 'sha256'))),
  ])
  for (const hex of hexes) {
    const target = blobData(storage, hex)
    if (existsSync(target)) continue
    await mkdir(dirname(target), { recursive: true })
    await link(blobData(seeded.storageDir, hex), target)
  }
  await mkdir(dirname(to), { recursive: true })
  await run('cp', ['-al', from, to])
}

/** How many file-system operations run at once while writing perf/wide's tags. */
const tagWriteConcurrency = 16

/**
 * perf/wide as distribution stores it, built once beside the lab's seeded storage (so it goes when
 * the seed changes): perf/many's manifest revisions and layer links, hard-linked (so every blob a
 * tag needs is linked to the repository, as distribution checks on each GET), and 10,000 tags of
 * two link files each (registry/storage/paths.go: `current/link`, `index/sha256/<hex>/link`).
 * Writing those ~60,000 entries takes ~20 s on this file system, too slow for every bench start,
 * and pushing them through the API (same files, plus HTTP and token auth) slower still.
 */
async function ensureWideTree(): Promise<string> {
  const seeded = await ensureSeededStore()
  const tree = join(dirname(seeded.storageDir), 'bench-perf-wide')
  if (existsSync(join(tree, 'complete'))) return join(tree, 'repository')
  const work = `${tree}.tmp-${process.pid}`
  const many = repositoryStoragePath(seeded.storageDir, benchRepository)
  const wide = join(work, 'repository')
  await rm(work, { recursive: true, force: true })
  await mkdir(join(wide, '_manifests'), { recursive: true })
  await run('cp', ['-al', join(many, '_layers'), join(wide, '_layers')])
  await run('cp', ['-al', join(many, '_manifests', 'revisions'), join(wide, '_manifests', 'revisions')])
  const sources = (await entries(join(many, '_manifests', 'tags'))).sort()
  const digests = await Promise.all(
    sources.map(async (tag) => (await readFile(join(many, '_manifests', 'tags', tag, 'current', 'link'), 'utf8')).trim()),
  )
  if (digests.length === 0) throw new Error(`${benchRepository} has no tags to point ${wideRepository} at`)
  const writeTag = async (i: number): Promise<void> => {
    const digest = digests[i % digests.length] ?? ''
    const dir = join(wide, '_manifests', 'tags', `wide-${String(i).padStart(5, '0')}`)
    const indexDir = join(dir, 'index', 'sha256', digest.replace(/^sha256:/, ''))
    await Promise.all([mkdir(indexDir, { recursive: true }), mkdir(join(dir, 'current'), { recursive: true })])
    await Promise.all([writeFile(join(indexDir, 'link'), digest), writeFile(join(dir, 'current', 'link'), digest)])
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < wideTagCount) await writeTag(next++)
  }
  await Promise.all(Array.from({ length: tagWriteConcurrency }, worker))
  await writeFile(join(work, 'complete'), new Date().toISOString())
  // A concurrent first run may have won the race: its tree is identical.
  await rename(work, tree).catch(async (error: unknown) => {
    await rm(work, { recursive: true, force: true })
    if (!existsSync(join(tree, 'complete'))) throw error
  })
  return join(tree, 'repository')
}

/**
 * Serves perf/wide from that tree through a symlink in the tls instance's storage: distribution's
 * filesystem driver follows it like any directory, the bench only reads, and the lab's stop()
 * removes the link, not the tree.
 */
async function addWideRepository(lab: Lab): Promise<number> {
  const tree = await ensureWideTree()
  const wide = repositoryStoragePath(join(lab.dir, 'tls', 'storage'), wideRepository)
  if (!existsSync(wide)) {
    await mkdir(dirname(wide), { recursive: true })
    await symlink(tree, wide, 'dir')
  }
  return (await entries(join(wide, '_manifests', 'tags'))).length
}

export async function startBenchLab(): Promise<BenchLab> {
  // 'tls' alone starts the issuer (https realm), certificates and one registry: nothing else.
  const lab = await startLab({ only: ['tls'] })
  try {
    const tls = lab.tls
    if (!tls.repositories.includes(benchRepository)) await addPerfRepository(lab)
    const truth = lab.truth.repositories[benchRepository]
    const tagCount = truth === undefined ? 0 : Object.keys(truth).length
    if (tagCount < 1000) throw new Error(`the lab's ${benchRepository} has ${tagCount} tags, the bench needs 1,000`)
    const wideCount = await addWideRepository(lab)
    const reader = lab.users.reader
    return {
      lab,
      target: { url: tls.url, caPem: tls.caPem, username: reader.username, password: reader.password, repository: benchRepository },
      host: tls.host,
      port: Number(new URL(tls.url).port),
      tagCount,
      wide: { repository: wideRepository, tagCount: wideCount },
    }
  } catch (error) {
    await lab.stop()
    throw error
  }
}

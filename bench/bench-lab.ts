// The bench's registry: the lab's token + TLS instance (docker-registry 2.8 behind the lab token
// issuer, whose realm is its own https URL) holding perf/many, 1,000 tags with distinct digests.
import { existsSync } from 'node:fs'
import { link, mkdir, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { startLab, type Lab } from '../test/lab/lab'
import { run } from '../test/lab/processes'
import { ensureSeededStore, repositoryStoragePath } from '../test/lab/seed'
import type { CoreTarget } from './core-scenarios'

export const benchRepository = 'perf/many'

export interface BenchLab {
  lab: Lab
  /** Berth's view of the registry, straight (no proxy). */
  target: CoreTarget
  /** 127.0.0.1:<port> of the registry */
  host: string
  port: number
  tagCount: number
}

const blobData = (storage: string, hex: string): string => join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')

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
  if (!existsSync(storage) || !existsSync(from)) throw new Error(`cannot add ${benchRepository} to the lab's tls registry: ${existsSync(storage) ? from : storage} is missing (did test/lab change its layout?)`)
  if (existsSync(to)) return
  const hexes = new Set([...(await entries(join(from, '_layers', 'sha256'))), ...(await entries(join(from, '_manifests', 'revisions', 'sha256')))])
  for (const hex of hexes) {
    const target = blobData(storage, hex)
    if (existsSync(target)) continue
    await mkdir(dirname(target), { recursive: true })
    await link(blobData(seeded.storageDir, hex), target)
  }
  await mkdir(dirname(to), { recursive: true })
  await run('cp', ['-al', from, to])
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
    const reader = lab.users.reader
    return {
      lab,
      target: { url: tls.url, caPem: tls.caPem, username: reader.username, password: reader.password, repository: benchRepository },
      host: tls.host,
      port: Number(new URL(tls.url).port),
      tagCount,
    }
  } catch (error) {
    await lab.stop()
    throw error
  }
}

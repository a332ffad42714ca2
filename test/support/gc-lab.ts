// A private copy of the lab's seeded storage, served by its own `docker-registry` (delete enabled, no
// auth), for tests that must run distribution's own offline garbage collection: copy, delete through
// Berth, stop the registry, run `docker-registry garbage-collect CONFIG`, measure the blob files.
// Repository metadata is copied; blobs are hard links (garbage collection only unlinks them, so the
// seed cache they share inodes with is never touched).
import { existsSync } from 'node:fs'
import { link, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { run, trackTempDir, untrackTempDir } from '../lab/processes'
import { registryConfigYaml, startRegistryProcess, type RegistryProcess, type RegistryProcessOptions } from '../lab/registry-process'
import { ensureSeededStore, repositoryStoragePath } from '../lab/seed'

export interface GcLab {
  readonly storageDir: string
  /** The running registry (start() first). */
  registry(): RegistryProcess
  start(): Promise<RegistryProcess>
  stop(): Promise<void>
  /** distribution's own garbage collection, offline (the registry must be stopped). Returns its output. */
  garbageCollect(options: { deleteUntagged: boolean }): Promise<string>
  close(): Promise<void>
}

function blobData(storageDir: string, hex: string): string {
  return join(storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')
}

async function entries(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : []
}

/** `repositories` of the seeded lab, and the blobs they link to, in a new temp dir. */
export async function startGcLab(repositories: readonly string[]): Promise<GcLab> {
  const seeded = await ensureSeededStore()
  const dir = await mkdtemp(join(tmpdir(), 'berth-gc-lab-'))
  trackTempDir(dir)
  const storageDir = join(dir, 'storage')
  for (const repository of repositories) {
    const from = repositoryStoragePath(seeded.storageDir, repository)
    if (!existsSync(from)) throw new Error(`${repository} is not in the seeded lab storage`)
    const to = repositoryStoragePath(storageDir, repository)
    await mkdir(dirname(to), { recursive: true })
    await run('cp', ['-a', from, to])
    const hexes = [...(await entries(join(from, '_layers', 'sha256'))), ...(await entries(join(from, '_manifests', 'revisions', 'sha256')))]
    for (const hex of hexes) {
      const target = blobData(storageDir, hex)
      if (existsSync(target)) continue
      await mkdir(dirname(target), { recursive: true })
      await link(blobData(seeded.storageDir, hex), target)
    }
  }
  const options: RegistryProcessOptions = { name: 'gc', dir: join(dir, 'registry'), storageDir, deleteEnabled: true }
  // garbage-collect reads the same configuration as serve; the address in it does not matter offline.
  const gcConfig = join(dir, 'gc-config.yml')
  await writeFile(gcConfig, registryConfigYaml(options, 5000))
  let running: RegistryProcess | null = null
  const lab: GcLab = {
    storageDir,
    registry() {
      if (running === null) throw new Error('the gc lab registry is not running: start() it first')
      return running
    },
    async start() {
      running = await startRegistryProcess(options)
      return running
    },
    async stop() {
      await running?.stop()
      running = null
    },
    async garbageCollect({ deleteUntagged }) {
      if (running !== null) throw new Error('stop the registry before garbage collection: it runs offline')
      const result = await run('docker-registry', ['garbage-collect', ...(deleteUntagged ? ['--delete-untagged'] : []), gcConfig])
      return result.stdout
    },
    async close() {
      await lab.stop()
      await rm(dir, { recursive: true, force: true })
      untrackTempDir(dir)
    },
  }
  return lab
}

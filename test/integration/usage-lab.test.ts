// `berth du` on an `open` registry of this file's own (every fixture repository, perf/many's 1,000
// tags among them), checked against the truth computed without Berth: the files of distribution's
// storage directory (test/support/storage-truth.ts), which must agree with the OCI layouts the lab
// seeded. Not the run's shared lab: other test files push to its open registry while this one
// compares whole-registry sums with its storage.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRequestCounter } from '../../bench/request-counter'
import type { RegistryUsage, RepositoryUsage } from '../../shared/usage'
import { startLab, type Lab } from '../lab/lab'
import { berthInProcess } from '../support/cli-run'
import { layoutTruth, storageTruth, type StorageTruth } from '../support/storage-truth'

let lab: Lab
let registry = ''
let storage = ''
let dataDir = ''
let truth: StorageTruth

async function du<T>(args: string[]): Promise<T> {
  const run = await berthInProcess(['du', ...args, '--json'], { env: { BERTH_DATA_DIR: dataDir } })
  if (run.code !== 0) throw new Error(`berth du ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout) as T
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-usage-lab-'))
  lab = await startLab({ only: ['open'] })
  registry = lab.open.host
  storage = join(lab.dir, 'open', 'storage')
  truth = await storageTruth(storage)
})
afterAll(async () => {
  await lab?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('berth du on the lab', () => {
  it('the storage directory and the seeded layouts agree on what every repository holds', async () => {
    const layouts = await layoutTruth()
    expect(Object.keys(truth.repositories).sort()).toEqual(Object.keys(layouts).sort())
    for (const [repository, expected] of Object.entries(layouts)) {
      expect(truth.repositories[repository]?.totalBytes, repository).toBe(expected.totalBytes)
      expect(truth.repositories[repository]?.tags, repository).toEqual(expected.tags)
    }
  })

  it('measures every repository and the whole registry as the storage truth, blobs shared across repositories once', async () => {
    const usage = await du<RegistryUsage>([registry])
    expect(usage.repositories.map((row) => row.repository).sort()).toEqual(Object.keys(truth.repositories).sort())
    for (const row of usage.repositories) {
      const expected = truth.repositories[row.repository]
      expect(row.error, row.repository).toBeNull()
      expect(row.totalBytes, row.repository).toBe(expected?.totalBytes)
      expect(row.tags, row.repository).toBe(Object.keys(expected?.tags ?? {}).length)
      // Exclusive: what no other repository's tags reach.
      let exclusive = 0
      for (const digest of expected?.reached ?? []) {
        const others = Object.entries(truth.repositories).filter(([name, each]) => name !== row.repository && each.reached.has(digest))
        if (others.length === 0) exclusive += sizeIn(truth, digest)
      }
      expect(row.exclusiveBytes, row.repository).toBe(exclusive)
      expect(row.incomplete, row.repository).toBe(false)
    }
    expect(usage.totalBytes).toBe(truth.totalBytes)
    // The lab's amd64 base layer is in several repositories: the rows add up to more than the total.
    expect(usage.sumOfRepositoryBytes).toBeGreaterThan(usage.totalBytes)
    expect(usage.sharedAcrossRepositoriesBytes).toBeGreaterThan(0)
    expect(usage.failures).toEqual([])
    // Largest first.
    const sizes = usage.repositories.map((row) => row.totalBytes)
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a))
  })

  it("gives every tag's bytes, unique and shared bytes, and each repository's total, as the storage truth", async () => {
    for (const [repository, expected] of Object.entries(truth.repositories)) {
      const usage = await du<RepositoryUsage>([`${registry}/${repository}`, '--tags'])
      expect(usage.totalBytes, repository).toBe(expected.totalBytes)
      // Dates are not part of the storage truth (and are null here: no config is read without --dates).
      const byTag = Object.fromEntries(
        usage.tags.map((row) => [
          row.tag,
          { digest: row.digest, bytes: row.bytes, uniqueBytes: row.uniqueBytes, sharedBytes: row.sharedBytes },
        ]),
      )
      expect(byTag, repository).toEqual(expected.tags)
    }
    // Tags on one image share everything: deleting one of them alone frees nothing.
    const web = await du<RepositoryUsage>([`${registry}/acme/web`, '--tags'])
    const latest = web.tags.find((tag) => tag.tag === 'latest')
    expect(latest?.uniqueBytes).toBe(0)
    expect(latest?.sharedBytes).toBe(latest?.bytes)
  })

  it('measures only the repositories under a prefix', async () => {
    const usage = await du<RegistryUsage>([`${registry}/acme`])
    const names = Object.keys(truth.repositories).filter((name) => name.startsWith('acme/'))
    expect(usage.repositories.map((row) => row.repository).sort()).toEqual(names.sort())
    const union = new Set(names.flatMap((name) => [...(truth.repositories[name]?.reached ?? [])]))
    expect(usage.totalBytes).toBe([...union].reduce((sum, digest) => sum + sizeIn(truth, digest), 0))
  })

  it('a warm run reads every manifest from the cache: no manifest or blob request, and says the digests are as last verified', async () => {
    await du<RegistryUsage>([registry])
    const counter = startRequestCounter()
    let usage: RegistryUsage
    try {
      usage = await du<RegistryUsage>([registry])
    } finally {
      counter.stop()
    }
    const requests = counter.snapshot().byKind
    expect(requests['get-manifest'] + requests['head-manifest'] + requests['get-blob']).toBe(0)
    expect(usage.totalBytes).toBe(truth.totalBytes)
    expect(usage.tagsFromCache).toBe(Object.values(truth.repositories).reduce((sum, each) => sum + Object.keys(each.tags).length, 0))
    // --verify asks for every tag again (a HEAD each) and finds the same.
    const verified = await du<RegistryUsage>([registry, '--verify'])
    expect(verified.tagsFromCache).toBe(0)
    expect(verified.totalBytes).toBe(truth.totalBytes)
  })

  it('Ctrl-C stops a measurement: exit 4, nothing printed on stdout', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'berth-usage-sigint-'))
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/berth-child.ts'), 'du', registry], {
        env: { ...process.env, BERTH_DATA_DIR: fresh, BERTH_TEST_PROGRESS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      let interrupted = false
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        // Interrupt once the measurement has begun (a cold run of 1,000+ tags takes seconds).
        if (!interrupted && /Measuring: .*[1-9]\d*\/\d+ tags/.test(stderr)) {
          interrupted = true
          child.kill('SIGINT')
        }
      })
      const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)))
      expect(interrupted).toBe(true)
      expect(code).toBe(4)
      expect(stdout).toBe('')
      expect(stderr).toMatch(/cancelled/i)
    } finally {
      rmSync(fresh, { recursive: true, force: true })
    }
  })
})

function sizeIn(truth: StorageTruth, digest: string): number {
  return truth.sizes.get(digest) ?? 0
}

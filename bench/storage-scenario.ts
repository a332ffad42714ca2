// Scenario 10: storage usage (issue 21) on the bench lab, through the same session the CLI and the
// app use (engine → sessionForAddress → registryUsage / repositoryUsage):
// - the whole registry (every repository but perf/wide: about 1,000 tags) cold, against one 1,000-tag
//   detailed listing cold (scenario 1's call), interleaved in the same run: target ≤ 1.5×;
// - the same, warm: a fresh engine over the digest cache and tag hints the cold run left: ≤ 200 ms;
// - perf/wide's 10,000 tags per tag, once its manifests are cached (the session measured it before):
//   ≤ 100 ms.
// perf/wide is set aside during the registry-wide runs: its 10,000 tags over perf/many's manifests
// would cost 10,000 requests cold (one per tag, to learn its digest), which is not the case.
// Run alone: `npx tsx bench/storage-scenario.ts [--reps N]` (starts and stops its own bench lab).
import { existsSync } from 'node:fs'
import { mkdtemp, readlink, rm, symlink, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createEngine, type Engine } from '../electron/session/engine'
import type { RegistrySession } from '../electron/session/registry-session'
import { createMemorySecretStore } from '../electron/stores/secrets/secret-store'
import { defaultTagDetailsConcurrency } from '../electron/operations/tag-details'
import { repositoryStoragePath } from '../test/lab/seed'
import { startBenchLab, type BenchLab } from './bench-lab'
import { timeCold } from './core-scenarios'
import { formatRatio, formatTable, type MeasurementRow, type RatioRow } from './report'
import { repeat } from './repeat'
import { elapsedMs, formatMs, summarize } from './stats'

export interface StorageScenarioOptions {
  reps: number
  concurrency: number
  /** Where the cold runs' data directories go (removed afterwards). */
  workDir: string
  log: (line: string) => void
}

export interface StorageTimings {
  listingColdMs: number[]
  registryColdMs: number[]
  registryWarmMs: number[]
  wideWarmMs: number[]
  repositories: number
  tags: number
  totalBytes: number
  wideTags: number
}

/** A fresh engine over `dataDirectory` and the bench registry's session, as `berth du` builds them. */
export function openSession(bench: BenchLab, dataDirectory: string, concurrency: number): { engine: Engine; session: RegistrySession } {
  const engine = createEngine({ dataDirectory, secrets: createMemorySecretStore(), concurrency })
  // The lab's admin: only it is granted the catalog (registry:catalog:*), which a whole-registry count needs.
  const { admin } = bench.lab.users
  const session = engine.sessionForAddress(bench.host, {
    caPems: [bench.target.caPem],
    credentials: { kind: 'basic', username: admin.username, password: admin.password },
  })
  return { engine, session }
}

/** Runs `work` while perf/wide is not in the registry's storage (a symlink: put back afterwards). */
export async function withoutWide<T>(bench: BenchLab, work: () => Promise<T>): Promise<T> {
  const link = repositoryStoragePath(join(bench.lab.dir, 'tls', 'storage'), bench.wide.repository)
  if (!existsSync(link)) return work()
  const target = await readlink(link)
  await unlink(link)
  try {
    return await work()
  } finally {
    await symlink(target, link, 'dir')
  }
}

export async function runStorageScenario(bench: BenchLab, options: StorageScenarioOptions): Promise<StorageTimings> {
  const { log, concurrency } = options
  const timings: StorageTimings = {
    listingColdMs: [],
    registryColdMs: [],
    registryWarmMs: [],
    wideWarmMs: [],
    repositories: 0,
    tags: 0,
    totalBytes: 0,
    wideTags: 0,
  }
  const dataDirectories: string[] = []
  try {
    await withoutWide(bench, async () => {
      let warmData: string | null = null
      // Interleaved, so both halves of the ratio see the same machine.
      await repeat(
        async (i) => {
          const listing = await timeCold(bench.target, { concurrency, parent: options.workDir })
          dataDirectories.push(listing.cacheDirectory)
          timings.listingColdMs.push(listing.totalMs)
          const dataDirectory = await mkdtemp(join(options.workDir, 'storage-'))
          dataDirectories.push(dataDirectory)
          const { engine, session } = openSession(bench, dataDirectory, concurrency)
          const start = performance.now()
          const usage = await session.registryUsage('')
          const ms = elapsedMs(start)
          await engine.close()
          if (usage.failures.length > 0)
            throw new Error(`storage: ${usage.failures.length} failures, first: ${usage.failures[0]?.error.message}`)
          timings.registryColdMs.push(ms)
          timings.repositories = usage.repositories.length
          timings.tags = usage.repositories.reduce((sum, row) => sum + row.tags, 0)
          timings.totalBytes = usage.totalBytes
          warmData = dataDirectory
          log(
            `  cold #${i + 1}: detailed listing of ${listing.tags} tags ${formatMs(listing.totalMs)}; whole registry ` +
              `(${usage.repositories.length} repositories, ${timings.tags} tags) ${formatMs(ms)}`,
          )
        },
        { reps: options.reps, minReps: Math.min(options.reps, 2), budgetMs: 60_000 },
      )
      if (warmData === null) throw new Error('storage: no cold run')
      const warmDirectory: string = warmData
      await repeat(
        async (i) => {
          const { engine, session } = openSession(bench, warmDirectory, concurrency)
          const start = performance.now()
          const usage = await session.registryUsage('')
          const ms = elapsedMs(start)
          await engine.close()
          if (usage.totalBytes !== timings.totalBytes)
            throw new Error(`storage warm: ${usage.totalBytes} bytes, cold said ${timings.totalBytes}`)
          if (usage.tagsFromCache !== timings.tags)
            throw new Error(`storage warm: only ${usage.tagsFromCache} of ${timings.tags} tags from the cache`)
          timings.registryWarmMs.push(ms)
          log(`  warm #${i + 1} (fresh engine, cache on disk): ${formatMs(ms)}`)
        },
        { reps: options.reps, minReps: 1, budgetMs: 15_000 },
      )
    })
    // perf/wide: its 10,000 tags cost one request each once; after that the session has every manifest.
    const dataDirectory = await mkdtemp(join(options.workDir, 'storage-wide-'))
    dataDirectories.push(dataDirectory)
    const { engine, session } = openSession(bench, dataDirectory, concurrency)
    try {
      const first = performance.now()
      const cold = await session.repositoryUsage(bench.wide.repository)
      timings.wideTags = cold.tags.length
      log(`  ${bench.wide.repository}: ${cold.tags.length} tags measured cold in ${formatMs(elapsedMs(first))} (one request per tag)`)
      await repeat(
        async (i) => {
          const start = performance.now()
          const usage = await session.repositoryUsage(bench.wide.repository)
          const ms = elapsedMs(start)
          if (usage.totalBytes !== cold.totalBytes)
            throw new Error(`storage wide: ${usage.totalBytes} bytes, first run said ${cold.totalBytes}`)
          timings.wideWarmMs.push(ms)
          log(`  ${bench.wide.repository} per tag, manifests cached #${i + 1}: ${formatMs(ms)}`)
        },
        { reps: options.reps, minReps: 1, budgetMs: 10_000 },
      )
    } finally {
      await engine.close()
    }
  } finally {
    await Promise.all(dataDirectories.map((dir) => rm(dir, { recursive: true, force: true })))
  }
  return timings
}

export function storageRows(timings: StorageTimings): { rows: MeasurementRow[]; ratios: RatioRow[] } {
  const listing = summarize(timings.listingColdMs)
  const cold = summarize(timings.registryColdMs)
  const rows: MeasurementRow[] = [
    { id: 'storage-listing-cold', label: '10. cold: 1,000-tag detailed listing (same run)', summary: listing },
    {
      id: 'storage-registry-cold',
      label: `10. cold: whole-registry usage, ${timings.repositories} repositories, ${timings.tags.toLocaleString('en-US')} tags`,
      summary: cold,
      details: { totalBytes: timings.totalBytes },
    },
    {
      id: 'storage-registry-warm',
      label: '10. warm: whole-registry usage (fresh engine, digest cache)',
      summary: summarize(timings.registryWarmMs),
      target: { maxMs: 200, text: '≤ 200 ms' },
    },
    {
      id: 'storage-wide-cached',
      label: `10. ${timings.wideTags.toLocaleString('en-US')}-tag per-tag usage, manifests cached`,
      summary: summarize(timings.wideWarmMs),
      target: { maxMs: 100, text: '≤ 100 ms' },
    },
  ]
  const ratios: RatioRow[] = [
    {
      id: 'storage-cold-ratio',
      label: '10. whole-registry usage vs 1,000-tag detailed listing, cold',
      value: cold.median / listing.median,
      target: { maxRatio: 1.5, text: '≤ 1.5×' },
    },
  ]
  return { rows, ratios }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' } }, strict: true })
  const reps = Math.max(1, Number(values.reps))
  const workDir = await mkdtemp(join(tmpdir(), 'berth-bench-storage-'))
  const log = (line: string): void => console.error(line)
  log('starting the bench lab (token + TLS registry with perf/many and perf/wide)…')
  const bench = await startBenchLab()
  try {
    log(`scenario 10: storage usage, ${reps} repetitions`)
    const timings = await runStorageScenario(bench, { reps, concurrency: defaultTagDetailsConcurrency, workDir, log })
    const { rows, ratios } = storageRows(timings)
    console.log(formatTable(rows, ratios))
    const ratio = ratios[0]
    if (ratio) log(`whole-registry usage / detailed listing, cold: ${formatRatio(ratio.value)}`)
  } finally {
    await bench.lab.stop()
    await rm(workDir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await main()
  } catch (error) {
    process.exitCode = 1
    console.error(`storage bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  }
}

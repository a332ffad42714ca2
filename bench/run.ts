// `npm run bench`: does Berth list 1,000 tags with details in about a second? One run against the
// real lab (docker-registry 2.8, token auth, TLS), several repetitions per scenario, a table with
// medians and spreads against the issue's targets, and bench/results/latest.json to compare runs.
// Scenarios 7 and 8 time the CLI as a whole process (bin/berth and its bundle; bench/cli-process.ts).
// Scenario 9: 200,000 tags in one tags/list page, the CLI, skopeo and Chromium (bench/huge-repository.ts).
// Scenario 10: storage usage of the whole registry and of perf/wide's 10,000 tags (bench/storage-scenario.ts).
// Options: --reps N (5), --concurrency N (Berth's default), --sample N (skopeo tags, 50), --sweep (concurrency
// 4…64 for scenarios 1 and 4 instead, written to bench/results/sweep.json), --only browser (scenario 6
// alone, written to bench/results/browser.json), --only copy (scenario 11 alone, bench/results/copy.json),
// --only storage (scenario 10 alone, bench/results/storage.json).
// Scenario 11: copying a ~300 MB 3-platform image across registries, berth cp against skopeo copy --all
// (bench/copy-scenario.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startBenchLab, type BenchLab } from './bench-lab'
import { browserRequestLine, browserRows, firstRowsWanted, runBrowserScenario, type BrowserTimings } from './browser-scenario'
import { killChildren } from './child-processes'
import { copyCountLines, copyOnly, copyRows, runCopyScenario } from './copy-scenario'
import { berthBin, ensureCliBundle, timeCliListing, timeStartups, type CliListingTiming } from './cli-process'
import { timeCold, type CoreTarget, type DetailsTiming } from './core-scenarios'
import { startLatencyProxy, type LatencyProxy } from './latency-proxy'
import { cpuBetween, sampleCpu, type CpuSample } from './process-cpu'
import { hugeRepositoryRatios, hugeRepositoryRows, hugeTagCount, runHugeRepositoryScenario } from './huge-repository'
import { runStorageScenario, storageRows } from './storage-scenario'
import { formatMarkdown, formatRatio, formatTable, machineInfo, writeJson, type MeasurementRow, type RatioRow } from './report'
import { repeat } from './repeat'
import { startRequestCounter } from './request-counter'
import { evenSample, timeSkopeoInspect, timeSkopeoListTags } from './skopeo-peer'
import { formatMs, round1, summarize } from './stats'
import { runWarmChild, type WarmChildResult } from './warm-run'
import { defaultTagDetailsConcurrency } from '../electron/operations/tag-details'

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: String(defaultTagDetailsConcurrency) },
    sample: { type: 'string', default: '50' },
    sweep: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
  strict: true,
})
const reps = Math.max(1, Number(args.reps))
const concurrency = Math.max(1, Number(args.concurrency))
const sampleSize = Math.max(1, Number(args.sample))
if (args.only !== undefined && args.only !== 'browser' && args.only !== 'copy' && args.only !== 'storage')
  throw new Error(`--only ${args.only}: the scenarios that run alone are "browser", "copy" and "storage"`)
/** Start-up figures are ~0.05–0.1 s each: more rounds than the scenarios' repetitions cost little. */
const startupRounds = Math.max(10, 3 * reps)
/** One way, per chunk, per direction: a round trip gains 50 ms. */
const proxyDelayMs = 25
const resultsDir = join(import.meta.dirname, 'results')

let lab: BenchLab | null = null
let proxy: LatencyProxy | null = null
let workDir: string | null = null

async function cleanup(): Promise<void> {
  killChildren()
  await proxy?.close()
  proxy = null
  await lab?.lab.stop()
  lab = null
  if (workDir !== null) await rm(workDir, { recursive: true, force: true })
  workDir = null
}

let interrupted = false
const onSignal = (signal: NodeJS.Signals): void => {
  if (interrupted) return
  interrupted = true
  console.error(`\n${signal}: stopping the lab, the proxy and every child…`)
  void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
// Last resort for children of ours (the lab hooks its own registry processes the same way).
process.on('exit', killChildren)

const log = (line: string): void => console.error(line)

function check<T extends DetailsTiming>(timing: T, what: string): T {
  if (timing.failed > 0 || timing.complete < timing.ok) {
    throw new Error(
      `${what}: ${timing.failed} failed rows, ${timing.ok - timing.complete} rows without digest/size/date ` +
        `(first error: ${timing.firstError ?? 'none'})`,
    )
  }
  return timing
}

async function coldRuns(
  target: CoreTarget,
  c: number,
  count: number,
  budgetMs: number,
  what: string,
  limit?: number,
  afterFirst?: () => void,
): Promise<Array<DetailsTiming & { cacheDirectory: string; cpu: CpuSample }>> {
  const parent = workDir ?? tmpdir()
  const pids = lab?.lab.pids ?? []
  return repeat(
    async (i) => {
      const before = sampleCpu(pids)
      const timing = await timeCold(target, { concurrency: c, parent, ...(limit !== undefined ? { limit } : {}) })
      const cpu = cpuBetween(before, sampleCpu(pids))
      if (i === 0) afterFirst?.()
      check(timing, what)
      log(
        `  ${what} #${i + 1}: ${timing.totalMs} ms ` +
          `(list ${timing.listMs} ms; CPU: bench process ${cpu.selfMs} ms, registry ${cpu.registryMs} ms)`,
      )
      return { ...timing, cpu }
    },
    // Two runs at least give a spread; the budget keeps the whole bench under 5 minutes.
    { reps: count, minReps: Math.min(count, 2), budgetMs },
  )
}

async function startProxy(bench: BenchLab): Promise<CoreTarget> {
  proxy = await startLatencyProxy({
    target: { host: '127.0.0.1', port: bench.port },
    delayMs: proxyDelayMs,
    maxConnections: 256,
    lifetimeMs: 5 * 60_000,
  })
  // The certificate names 127.0.0.1, so TLS through the proxy verifies unchanged.
  return { ...bench.target, url: `https://${proxy.host}` }
}

async function sweep(bench: BenchLab): Promise<void> {
  const proxied = await startProxy(bench)
  const rows: Array<Record<string, unknown>> = []
  for (const c of [4, 8, 16, 32, 64]) {
    const direct = await coldRuns(bench.target, c, 3, 30_000, `sweep direct c=${c}`)
    const delayed = await coldRuns(proxied, c, 2, 25_000, `sweep +50 ms RTT c=${c}`)
    rows.push({ concurrency: c, direct: summarize(direct.map((t) => t.totalMs)), rtt50: summarize(delayed.map((t) => t.totalMs)) })
    for (const t of [...direct, ...delayed]) await rm(t.cacheDirectory, { recursive: true, force: true })
  }
  console.log('concurrency  direct median (min–max)        +50 ms RTT median (min–max)')
  for (const row of rows) {
    const d = row.direct as ReturnType<typeof summarize>
    const r = row.rtt50 as ReturnType<typeof summarize>
    console.log(
      `${String(row.concurrency).padEnd(11)}  ${`${formatMs(d.median)} (${formatMs(d.min)} – ${formatMs(d.max)})`.padEnd(30)} ` +
        `${formatMs(r.median)} (${formatMs(r.min)} – ${formatMs(r.max)})`,
    )
  }
  await writeJson(join(resultsDir, 'sweep.json'), {
    date: new Date().toISOString(),
    machine: machineInfo(),
    proxyDelayMs,
    rows,
    proxy: proxy?.stats(),
  })
}

/**
 * Scenario 6 on both repositories: perf/many (1,000 tags, distinct digests) and perf/wide (10,000).
 * The first repetition of each loads every row, reloads warm, scrolls and sorts (~10 s and ~35 s);
 * later ones (cold only) ~1–4 s.
 */
async function browserScenarios(bench: BenchLab): Promise<Array<{ tagCount: number; timings: BrowserTimings }>> {
  const out: Array<{ tagCount: number; timings: BrowserTimings }> = []
  for (const { repository, tagCount } of [
    { repository: bench.target.repository, tagCount: bench.tagCount },
    { repository: bench.wide.repository, tagCount: bench.wide.tagCount },
  ]) {
    log(
      `scenario 6: Chromium (web mode), open ${repository} (${tagCount} tags) by date → ${firstRowsWanted} visible rows; all; scroll; sort`,
    )
    const timings = await runBrowserScenario({ ...bench.target, repository }, { reps, budgetMs: 60_000, tagCount, log })
    out.push({ tagCount, timings })
  }
  return out
}

async function browserOnly(bench: BenchLab): Promise<void> {
  const browser = await browserScenarios(bench)
  const rows = browser.flatMap((b) => browserRows(b.timings, b.tagCount))
  console.log(formatTable(rows, []))
  for (const b of browser) console.log(browserRequestLine(b.timings, b.tagCount) ?? '')
  const machine = machineInfo()
  console.log(`machine: ${String(machine.cpus)} × ${String(machine.cpuModel)}, load ${JSON.stringify(machine.loadAverage)}`)
  await writeJson(join(resultsDir, 'browser.json'), {
    date: new Date().toISOString(),
    machine,
    rows,
    requests: browser.map((b) => ({ tags: b.tagCount, ...b.timings.requests })),
    markdown: formatMarkdown(rows, []),
  })
}

async function storageOnly(bench: BenchLab, work: string): Promise<void> {
  log('scenario 10: storage usage: the whole registry cold (vs a detailed listing) and warm; perf/wide per tag, cached')
  const { rows, ratios } = storageRows(await runStorageScenario(bench, { reps, concurrency, workDir: work, log }))
  console.log(formatTable(rows, ratios))
  const machine = machineInfo()
  console.log(`machine: ${String(machine.cpus)} × ${String(machine.cpuModel)}, load ${JSON.stringify(machine.loadAverage)}`)
  await writeJson(join(resultsDir, 'storage.json'), {
    date: new Date().toISOString(),
    machine,
    rows,
    ratios,
    markdown: formatMarkdown(rows, ratios),
  })
}

async function main(): Promise<void> {
  const started = performance.now()
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-'))
  workDir = work
  const certDir = join(work, 'certs')
  await mkdir(certDir)
  if (!args.sweep) ensureCliBundle(log)
  log('starting the lab (token + TLS registry with perf/many)…')
  const bench = await startBenchLab()
  lab = bench
  await writeFile(join(certDir, 'ca.crt'), bench.target.caPem)
  log(`  registry ${bench.target.url}, ${bench.tagCount} tags, realm ${bench.lab.tls.realm}`)
  if (args.sweep) return sweep(bench)
  if (args.only === 'browser') return browserOnly(bench)
  if (args.only === 'copy') return void (await copyOnly(bench, { reps, workDir: work, log, resultsDir }))
  if (args.only === 'storage') return storageOnly(bench, work)

  log(`scenario 1: cold, ${bench.tagCount} tags, concurrency ${concurrency}`)
  // The first repetition also counts requests: diagnostics-channel listeners cost microseconds
  // per request, far below the spread, and a separate counting run would not fit the 5 minutes.
  bench.lab.issuer.resetStats()
  const counter = startRequestCounter()
  let issuer: Record<string, number> = {}
  const cold = await coldRuns(bench.target, concurrency, reps, 60_000, 'cold', undefined, () => {
    counter.stop()
    issuer = bench.lab.issuer.stats()
  })
  const requests = counter.snapshot()
  const counted = cold[0]
  const warmCache = cold[cold.length - 1]?.cacheDirectory
  if (counted === undefined || warmCache === undefined) throw new Error('no cold run')

  log('scenario 2: warm cache, fresh process')
  const warm: WarmChildResult[] = await repeat(
    async (i) => {
      const result = await runWarmChild(bench.target, join(certDir, 'ca.crt'), warmCache, concurrency)
      check(result, 'warm')
      if (result.cachedRows < result.tags) throw new Error(`warm: only ${result.cachedRows} of ${result.tags} tags had cached rows`)
      log(
        `  warm #${i + 1}: cached rows ${result.cachedMs} ms (${result.cachedRows} rows, ${result.cachedConfirmed} confirmed); ` +
          `verified ${result.detailsMs} ms (list ${result.listMs} ms, HEADs ${result.requests.byKind['head-manifest'] ?? 0}, ` +
          `GETs ${(result.requests.byKind['get-manifest'] ?? 0) + (result.requests.byKind['get-blob'] ?? 0)})`,
      )
      return result
    },
    { reps, minReps: 1, budgetMs: 30_000 },
  )

  log('scenario 5: first 50 rows, cold')
  const first = await coldRuns(bench.target, concurrency, reps, 12_000, 'first 50', 50)

  const browser = await browserScenarios(bench)

  log('scenario 3: skopeo')
  const skopeoTarget = {
    host: bench.host,
    repository: bench.target.repository,
    certDir,
    username: bench.target.username,
    password: bench.target.password,
  }
  const listTags = await timeSkopeoListTags(skopeoTarget)
  const allTags = Array.from({ length: bench.tagCount }, (_, i) => `tag-${String(i).padStart(4, '0')}`)
  const inspect = await timeSkopeoInspect(skopeoTarget, evenSample(allTags, sampleSize))
  const inspectTotal = inspect.reduce((a, b) => a + b, 0)
  const skopeoPer1000 = (inspectTotal / inspect.length) * 1000
  log(
    `  list-tags ${listTags.ms} ms (${listTags.tags} tags); inspect ×${inspect.length}: ${round1(inspectTotal)} ms ` +
      `→ ×${1000 / inspect.length} = ${round1(skopeoPer1000)} ms per 1,000`,
  )

  log(`scenario 7: start-up of a whole process, ${startupRounds} rounds interleaved (after one untimed run each)`)
  // The same Node binary for both: the ratio is what the CLI adds to Node's own start-up.
  const startups = await timeStartups(
    [
      { id: 'node', command: process.execPath, args: ['-e', '0'] },
      { id: 'berth', command: process.execPath, args: [berthBin, '--help'], prints: 'berth — browse container registries' },
      { id: 'skopeo', command: 'skopeo', args: ['--help'], prints: 'skopeo' },
    ],
    startupRounds,
  )
  const startup = (id: string) => summarize(startups.get(id) ?? [])
  const [nodeStart, berthStart, skopeoStart] = [startup('node'), startup('berth'), startup('skopeo')]
  const helpRatio = formatRatio(berthStart.median / nodeStart.median)
  log(`  node -e 0 ${formatMs(nodeStart.median)}, berth --help ${formatMs(berthStart.median)} (${helpRatio})`)
  log(`  skopeo --help ${formatMs(skopeoStart.median)}`)

  log(`scenario 8: berth tags ${bench.target.repository} --details --json, a fresh process and data directory each run`)
  const pids = bench.lab.pids
  const cliTarget = {
    host: bench.host,
    repository: bench.target.repository,
    caFile: join(certDir, 'ca.crt'),
    username: bench.target.username,
    password: bench.target.password,
  }
  const cliCold: Array<CliListingTiming & { registryMs: number }> = await repeat(
    async (i) => {
      const dataDirectory = await mkdtemp(join(work, 'cli-data-'))
      const before = sampleCpu(pids)
      const timing = await timeCliListing(cliTarget, { dataDirectory, concurrency })
      const { registryMs } = cpuBetween(before, sampleCpu(pids))
      await rm(dataDirectory, { recursive: true, force: true })
      if (timing.rows !== bench.tagCount || timing.complete < timing.rows)
        throw new Error(`CLI cold: ${timing.rows} rows, ${timing.complete} with digest, size and date; expected ${bench.tagCount}`)
      const cpu = `berth ${timing.cpuMs} ms (user ${timing.userMs}, sys ${timing.systemMs}), registry ${registryMs} ms`
      log(`  CLI cold #${i + 1}: ${timing.wallMs} ms; CPU: ${cpu}; peak RSS ${timing.maxRssMiB} MiB`)
      return { ...timing, registryMs }
    },
    { reps, minReps: Math.min(reps, 2), budgetMs: 40_000 },
  )

  log(`scenario 4: cold through a latency proxy (+${2 * proxyDelayMs} ms per round trip)`)
  const proxied = await startProxy(bench)
  const delayed = await coldRuns(proxied, concurrency, reps, 50_000, '+50 ms RTT')
  const proxyStats = proxy?.stats()
  await proxy?.close()
  proxy = null

  log(`scenario 9: ${hugeTagCount.toLocaleString('en-US')} tags in one page: berth tags (names, --json), skopeo list-tags, Chromium`)
  const huge = await runHugeRepositoryScenario({ reps, workDir: work, log })

  log('scenario 10: storage usage: the whole registry cold (vs a detailed listing) and warm; perf/wide per tag, cached')
  const storage = storageRows(await runStorageScenario(bench, { reps, concurrency, workDir: work, log }))

  // After 10: the copies add repositories (and 300 MB images) to the registry that 10 measures whole.
  log('scenario 11: copy a ~300 MB 3-platform image across registries (berth cp, skopeo copy --all); retag; same-registry; 50-tag sync')
  const copy = await runCopyScenario(bench, { reps, workDir: work, log })
  const copyTable = copyRows(copy)

  const coldSummary = summarize(cold.map((t) => t.totalMs))
  const berthCpu = summarize(cold.map((t) => t.cpu.selfMs))
  const cliWall = summarize(cliCold.map((t) => t.wallMs))
  const cliCpu = summarize(cliCold.map((t) => t.cpuMs))
  const cores = availableParallelism()
  const rows: MeasurementRow[] = [
    {
      id: 'cold',
      label: `1. cold: ${bench.tagCount} tags + details`,
      summary: coldSummary,
      target: { maxMs: 1500, text: '≤ 1.5 s' },
      details: {
        listMs: summarize(cold.map((t) => t.listMs)),
        detailsMs: summarize(cold.map((t) => t.detailsMs)),
        cpuMs: cold.map((t) => t.cpu),
      },
    },
    // What bounds the cold figure on this machine: the registry shares the cores with Berth.
    { id: 'cold-cpu-registry', label: '1. cold: registry CPU per run', summary: summarize(cold.map((t) => t.cpu.registryMs)) },
    { id: 'cold-cpu-berth', label: '1. cold: Berth CPU per run', summary: berthCpu },
    {
      id: 'cold-cpu-floor',
      label: `1. cold: floor = (registry + Berth CPU) / ${cores} cores`,
      summary: summarize(cold.map((t) => (t.cpu.registryMs + t.cpu.selfMs) / cores)),
    },
    {
      id: 'warm',
      label: '2. warm (fresh process): cached details shown',
      summary: summarize(warm.map((w) => w.cachedMs)),
      target: { maxMs: 100, text: '≤ 100 ms' },
      details: {
        cachedRows: warm.map((w) => w.cachedRows),
        cachedConfirmed: warm.map((w) => w.cachedConfirmed),
        startupMs: summarize(warm.map((w) => w.startupMs)),
      },
    },
    {
      id: 'warm-verified',
      label: '2. warm: every tag verified (1 HEAD each)',
      summary: summarize(warm.map((w) => w.detailsMs)),
      details: { requests: warm[0]?.requests },
    },
    { id: 'warm-list', label: '2. warm: the tag list request', summary: summarize(warm.map((w) => w.listMs)) },
    { id: 'skopeo-inspect', label: '3. skopeo inspect, per tag', summary: summarize(inspect) },
    { id: 'skopeo-1000', label: `3. skopeo inspect ×${inspect.length}, scaled to 1,000`, summary: summarize([skopeoPer1000]) },
    { id: 'skopeo-list-tags', label: '3. skopeo list-tags', summary: summarize([listTags.ms]) },
    {
      id: 'rtt50',
      label: '4. cold via +50 ms RTT proxy',
      summary: summarize(delayed.map((t) => t.totalMs)),
      target: { maxMs: 5000, text: '≤ 5 s' },
      details: { proxy: proxyStats, tokenThroughProxy: false, cpuMs: delayed.map((t) => t.cpu) },
    },
    {
      id: 'first50',
      label: '5. first 50 rows (from listTags start)',
      summary: summarize(first.map((t) => t.totalMs)),
      target: { maxMs: 300, text: '≤ 300 ms' },
    },
    ...browser.flatMap((b) => browserRows(b.timings, b.tagCount)),
    { id: 'cli-start-node', label: '7. start-up: node -e 0', summary: nodeStart },
    { id: 'cli-start-berth', label: '7. start-up: berth --help (bin/berth + out/cli)', summary: berthStart },
    { id: 'cli-start-skopeo', label: '7. start-up: skopeo --help', summary: skopeoStart },
    {
      id: 'cli-cold-wall',
      label: `8. CLI cold: berth tags --details --json, ${bench.tagCount} tags`,
      summary: cliWall,
      details: { registryCpuMs: cliCold.map((t) => t.registryMs), maxRssMiB: cliCold.map((t) => t.maxRssMiB) },
    },
    {
      id: 'cli-cold-cpu',
      label: '8. CLI cold: CPU of the berth process',
      summary: cliCpu,
      details: { userMs: cliCold.map((t) => t.userMs), systemMs: cliCold.map((t) => t.systemMs) },
    },
    ...hugeRepositoryRows(huge),
    ...storage.rows,
    ...copyTable.rows,
  ]
  const ratios: RatioRow[] = [
    {
      id: 'skopeo-ratio',
      label: 'Berth cold vs skopeo, per 1,000 tags',
      value: skopeoPer1000 / coldSummary.median,
      target: { minRatio: 50, text: '≥ 50×' },
    },
    {
      id: 'cli-start-ratio',
      label: 'berth --help vs node -e 0 (same run)',
      value: berthStart.median / nodeStart.median,
      target: { maxRatio: 4, text: '≤ 4×' },
    },
    {
      id: 'cli-cold-cpu-ratio',
      label: 'CLI cold CPU vs in-process Berth CPU (1.)',
      value: cliCpu.median / berthCpu.median,
      target: { maxRatio: 1.3, text: '≤ 1.3×' },
    },
    // The median above is mostly of runs in a process whose JIT the earlier runs warmed; a CLI
    // process always starts cold. The bench process's first run is the like-for-like figure.
    {
      id: 'cli-cold-cpu-ratio-first',
      label: 'CLI cold CPU vs in-process first run (cold JIT)',
      value: cliCpu.median / counted.cpu.selfMs,
    },
    { id: 'cli-cold-wall-ratio', label: 'CLI cold wall vs in-process cold (1.)', value: cliWall.median / coldSummary.median },
    { id: 'cli-skopeo-ratio', label: 'CLI cold (whole process) vs skopeo, per 1,000 tags', value: skopeoPer1000 / cliWall.median },
    ...hugeRepositoryRatios(huge),
    ...storage.ratios,
    ...copyTable.ratios,
  ]

  console.log(`\nBerth bench — ${new Date().toISOString()} — concurrency ${concurrency}, ${bench.tagCount} tags\n`)
  console.log(formatTable(rows, ratios))
  const perTag = (n: number | undefined): number => Math.round(((n ?? 0) / counted.tags) * 1000) / 1000
  console.log(
    `\nrequests per tag (cold): HEAD ${perTag(requests.byKind['head-manifest'])}, ` +
      `GET manifest ${perTag(requests.byKind['get-manifest'])}, GET blob ${perTag(requests.byKind['get-blob'])}, ` +
      `token ${perTag(requests.byKind.token)} (issuer saw ${issuer.total ?? 0}); ` +
      `${requests.total} requests, ${requests.unauthorized} × 401, ${requests.connections} connections`,
  )
  for (const b of browser) console.log(browserRequestLine(b.timings, b.tagCount) ?? '')
  for (const line of copyCountLines(copy)) console.log(line)
  const machine = machineInfo()
  console.log(
    `machine: ${String(machine.cpus)} × ${String(machine.cpuModel)}, load ${JSON.stringify(machine.loadAverage)}; ` +
      `bench took ${Math.round((performance.now() - started) / 1000)} s`,
  )
  await writeJson(join(resultsDir, 'latest.json'), {
    date: new Date().toISOString(),
    machine,
    concurrency,
    tags: bench.tagCount,
    proxyDelayMs,
    tokenRequestThroughProxy: false,
    rows,
    ratios,
    requests: {
      cold: requests,
      issuer,
      warm: warm[0]?.requests,
      browser: browser.map((b) => ({ tags: b.tagCount, ...b.timings.requests })),
    },
    copy: { image: copy.image, counts: copyCountLines(copy) },
    markdown: formatMarkdown(rows, ratios),
  })
  log(`\nwrote ${join(resultsDir, 'latest.json')}`)
}

try {
  await main()
} catch (error) {
  process.exitCode = 1
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
} finally {
  await cleanup()
}

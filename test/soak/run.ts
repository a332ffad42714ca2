// `npm run soak` (issue "Bounded everything"): for a few minutes, list, paginate and delete through
// the fault-injecting proxy with Berth's real engine in this process, then check that nothing
// leaked: file descriptors back to where they started, sockets within the pool bound, no process
// left, heap and RSS flat over the run, no abort listener left behind, no error that is not a
// BerthError, no operation or iteration past its bound. Prints a table, writes
// test-results/soak.json, exits 0 on PASS, 1 on FAIL, 2 when the global watchdog ends the run.
//
//   npx tsx --expose-gc test/soak/run.ts [--minutes N | --seconds N] [--seed N] [--inject-leak agents|listeners]
//
// Chain of servers, all on 127.0.0.1 and all but the registry inside this process:
//   Berth → fault proxy → page shrinker → lab paging front → docker-registry (open, deletes enabled)
import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { getEventListeners, setMaxListeners } from 'node:events'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createDispatcher } from '../../electron/doors/api-dispatch'
import { createEngine, defaultConcurrency, type Engine } from '../../electron/session/engine'
import { tagIndexForCache } from '../../electron/stores/cache/tag-index'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy'
import { startLab, type Lab } from '../lab/lab'
import { run } from '../lab/processes'
import { churnLayoutDirectory, churnRepository, listChurnTags, prepareChurnImages } from './churn-images'
import { garbageCollector, sampleMemory, type GarbageCollector } from './memory-probe'
import { startPageShrinker, type PageShrinker } from './page-shrinker'
import {
  activeResources,
  countDescriptors,
  countSockets,
  describeDescriptors,
  descendantProcesses,
  explainDescriptor,
} from './process-probe'
import { createSeededRandom } from './seeded-random'
import { parseSoakOptions, usage, type SoakOptions } from './soak-options'
import { summarize } from './soak-checks'
import { formatSummary, mib, type Sample, type Thresholds } from './soak-report'
import { createTally, noteIncident, type SoakTally } from './soak-tally'
import { BoundExceeded, startGlobalWatchdog, withinBound, type GlobalWatchdog } from './watchdog'
import { createWorkload, type Workload } from './workload'

/** Short deadlines so every fault resolves in seconds (electron/http/http-limits.ts), and budgets that end endless pages fast. */
const engineEnv: Record<string, string> = {
  BERTH_HEADERS_TIMEOUT_MS: '2000',
  BERTH_BODY_TIMEOUT_MS: '2000',
  BERTH_LISTING_TIMEOUT_MS: '6000',
  BERTH_LISTING_MAX_ITEMS: '20000',
  BERTH_LISTING_MAX_BYTES: String(4 * 1024 * 1024),
}

/** With those deadlines the slowest healthy operation under faults takes a few seconds (the report prints each kind's slowest). */
const operationBoundMs = 20_000
const iterationBoundMs = 30_000
/** The first run after a change to test/lab's generators re-seeds the lab's cache (a minute or more on a busy machine). */
const labStartBoundMs = 600_000
const warmUpBoundMs = 120_000
/** "Exceeds the requested time by more than a minute": measured from the start of the loop, teardown included. */
const overrunAllowanceMs = 60_000

const thresholds: Thresholds = {
  descriptorSlack: 8,
  // One live pool at a time (the saved session's; a CLI-style engine runs between iterations and is closed),
  // doubled for a forgotten session's pool still draining.
  maxBerthSockets: 2 * defaultConcurrency,
  maxHeapGrowthBytes: 8 * 1024 * 1024,
  maxRssGrowthBytes: 64 * 1024 * 1024,
  hintSlack: 16,
}

interface Running {
  lab: Lab | null
  shrinker: PageShrinker | null
  proxy: FaultProxy | null
  engine: Engine | null
  workload: Workload | null
  dataDirectory: string | null
}

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

async function main(): Promise<number> {
  let options: SoakOptions
  try {
    options = parseSoakOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`)
    return 2
  }
  const tally = createTally()
  // Counted and shown once each, then summed in the report: the fault proxy's huge bodies alone
  // warn dozens of times (test/lab/fault-proxy.ts streamHuge adds a 'close' listener per drain wait).
  process.removeAllListeners('warning')
  process.on('warning', (warning) => {
    const key = `${warning.name}: ${warning.message}`
    if (tally.warnings[key] === undefined) process.stderr.write(`soak: process warning (shown once): ${key}\n`)
    tally.warnings[key] = (tally.warnings[key] ?? 0) + 1
  })
  const running: Running = { lab: null, shrinker: null, proxy: null, engine: null, workload: null, dataDirectory: null }
  const collector: GarbageCollector = garbageCollector()
  const jsonPath = resolve(options.jsonPath)
  const watchdog: GlobalWatchdog = startGlobalWatchdog(
    () => running.workload?.describe() ?? 'during setup',
    () => {
      // The exit hooks of test/lab/processes.ts kill the registries; leave a record of why.
      try {
        mkdirSync(dirname(jsonPath), { recursive: true })
        writeFileSync(jsonPath, JSON.stringify({ verdict: 'HUNG', seed: options.seed, state: running.workload?.describe() ?? 'setup' }))
      } catch {
        // Nothing more can be done from here.
      }
    },
  )
  // The first child process and signal handler make libuv open descriptors it keeps for good: open
  // them before the baseline, so the end-of-run comparison counts only what the soak's work left.
  await run('true', [])
  await watchdog.ready
  const startDescriptors = countDescriptors()
  const startTargets = new Set(describeDescriptors().values())
  const startResources = activeResources()
  const startMemory = sampleMemory(collector)
  // tsx runs esbuild as a child of this process: the tool's, there before the soak started anything.
  const toolPids = new Set(descendantProcesses().map((child) => child.pid))

  const seconds = Math.round(options.durationMs / 1000)
  log(`soak: seed ${options.seed}, ${seconds} s, sampling every ${options.sampleEveryMs / 1000} s, gc ${collector.source}`)
  if (options.injectLeak !== null) log(`soak: SELF-TEST, planting a leak: ${options.injectLeak}`)
  const setupStarted = performance.now()
  watchdog.arm(labStartBoundMs, 'lab start-up (seeding included)')
  const runController = new AbortController()
  // Every request in flight listens on this signal (32 at a time per pool, plus listings and pools):
  // Node's warning at 11 would fire on healthy runs. A leak still shows in the between-iterations count.
  setMaxListeners(4 * defaultConcurrency, runController.signal)
  // Two streams from one seed: the faults armed on iteration N depend on the seed alone, not on how
  // many random picks the workload made before (which depends on what the faults made fail).
  const faultRandom = createSeededRandom(options.seed)
  const workloadRandom = createSeededRandom(options.seed ^ 0x5bd1e995)

  let lab: Lab
  let proxy: FaultProxy
  let engine: Engine
  let workload: Workload
  try {
    lab = await startLab({ only: ['open', 'paging'] })
    running.lab = lab
    const shrinker = await startPageShrinker({ upstream: lab.paging.url, catalogPageSize: 3, tagsPageSize: 25 })
    running.shrinker = shrinker
    proxy = await startFaultProxy({
      upstream: shrinker.url,
      maxConnections: 512,
      lifetimeMs: warmUpBoundMs + options.durationMs + overrunAllowanceMs + 60_000,
    })
    running.proxy = proxy
    const images = await prepareChurnImages(lab.open.url, churnLayoutDirectory(lab.dir))
    const dataDirectory = await mkdtemp(join(tmpdir(), 'berth-soak-'))
    running.dataDirectory = dataDirectory
    engine = createEngine({ dataDirectory: join(dataDirectory, 'app'), secrets: createMemorySecretStore(), env: engineEnv, certsDirs: [] })
    running.engine = engine
    const profile = engine.profiles.save({ name: 'soak', url: proxy.url, kind: 'generic' })
    const dispatch = createDispatcher(engine.api, {
      onError: (method, error) =>
        noteIncident(tally.unexpected, {
          iteration: -1,
          operation: `door:${method}`,
          what: `not a BerthError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          faults: [],
        }),
    })
    const seededTags = new Map(
      Object.entries(lab.truth.repositories).map(([repository, tags]): [string, string[]] => [repository, Object.keys(tags)]),
    )
    workload = createWorkload({
      engine,
      profileId: profile.id,
      dispatch,
      proxy,
      registryUrl: lab.open.url,
      images,
      seededTags,
      random: workloadRandom,
      faultRandom,
      tally,
      runSignal: runController.signal,
      cliDataDirectory: join(dataDirectory, 'cli'),
      engineEnv,
      operationBoundMs,
      injectLeak: options.injectLeak,
      log,
      verbose: options.verbose,
    })
    running.workload = workload
    log(`soak: lab up and churn images pushed in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; warming up`)
    watchdog.arm(warmUpBoundMs + 10_000, 'warm-up')
    await withinBound('warm-up', warmUpBoundMs, workload.warmUp())
  } catch (error) {
    process.stderr.write(`soak: setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    await teardown(running, tally)
    await watchdog.stop()
    return 2
  }
  const setupSeconds = (performance.now() - setupStarted) / 1000
  log(`soak: lab, proxy and engine up and warm in ${setupSeconds.toFixed(1)} s; looping`)

  // The measured loop.
  watchdog.arm(options.durationMs + overrunAllowanceMs, 'the requested duration plus one minute')
  const loopStarted = performance.now()
  const samples: Sample[] = []
  const labPids = new Set(lab.pids)
  const sample = (iteration: number): Sample => {
    const memory = sampleMemory(collector)
    const sockets = countSockets()
    const descendants = descendantProcesses().filter((child) => !toolPids.has(child.pid))
    const proxyPort = Number(new URL(proxy.url).port)
    const taken: Sample = {
      atMs: Math.round(performance.now() - loopStarted),
      iteration,
      descriptors: countDescriptors(),
      berthSockets: sockets.clientsOf(proxyPort),
      proxySockets: sockets.acceptedOn(proxyPort),
      tcpSockets: sockets.total,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      external: memory.external,
      processes: descendants.length,
      strayProcesses: descendants.filter((child) => !labPids.has(child.pid)).length,
      abortListeners: getEventListeners(runController.signal, 'abort').length,
      resources: activeResources(),
    }
    samples.push(taken)
    return taken
  }
  sample(0)
  let iterations = 0
  let lastSampleAt = performance.now()
  let lastProgressAt = performance.now()
  while (performance.now() - loopStarted < options.durationMs) {
    iterations++
    try {
      await withinBound(`iteration ${iterations}`, iterationBoundMs, workload.iteration(iterations))
    } catch (error) {
      const what = error instanceof BoundExceeded ? error.message : `iteration failed: ${String(error)}`
      noteIncident(tally.hangs, { iteration: iterations, operation: workload.describe(), what, faults: [] })
      log(`soak: ${what} (${workload.describe()}); stopping the loop`)
      // The proxy's log still holds this iteration's requests: the last ones say what was waited for.
      log(`soak: last requests of the hung iteration (of ${proxy.requests.length}):`)
      for (const entry of proxy.requests.slice(-25)) {
        const fault = entry.fault !== null ? ` [${entry.fault}]` : ''
        log(`  ${entry.method} ${entry.path.slice(0, 120)}${fault}${entry.forwarded ? '' : ' (not forwarded)'}`)
      }
      // Let whatever is stuck and takes a signal give up, so the teardown can close the engine.
      runController.abort()
      break
    }
    if (performance.now() - lastSampleAt >= options.sampleEveryMs) {
      lastSampleAt = performance.now()
      const taken = sample(iterations)
      if (performance.now() - lastProgressAt >= 15_000) {
        lastProgressAt = performance.now()
        log(
          `soak: ${Math.round(taken.atMs / 1000)} s, ${iterations} iterations, fds ${taken.descriptors.total}, ` +
            `Berth sockets ${taken.berthSockets}, RSS ${mib(taken.rss)}, heap ${mib(taken.heapUsed)}, listeners ${taken.abortListeners}`,
        )
      }
    }
  }
  const atLoopEnd = sample(iterations)
  const loopSeconds = (performance.now() - loopStarted) / 1000

  // What the engine remembers about the churn repository against what the registry holds.
  const hintedTags = await tagIndexForCache(engine.cache)
    .open(proxy.host, churnRepository)
    .then((hints) => [...hints.entries()].map(([tag]) => tag))
  const liveTags = new Set(await listChurnTags(lab.open.url).catch(() => []))
  const hints = {
    churnHinted: hintedTags.length,
    churnLive: liveTags.size,
    staleExamples: hintedTags.filter((tag) => !liveTags.has(tag)).slice(0, 8),
  }

  const teardownStarted = performance.now()
  await teardown(running, tally)
  const processesLeft = descendantProcesses().filter((child) => !toolPids.has(child.pid))
  // Closed sockets leave the descriptor table as their peers hang up: give them a moment.
  let endDescriptors = countDescriptors()
  for (let waited = 0; endDescriptors.total > startDescriptors.total + thresholds.descriptorSlack && waited < 5_000; waited += 250) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 250))
    endDescriptors = countDescriptors()
  }
  const endTargets = [...describeDescriptors().values()]
  const endMemory = sampleMemory(collector)
  const endResources = activeResources()
  const teardownSeconds = (performance.now() - teardownStarted) / 1000

  const summary = summarize({
    seed: options.seed,
    requestedMs: options.durationMs,
    thresholds,
    bounds: { operationMs: operationBoundMs, iterationMs: iterationBoundMs },
    tally,
    samples,
    atLoopEnd,
    iterations,
    garbageCollector: collector.source,
    seconds: { setup: setupSeconds, loop: loopSeconds, teardown: teardownSeconds },
    start: { descriptors: startDescriptors, rss: startMemory.rss, heap: startMemory.heapUsed, resources: startResources },
    end: { descriptors: endDescriptors, rss: endMemory.rss, heap: endMemory.heapUsed, resources: endResources },
    leftOver: endTargets.filter((target) => !startTargets.has(target)).map(explainDescriptor),
    processesLeft,
    hints,
  })
  log(formatSummary(summary))
  await mkdir(dirname(jsonPath), { recursive: true })
  await writeFile(jsonPath, `${JSON.stringify(summary, null, 2)}\n`)
  log(`soak: summary written to ${jsonPath}`)
  await watchdog.stop()
  return summary.verdict === 'PASS' ? 0 : 1
}

/** Closes everything the soak started, each step bounded; a step past its bound is a hang. */
async function teardown(running: Running, tally: SoakTally): Promise<void> {
  const step = async (what: string, boundMs: number, action: () => Promise<unknown>): Promise<void> => {
    try {
      await withinBound(what, boundMs, action())
    } catch (error) {
      noteIncident(tally.hangs, { iteration: -1, operation: 'teardown', what: `${what}: ${String(error)}`, faults: [] })
    }
  }
  const { engine, proxy, shrinker, lab, workload, dataDirectory } = running
  if (engine !== null) await step('engine.close()', 8_000, () => engine.close())
  if (workload !== null)
    await step('closing planted agents', 3_000, () => Promise.all(workload.plantedAgents().map((agent) => agent.destroy())))
  if (proxy !== null) await step('fault proxy close', 3_000, () => proxy.close())
  if (shrinker !== null) await step('page shrinker close', 3_000, () => shrinker.close())
  if (lab !== null) await step('lab.stop()', 8_000, () => lab.stop())
  if (dataDirectory !== null) await step('removing the data directory', 3_000, () => rm(dataDirectory, { recursive: true, force: true }))
}

// Exit explicitly: a leaked handle (which the checks report) must not keep the soak running after its verdict.
process.exit(await main())

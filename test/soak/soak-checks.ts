// The soak's checks, each with its bound, turned into the summary the table and the JSON report.
import { defaultConcurrency } from '../../electron/session/engine'
import { churnRepository } from './churn-images'
import type { ChildProcessInfo, DescriptorCounts } from './process-probe'
import { median, mib, quarters, trendPerMinute, type Check, type Sample, type SoakSummary, type Thresholds } from './soak-report'
import type { SoakTally } from './soak-tally'

export interface ResourceState {
  descriptors: DescriptorCounts
  rss: number
  heap: number
  resources: Record<string, number>
}

export interface SummaryInput {
  seed: number
  requestedMs: number
  thresholds: Thresholds
  bounds: { operationMs: number; iterationMs: number }
  tally: SoakTally
  samples: Sample[]
  atLoopEnd: Sample
  iterations: number
  garbageCollector: string
  seconds: { setup: number; loop: number; teardown: number }
  /** Before the lab started (after the tools' own one-time descriptors), and after everything was closed. */
  start: ResourceState
  end: ResourceState
  /** Descriptors open at the end that were not at the start, explained. */
  leftOver: string[]
  processesLeft: ChildProcessInfo[]
  hints: { churnHinted: number; churnLive: number; staleExamples: string[] }
}

/** Handles that hold a descriptor or a process: all of them must be gone once everything is closed. */
const handleTypes = ['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'ProcessWrap', 'TTYWrap']

export function summarize(input: SummaryInput): SoakSummary {
  const { tally, samples, thresholds } = input
  const peak = (value: (sample: Sample) => number): number => samples.reduce((max, sample) => Math.max(max, value(sample)), 0)
  const [first, second, , last] = quarters(samples)
  const heapGrowth = median(last.map((sample) => sample.heapUsed)) - median(first.map((sample) => sample.heapUsed))
  const heapTrend = trendPerMinute(samples, (sample) => sample.heapUsed)
  const rssGrowth = median(last.map((sample) => sample.rss)) - median(second.map((sample) => sample.rss))
  const descriptorPeak = peak((sample) => sample.descriptors.total)
  const berthPeak = peak((sample) => sample.berthSockets)
  const listenersPeak = peak((sample) => sample.abortListeners)
  const strayPeak = peak((sample) => sample.strayProcesses)
  // Quarters of fewer than two samples say nothing about a trend.
  const enoughSamples = samples.length >= 8
  const handlesLeft = handleTypes.filter((type) => (input.end.resources[type] ?? 0) > (input.start.resources[type] ?? 0))
  const slowest = Object.values(tally.slowestMs).reduce((max, ms) => Math.max(max, ms), 0)
  const { start, end } = input

  const checks: Check[] = [
    {
      name: 'every operation and iteration ended within its bound',
      ok: tally.hangs.length === 0,
      detail:
        tally.hangs.length === 0
          ? `slowest operation ${slowest} ms (bound ${input.bounds.operationMs} ms, iteration ${input.bounds.iterationMs} ms)`
          : `${tally.hangs.length} hung: ${tally.hangs.map((hang) => hang.what).join('; ')}`,
    },
    {
      name: 'every failure was a BerthError with a code the faults explain',
      ok: tally.unexpected.length === 0,
      detail: tally.unexpected.length === 0 ? 'none unexpected' : `${tally.unexpected.length} unexpected (listed below)`,
    },
    {
      name: 'deletes removed only what was confirmed',
      ok: tally.safetyViolations.length === 0,
      detail:
        tally.safetyViolations.length === 0
          ? 'every anchor tag intact after every churn round'
          : `${tally.safetyViolations.length} anchors lost`,
    },
    {
      name: 'file descriptors back to the start',
      ok: end.descriptors.total <= start.descriptors.total + thresholds.descriptorSlack,
      detail: `${start.descriptors.total} → ${end.descriptors.total} (slack ${thresholds.descriptorSlack}; peak ${descriptorPeak})`,
    },
    {
      name: 'no socket, server, pipe or child handle left open',
      ok: handlesLeft.length === 0,
      detail:
        handlesLeft.length === 0
          ? 'same as before the lab started'
          : handlesLeft.map((type) => `${type} ${start.resources[type] ?? 0} → ${end.resources[type] ?? 0}`).join(', '),
    },
    {
      name: "Berth's sockets stayed within its pool",
      ok: berthPeak <= thresholds.maxBerthSockets,
      detail:
        `peak ${berthPeak} (bound ${thresholds.maxBerthSockets} = 2 × concurrency ${defaultConcurrency}), ` +
        `${input.atLoopEnd.berthSockets} at loop end`,
    },
    {
      name: 'no process left, none but the registry while running',
      ok: input.processesLeft.length === 0 && strayPeak === 0,
      detail: `${input.processesLeft.length} left after teardown, peak ${strayPeak} besides the lab's registry`,
    },
    {
      name: 'no abort listener left between iterations',
      ok: listenersPeak === 0,
      detail: `peak ${listenersPeak} on the signal every session call got`,
    },
    {
      name: 'heap flat (after gc, first → last quarter)',
      ok: !enoughSamples || heapGrowth < thresholds.maxHeapGrowthBytes,
      detail: enoughSamples
        ? `${mib(heapGrowth)} (bound ${mib(thresholds.maxHeapGrowthBytes)}; trend ${mib(heapTrend)}/min)`
        : `only ${samples.length} samples: not judged`,
    },
    {
      name: 'RSS flat over the second half',
      ok: !enoughSamples || rssGrowth < thresholds.maxRssGrowthBytes,
      detail: enoughSamples
        ? `${mib(rssGrowth)} (bound ${mib(thresholds.maxRssGrowthBytes)})`
        : `only ${samples.length} samples: not judged`,
    },
    {
      name: `tag hints of ${churnRepository} bounded by its tags`,
      ok: input.hints.churnHinted <= input.hints.churnLive + thresholds.hintSlack,
      detail:
        `${input.hints.churnHinted} tags hinted in memory, ${input.hints.churnLive} on the registry (slack ${thresholds.hintSlack})` +
        (input.hints.staleExamples.length > 0 ? `; hinted but gone: ${input.hints.staleExamples.join(', ')} …` : ''),
    },
  ]
  return {
    verdict: checks.every((check) => check.ok) ? 'PASS' : 'FAIL',
    seed: input.seed,
    requestedSeconds: Math.round(input.requestedMs / 1000),
    setupSeconds: Number(input.seconds.setup.toFixed(1)),
    loopSeconds: Number(input.seconds.loop.toFixed(1)),
    teardownSeconds: Number(input.seconds.teardown.toFixed(1)),
    iterations: input.iterations,
    garbageCollector: input.garbageCollector,
    thresholds,
    tally,
    descriptors: { start: start.descriptors, peak: descriptorPeak, end: end.descriptors, leftOver: input.leftOver },
    rss: {
      start: start.rss,
      peak: Math.max(
        peak((sample) => sample.rss),
        end.rss,
      ),
      end: end.rss,
      growthSecondHalf: rssGrowth,
    },
    heap: { start: start.heap, end: end.heap, growthFirstToLastQuarter: heapGrowth, trendBytesPerMinute: heapTrend },
    sockets: { berthPeak, proxyPeak: peak((sample) => sample.proxySockets), berthAtLoopEnd: input.atLoopEnd.berthSockets },
    processes: {
      duringRunPeak: peak((sample) => sample.processes),
      strayPeak,
      left: input.processesLeft.map((left) => ({ pid: left.pid, name: left.name, state: left.state })),
    },
    abortListenersPeak: listenersPeak,
    hints: input.hints,
    resources: { start: start.resources, end: end.resources },
    checks,
    samples,
  }
}

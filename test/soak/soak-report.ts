// The soak's verdict: the checks with their thresholds, and the table and JSON they are reported in.
// Thresholds are set so a healthy run passes with a wide margin (its figures are printed beside
// each bound) while the leaks they guard against fail them within a minute or two: an undici Agent
// per request left open holds sockets past the pool bound and grows the heap by megabytes a minute;
// an abort listener per call shows as listeners left between iterations.
import type { DescriptorCounts } from './process-probe'
import type { SoakTally } from './soak-tally'

export interface Sample {
  /** Milliseconds since the measured loop started. */
  atMs: number
  iteration: number
  descriptors: DescriptorCounts
  /** Berth's connections to the fault proxy (the only registry address Berth is given). */
  berthSockets: number
  /** Connections the fault proxy has accepted. */
  proxySockets: number
  tcpSockets: number
  rss: number
  heapUsed: number
  external: number
  /** Every descendant process; `strayProcesses` those that are not the lab's registries. */
  processes: number
  strayProcesses: number
  /** Listeners on the signal passed to every session call; between iterations there should be none. */
  abortListeners: number
  resources: Record<string, number>
}

export interface Thresholds {
  /** Descriptors the process may hold at the end beyond what it held before the lab started. */
  descriptorSlack: number
  /** Berth's sockets to the registry at any sample: one keep-alive pool of `concurrency` per live session. */
  maxBerthSockets: number
  /** Heap used after a full GC: median of the last quarter of samples minus that of the first. */
  maxHeapGrowthBytes: number
  /** RSS: median of the last quarter minus that of the second quarter (the run's second half). */
  maxRssGrowthBytes: number
  /** Tags with a digest hint in the churn repository beyond the tags it really has. */
  hintSlack: number
}

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export interface SoakSummary {
  verdict: 'PASS' | 'FAIL'
  seed: number
  requestedSeconds: number
  setupSeconds: number
  loopSeconds: number
  teardownSeconds: number
  iterations: number
  garbageCollector: string
  thresholds: Thresholds
  tally: SoakTally
  descriptors: { start: DescriptorCounts; peak: number; end: DescriptorCounts; leftOver: string[] }
  rss: { start: number; peak: number; end: number; growthSecondHalf: number }
  heap: { start: number; end: number; growthFirstToLastQuarter: number; trendBytesPerMinute: number }
  sockets: { berthPeak: number; proxyPeak: number; berthAtLoopEnd: number }
  processes: { duringRunPeak: number; strayPeak: number; left: { pid: number; name: string; state: string }[] }
  abortListenersPeak: number
  hints: { churnHinted: number; churnLive: number; staleExamples: string[] }
  resources: { start: Record<string, number>; end: Record<string, number> }
  checks: Check[]
  samples: Sample[]
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** The samples split in four by position (sampling is about even in time). */
export function quarters<T>(items: readonly T[]): [T[], T[], T[], T[]] {
  const size = items.length / 4
  const part = (index: number): T[] => items.slice(Math.floor(index * size), Math.floor((index + 1) * size))
  return [part(0), part(1), part(2), part(3)]
}

/** Least-squares slope of `value` over `atMs`, per minute. */
export function trendPerMinute(samples: readonly Sample[], value: (sample: Sample) => number): number {
  if (samples.length < 2) return 0
  const meanX = samples.reduce((sum, sample) => sum + sample.atMs, 0) / samples.length
  const meanY = samples.reduce((sum, sample) => sum + value(sample), 0) / samples.length
  let covariance = 0
  let variance = 0
  for (const sample of samples) {
    covariance += (sample.atMs - meanX) * (value(sample) - meanY)
    variance += (sample.atMs - meanX) ** 2
  }
  return variance === 0 ? 0 : (covariance / variance) * 60_000
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`

function counts(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

function row(cells: (string | number)[], widths: number[]): string {
  return cells
    .map((cell, index) => {
      const text = typeof cell === 'number' ? cell.toLocaleString('en-US') : cell
      const width = widths[index] ?? 10
      return index === 0 ? text.padEnd(width) : text.padStart(width)
    })
    .join('  ')
    .trimEnd()
}

/** The human-readable report: run figures, operations, errors, faults, resources, then the checks. */
export function formatSummary(summary: SoakSummary): string {
  const { tally } = summary
  const lines: string[] = []
  const faulted = Object.values(tally.faultsApplied).reduce((sum, count) => sum + count, 0)
  lines.push(
    '',
    `Berth soak: ${summary.verdict}`,
    `seed ${summary.seed} · ${summary.requestedSeconds} s requested · setup ${summary.setupSeconds} s · ` +
      `loop ${summary.loopSeconds} s · ` +
      `teardown ${summary.teardownSeconds} s · ${summary.iterations.toLocaleString('en-US')} iterations · ` +
      `${tally.requestsSeen.toLocaleString('en-US')} requests through the proxy (${faulted.toLocaleString('en-US')} faulted) · ` +
      `gc: ${summary.garbageCollector}`,
    '',
  )
  lines.push(row(['operation', 'count', 'slowest ms'], [28, 8, 11]))
  for (const [operation, count] of counts(tally.operations))
    lines.push(row([`  ${operation}`, count, tally.slowestMs[operation] ?? 0], [28, 8, 11]))
  lines.push(`  tags deleted: ${tally.deleted.ok} ok, ${tally.deleted.failed} failed (peak ${tally.peakChurnTags} tags in soak/churn)`, '')

  const codes = [...new Set([...Object.keys(tally.thrown), ...Object.keys(tally.rowErrors), ...Object.keys(tally.deleteErrors)])].sort()
  lines.push(row(['error code', 'thrown', 'rows', 'deletes'], [28, 8, 8, 8]))
  for (const code of codes) {
    lines.push(row([`  ${code}`, tally.thrown[code] ?? 0, tally.rowErrors[code] ?? 0, tally.deleteErrors[code] ?? 0], [28, 8, 8, 8]))
  }
  const faults = counts(tally.faultsApplied).map(([kind, count]) => `${kind} ${count}`)
  lines.push('', `faults applied: ${faults.join(', ') || 'none'}`)
  lines.push(`pages after the first through the proxy: catalog ${tally.laterPages.catalog}, tag lists ${tally.laterPages.tags}`)
  for (const [warning, count] of counts(tally.warnings)) lines.push(`process warning ×${count}: ${warning}`)
  lines.push('')

  const { descriptors, rss, heap, sockets, processes } = summary
  const widths = [30, 12, 12, 12]
  lines.push(row(['resource', 'start', 'peak', 'end'], widths))
  lines.push(row(['  file descriptors', descriptors.start.total, descriptors.peak, descriptors.end.total], widths))
  lines.push(row(['  of which sockets', descriptors.start.sockets, '', descriptors.end.sockets], widths))
  lines.push(row(['  Berth → proxy sockets', '', sockets.berthPeak, `${sockets.berthAtLoopEnd} at loop end`], widths))
  lines.push(row(['  proxy accepted sockets', '', sockets.proxyPeak, ''], widths))
  lines.push(row(['  RSS', mib(rss.start), mib(rss.peak), mib(rss.end)], widths))
  lines.push(row(['  heap used after gc', mib(heap.start), '', mib(heap.end)], widths))
  lines.push(row(['  processes (descendants)', '', processes.duringRunPeak, processes.left.length], widths))
  lines.push(row(['  abort listeners (between its)', '', summary.abortListenersPeak, ''], widths))
  lines.push(
    `  heap growth first → last quarter ${signedMib(heap.growthFirstToLastQuarter)}, trend ${signedMib(heap.trendBytesPerMinute)}/min; ` +
      `RSS growth over the second half ${signedMib(rss.growthSecondHalf)}`,
  )
  if (descriptors.leftOver.length > 0) lines.push(`  descriptors not there at the start: ${descriptors.leftOver.join(', ')}`)
  if (processes.left.length > 0)
    lines.push(`  processes left: ${processes.left.map((left) => `${left.pid} ${left.name} (${left.state})`).join(', ')}`)
  lines.push('')

  for (const check of summary.checks) lines.push(`${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`)
  const incidents = [
    ...tally.hangs.map((incident) => ({ label: 'HANG', incident })),
    ...tally.unexpected.map((incident) => ({ label: 'UNEXPECTED', incident })),
    ...tally.safetyViolations.map((incident) => ({ label: 'SAFETY', incident })),
  ]
  for (const { label, incident } of incidents.slice(0, 20)) {
    lines.push(
      `${label} iteration ${incident.iteration}, ${incident.operation}: ${incident.what.split('\n')[0] ?? ''}` +
        (incident.faults.length > 0 ? ` [faults: ${incident.faults.join('; ')}]` : ''),
    )
  }
  lines.push('', `Berth soak: ${summary.verdict}`)
  return lines.join('\n')
}

// The bench's verdicts and output: each measurement against its target from the issue, the table
// printed to the terminal, and the JSON written to bench/results/ for comparing runs.
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem, loadavg } from 'node:os'
import { dirname } from 'node:path'
import { formatMs, type Summary } from './stats'

export interface Target {
  /** The figure must be at most this many milliseconds… */
  maxMs?: number
  /** …or (for ratios) at least this value… */
  minRatio?: number
  /** …or (for ratios where less is better, e.g. start-up against bare Node) at most this value. */
  maxRatio?: number
  text: string
}

export interface MeasurementRow {
  id: string
  label: string
  /** Milliseconds unless `unit` says otherwise. */
  summary: Summary
  /** 'MiB' for memory (peak RSS, JS heap); default 'ms'. */
  unit?: 'ms' | 'MiB'
  target?: Target
  /** Extra figures worth keeping (request counts, the list request, …). */
  details?: Record<string, unknown>
}

export interface RatioRow {
  id: string
  label: string
  value: number
  target?: Target
}

export type Verdict = 'pass' | 'miss' | '—'

export function verdictOf(median: number, target: Target | undefined): Verdict {
  if (target === undefined) return '—'
  if (target.maxMs !== undefined) return median <= target.maxMs ? 'pass' : 'miss'
  if (target.minRatio !== undefined) return median >= target.minRatio ? 'pass' : 'miss'
  if (target.maxRatio !== undefined) return median <= target.maxRatio ? 'pass' : 'miss'
  return '—'
}

/** "19.3×"; below 10 with two decimals, so "1.28×" against a 1.3× limit reads as what decided the verdict. */
export function formatRatio(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)}×`
}

export function machineInfo(): Record<string, unknown> {
  const cpu = cpus()
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

/** A figure of a row in its unit: "1,234 ms" / "12.3 s", or "161.5 MiB". */
export function formatValue(value: number, unit: MeasurementRow['unit'] = 'ms'): string {
  return unit === 'MiB' ? `${value.toFixed(1)} MiB` : formatMs(value)
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
}

/** A plain-text table (measurement, n, median, min–max, IQR, target, verdict). */
export function formatTable(rows: MeasurementRow[], ratios: RatioRow[]): string {
  const header = ['measurement', 'n', 'median', 'min–max', 'IQR', 'target', 'result']
  const body = rows.map((row) => [
    row.label,
    String(row.summary.n),
    formatValue(row.summary.median, row.unit),
    `${formatValue(row.summary.min, row.unit)} – ${formatValue(row.summary.max, row.unit)}`,
    `${formatValue(row.summary.q1, row.unit)} – ${formatValue(row.summary.q3, row.unit)}`,
    row.target?.text ?? '',
    verdictOf(row.summary.median, row.target),
  ])
  for (const ratio of ratios) {
    body.push([ratio.label, '', formatRatio(ratio.value), '', '', ratio.target?.text ?? '', verdictOf(ratio.value, ratio.target)])
  }
  const widths = header.map((_, i) => Math.max(header[i]?.length ?? 0, ...body.map((cells) => cells[i]?.length ?? 0)))
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [pad(header, widths), rule, ...body.map((cells) => pad(cells, widths))].join('\n')
}

/** A Markdown table of the same rows, for the README's Performance section. */
export function formatMarkdown(rows: MeasurementRow[], ratios: RatioRow[]): string {
  const lines = ['| measurement | median | min–max | target | result |', '|---|---:|---:|---|---|']
  for (const row of rows) {
    lines.push(
      `| ${row.label} | ${formatValue(row.summary.median, row.unit)} ` +
        `| ${formatValue(row.summary.min, row.unit)} – ${formatValue(row.summary.max, row.unit)} ` +
        `| ${row.target?.text ?? ''} | ${verdictOf(row.summary.median, row.target)} |`,
    )
  }
  for (const ratio of ratios)
    lines.push(`| ${ratio.label} | ${formatRatio(ratio.value)} | | ${ratio.target?.text ?? ''} | ${verdictOf(ratio.value, ratio.target)} |`)
  return lines.join('\n')
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`)
}

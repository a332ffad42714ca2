// Summaries of repeated timings. A bench on a shared 2-core machine is noisy, so every figure is
// a median with its spread (min–max and the interquartile range), never a single run or a mean.

export interface Summary {
  /** Number of samples. */
  n: number
  median: number
  min: number
  max: number
  /** First and third quartile (linear interpolation between closest ranks). */
  q1: number
  q3: number
  samples: number[]
}

/** The p-quantile (0 ≤ p ≤ 1) of already sorted values, linearly interpolated (type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no samples')
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be within [0, 1], got ${p}`)
  const position = (sorted.length - 1) * p
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower] as number
  const high = sorted[upper] as number
  return low + (high - low) * (position - lower)
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summary of no samples')
  if (samples.some((s) => !Number.isFinite(s))) throw new RangeError('samples must be finite numbers')
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    samples: [...samples],
  }
}

/** Milliseconds since `start` (a performance.now() reading), rounded to 0.1 ms. */
export function elapsedMs(start: number): number {
  return round1(performance.now() - start)
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10
}

/** "1,234 ms" below 10 s, "12.3 s" above: what a reader of the table can compare at a glance. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 100) return `${Math.round(ms).toLocaleString('en-US')} ms`
  return `${ms.toFixed(1)} ms`
}

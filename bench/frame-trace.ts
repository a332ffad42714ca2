// Main-thread CPU per frame, from a Chromium trace: on a shared machine a frame's wall time grows
// with the load (the renderer waits for a core), its CPU time much less. Each top-level task's
// thread time (`tdur`) is summed into the frame it ran in; frames start at the animation-frame
// callbacks (several callbacks within a few ms are one frame).
import type { Browser, Page } from 'playwright-core'

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  tdur?: number
  pid: number
  tid: number
  args?: { name?: string }
}

export interface FrameCpu {
  frames: number
  /** The most main-thread CPU one frame took, and the median, in ms. */
  longestCpuMs: number
  medianCpuMs: number
}

/** Callbacks this close together (µs) belong to one frame. */
const sameFrameUs = 4_000

export function frameCpuOf(trace: { traceEvents: TraceEvent[] }): FrameCpu {
  const main = trace.traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  if (main === undefined) throw new Error('the trace has no renderer main thread')
  const events = trace.traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X')
  const callbacks = events
    .filter((e) => e.name === 'FireAnimationFrame')
    .map((e) => e.ts)
    .sort((a, b) => a - b)
  const starts: number[] = []
  for (const ts of callbacks) if (starts.length === 0 || ts - (starts[starts.length - 1] ?? 0) > sameFrameUs) starts.push(ts)
  const cpu = new Array<number>(starts.length).fill(0)
  for (const task of events) {
    if (task.name !== 'RunTask' || task.tdur === undefined) continue
    // The frame a task belongs to: the last start at or before it (tasks before the first are skipped).
    let low = 0
    let high = starts.length - 1
    let at = -1
    while (low <= high) {
      const mid = (low + high) >> 1
      if ((starts[mid] ?? 0) <= task.ts + (task.dur ?? 0)) {
        at = mid
        low = mid + 1
      } else high = mid - 1
    }
    if (at >= 0) cpu[at] = (cpu[at] ?? 0) + task.tdur / 1000
  }
  // The last "frame" is only what ran after the final callback: not a whole frame.
  const whole = cpu.slice(0, -1)
  const sorted = [...whole].sort((a, b) => a - b)
  const round = (n: number): number => Math.round(n * 10) / 10
  return {
    frames: whole.length,
    longestCpuMs: round(sorted[sorted.length - 1] ?? 0),
    medianCpuMs: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
  }
}

/** Runs `run` under a timeline trace of `page` and returns its result with the frames' CPU. */
export async function withFrameCpu<T>(browser: Browser, page: Page, run: () => Promise<T>): Promise<{ result: T; cpu: FrameCpu }> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
  let result: T
  try {
    result = await run()
  } catch (error) {
    await browser.stopTracing().catch(() => undefined)
    throw error
  }
  const buffer = await browser.stopTracing()
  return { result, cpu: frameCpuOf(JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }) }
}

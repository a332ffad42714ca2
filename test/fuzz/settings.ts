// One knob for every property-based test written for hardening: `npm test` runs a few hundred
// cases per property; `npm run fuzz` (test/fuzz/run.ts) sets BERTH_FUZZ_RUNS to 100k and
// BERTH_FUZZ_BUDGET_MS so each property stops at its time budget instead of its count.
import type { Parameters } from 'fast-check'

const defaultRuns = 200

function positiveInteger(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null
  const n = Number(value)
  return n > 0 ? n : null
}

/** Runs per property: BERTH_FUZZ_RUNS, else 200 (≤ 300 keeps `npm test` fast). */
export const fuzzRuns = positiveInteger(process.env.BERTH_FUZZ_RUNS) ?? defaultRuns

/** Wall-clock budget per property in ms (long runs only): fast-check stops early, without failing. */
export const fuzzBudgetMs = positiveInteger(process.env.BERTH_FUZZ_BUDGET_MS)

/** The vitest timeout of one property: its budget plus slack, or vitest's default-ish 20 s. */
export const fuzzTimeoutMs = fuzzBudgetMs === null ? 20_000 : fuzzBudgetMs + 15_000

/** fast-check parameters for one property; BERTH_FUZZ_SEED replays a reported failure. */
export function fuzzParameters<T>(runs: number = fuzzRuns): Parameters<T> {
  const seed = positiveInteger(process.env.BERTH_FUZZ_SEED)
  return {
    numRuns: runs,
    ...(fuzzBudgetMs !== null ? { interruptAfterTimeLimit: fuzzBudgetMs, markInterruptAsFailure: false } : {}),
    ...(seed !== null ? { seed } : {}),
  }
}

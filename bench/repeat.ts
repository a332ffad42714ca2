// Repetitions under a time budget: the whole bench must finish in < 5 minutes on a shared 2-core
// machine, so a slow scenario runs fewer times (at least `minReps`) instead of blowing the budget.
// The table shows n, so a figure from fewer runs is visible as such.

export interface RepeatOptions {
  reps: number
  /** Runs done even when the budget is spent. Default 1. */
  minReps?: number
  /** No new repetition starts when it would likely end after this many milliseconds (by the mean so far). */
  budgetMs: number
  now?: () => number
}

export async function repeat<T>(run: (index: number) => Promise<T>, options: RepeatOptions): Promise<T[]> {
  const now = options.now ?? (() => performance.now())
  const minReps = Math.min(options.minReps ?? 1, options.reps)
  const start = now()
  const results: T[] = []
  for (let i = 0; i < options.reps; i++) {
    const elapsed = now() - start
    const mean = i === 0 ? 0 : elapsed / i
    if (i >= minReps && elapsed + mean > options.budgetMs) break
    results.push(await run(i))
  }
  return results
}

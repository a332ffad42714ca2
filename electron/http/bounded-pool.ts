// A small concurrency limiter: registries (and the 2-core machines they run on) do not like a
// thousand simultaneous HEADs, and the connection pool of the client is bounded anyway.
import { BerthError } from '../../shared/errors'

export interface BoundedPool {
  /** Runs `task` when a slot is free; resolves/rejects with the task's own outcome. */
  run<T>(task: () => Promise<T>): Promise<T>
}

export function createBoundedPool(concurrency: number, signal?: AbortSignal): BoundedPool {
  const limit = Math.max(1, Math.floor(Number.isFinite(concurrency) ? concurrency : 1))
  let active = 0
  const waiting: (() => void)[] = []

  const release = (): void => {
    active--
    const next = waiting.shift()
    if (next) next()
  }

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          if (signal?.aborted) {
            reject(cancelledError())
            // The slot was never taken: hand it straight to the next waiter.
            const next = waiting.shift()
            if (next) next()
            return
          }
          active++
          let settled: Promise<T>
          try {
            settled = task()
          } catch (error) {
            settled = Promise.reject(error instanceof Error ? error : new Error(String(error)))
          }
          settled.then(resolve, reject).finally(release)
        }
        if (active < limit) start()
        else waiting.push(start)
      })
    },
  }
}

/** Maps every item through `fn` with at most `concurrency` in flight; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const pool = createBoundedPool(concurrency, signal)
  return Promise.all(items.map((item, index) => pool.run(() => fn(item, index))))
}

export function cancelledError(): BerthError {
  return new BerthError({ code: 'cancelled', message: 'The operation was cancelled.' })
}

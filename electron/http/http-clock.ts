// Time as a dependency: backoff and token expiry read the clock and sleep through this interface,
// so unit tests can run them on a fake clock instead of waiting.
import { BerthError } from '../../shared/errors'

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms`, or rejects with `cancelled` when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** In [0, 1): jitter source. */
  random(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      // A listing's deadline aborts with its timeout error as the reason: that, not "cancelled", is what happened.
      const cancelled = (): BerthError =>
        signal?.reason instanceof BerthError
          ? signal.reason
          : new BerthError({ code: 'cancelled', message: 'The request was cancelled while waiting to retry.' })
      if (signal?.aborted === true) {
        reject(cancelled())
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(cancelled())
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms),
      )
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

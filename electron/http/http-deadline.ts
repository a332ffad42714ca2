// Total deadlines of one HTTP exchange, on top of undici's idle timers: one for the response
// headers, then one for the body that grows with the bytes expected (docs/registry-notes.md
// "Errors": timeouts become one error naming the host). Expiry aborts the request with a
// `timeout` BerthError as the abort reason, so undici rejects with that very error and the caller
// learns which host was slow, at which step, and which knob widens the bound.
import { BerthError } from '../../shared/errors'
import { deadlineVariables, formatSeconds, maxTimerMs, type HttpDeadlines } from './http-limits'
import { sanitizeForMessage } from './sanitize'

export interface RequestDeadline {
  /** Give this to the request: it aborts on a deadline (reason: a timeout BerthError) or with the caller's signal. */
  readonly signal: AbortSignal
  /** The headers are in: the body's deadline starts, scaled to `declaredBytes` when the length was declared. */
  headersArrived(declaredBytes: number | null): void
  /** Body bytes read so far: a body of unknown length earns time as it arrives. */
  bodyProgress(receivedBytes: number): void
  /** Stops the timers and lets go of the caller's signal. */
  finish(): void
}

export interface RequestDeadlineInput {
  /** host[:port] that answers (after redirects: the storage host, not the registry). */
  host: string
  /** What Berth was doing, for the message ("list tags of a/b"). */
  operation: string
  deadlines: HttpDeadlines
  /** Bytes of request body to send first (an upload): the wait for headers grows by their time at the minimum rate. */
  requestBytes?: number
  callerSignal?: AbortSignal
}

/** Time a body of `bytes` bytes may take under these deadlines. */
export function bodyAllowanceMs(deadlines: HttpDeadlines, bytes: number): number {
  return deadlines.bodyBaseMs + (Math.max(0, bytes) / deadlines.bodyMinBytesPerSecond) * 1000
}

/** Time from sending a request (with `requestBytes` of body) to its complete response headers. */
export function headersAllowanceMs(deadlines: HttpDeadlines, requestBytes: number): number {
  return deadlines.headersMs + (Math.max(0, requestBytes) / deadlines.bodyMinBytesPerSecond) * 1000
}

function headersTimeout(input: RequestDeadlineInput): BerthError {
  const { host, deadlines } = input
  const allowed = headersAllowanceMs(deadlines, input.requestBytes ?? 0)
  return new BerthError({
    code: 'timeout',
    message:
      `${host} sent no response headers within ${formatSeconds(allowed)} (${sanitizeForMessage(input.operation, 160)}); ` +
      'Berth stopped waiting.',
    fix:
      `Check that ${host} is up and reachable, then retry. To wait longer, set ${deadlineVariables.headersMs} ` +
      `(milliseconds, now ${deadlines.headersMs}).`,
  })
}

function bodyTimeout(input: RequestDeadlineInput, elapsedMs: number, received: number, declared: number | null): BerthError {
  const { host, deadlines } = input
  const progress = declared !== null ? `${received} of ${declared} bytes` : `${received} bytes so far`
  return new BerthError({
    code: 'timeout',
    message:
      `${host} was still sending the response body after ${formatSeconds(elapsedMs)} (${sanitizeForMessage(input.operation, 160)}; ` +
      `${progress}); Berth stopped reading.`,
    fix:
      `The connection to ${host} is very slow, or the server is trickling data. Retry later; to allow more time, raise ` +
      `${deadlineVariables.bodyBaseMs} (milliseconds, now ${deadlines.bodyBaseMs}) or lower ${deadlineVariables.bodyMinBytesPerSecond} ` +
      `(now ${deadlines.bodyMinBytesPerSecond}).`,
  })
}

export function startRequestDeadline(input: RequestDeadlineInput): RequestDeadline {
  const { deadlines, callerSignal } = input
  const controller = new AbortController()
  let phase: 'headers' | 'body' | 'finished' = 'headers'
  let timer: NodeJS.Timeout | undefined
  let bodyStartedAt = 0
  let declared: number | null = null
  let received = 0

  const onCallerAbort = (): void => controller.abort(callerSignal?.reason)
  if (callerSignal?.aborted === true) controller.abort(callerSignal.reason)
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true })

  const arm = (ms: number): void => {
    clearTimeout(timer)
    timer = setTimeout(expire, Math.min(maxTimerMs, Math.max(0, Math.ceil(ms))))
    // Never the only thing keeping the process alive: the socket it guards does that.
    timer.unref()
  }

  // The body's deadline moves only forward, so it is checked when the timer fires rather than on
  // every chunk: no timer churn for a body that arrives in thousands of chunks.
  function expire(): void {
    if (phase === 'headers') {
      controller.abort(headersTimeout(input))
      return
    }
    if (phase !== 'body') return
    const elapsed = Date.now() - bodyStartedAt
    const left = bodyAllowanceMs(deadlines, Math.max(declared ?? 0, received)) - elapsed
    if (left > 0) arm(left)
    else controller.abort(bodyTimeout(input, elapsed, received, declared))
  }

  arm(headersAllowanceMs(deadlines, input.requestBytes ?? 0))
  return {
    signal: controller.signal,
    headersArrived(declaredBytes) {
      if (phase !== 'headers') return
      phase = 'body'
      bodyStartedAt = Date.now()
      declared = declaredBytes !== null && Number.isFinite(declaredBytes) && declaredBytes >= 0 ? declaredBytes : null
      arm(bodyAllowanceMs(deadlines, declared ?? 0))
    },
    bodyProgress(receivedBytes) {
      received = receivedBytes
    },
    finish() {
      phase = 'finished'
      clearTimeout(timer)
      callerSignal?.removeEventListener('abort', onCallerAbort)
    },
  }
}

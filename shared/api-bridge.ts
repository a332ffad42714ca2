// The client half of every door that is not a direct call (the Electron preload, the web mode): an
// `Api` built from one `call(method, request) → IpcResult` function. A failed call rejects with an
// Error whose message is the BerthErrorData as JSON, because Electron's contextBridge keeps only the
// message of an Error; `errorDataOf` recovers the data on the renderer side. zod-free on purpose
// (bundled into the sandboxed preload).
import { errorCodes, type BerthErrorData } from './errors'
import type { Api, ApiEvents, ApiMethod, IpcResult } from './ipc'
import { apiMethodNames, type ApiEventName } from './api-methods'

export type CallFn = (method: ApiMethod, request: unknown) => Promise<IpcResult<unknown>>

/** `window.berth`: the Api plus typed subscriptions to pushes from main. */
export type BerthBridge = Api & {
  /** Returns the unsubscribe function. */
  on<K extends ApiEventName>(event: K, listener: (payload: ApiEvents[K]) => void): () => void
  /** Resolves once pushes can arrive: at once over IPC; once the event stream is connected in web mode. */
  eventsReady?: () => Promise<void>
}

/** The Error a bridged call rejects with: its message is the JSON of `data`. */
export function errorFromData(data: BerthErrorData): Error {
  const error = new Error(JSON.stringify(data))
  error.name = 'BerthError'
  return error
}

export function unwrapResult<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value
  throw errorFromData(result.error)
}

export function createBridgedApi(call: CallFn): Api {
  const api: Partial<Record<ApiMethod, (request: unknown) => Promise<unknown>>> = {}
  for (const method of apiMethodNames) {
    api[method] = async (request: unknown) => unwrapResult(await call(method, request ?? {}))
  }
  return api as Api
}

/**
 * The BerthErrorData a rejected Api call carries. Electron may prefix the message ("Error invoking
 * remote method …: "), so the JSON is looked for from its first brace. Anything else (a bug, a
 * network failure of the web bridge) becomes an `internal` error with the original message.
 */
export function errorDataOf(error: unknown): BerthErrorData {
  // A BerthError thrown in the same realm (a direct Api call in tests or the CLI) carries its data.
  if (error instanceof Error && 'data' in error && isErrorData(error.data)) return { ...error.data }
  const message = error instanceof Error ? error.message : String(error)
  const start = message.indexOf('{')
  if (start >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(start))
      if (isErrorData(parsed)) return parsed
    } catch {
      // not ours: fall through
    }
  }
  return { code: 'internal', message }
}

function isErrorData(value: unknown): value is BerthErrorData {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (errorCodes as readonly unknown[]).includes(record.code) && typeof record.message === 'string'
}

// The client half of every door that is not a direct call (the Electron preload, the web mode): the
// Api with each method resolving with its IpcResult, exactly the object main's dispatcher returned.
// An error travels as data from the dispatcher to the store that shows it; nothing is thrown and
// parsed back on the way. zod-free on purpose (bundled into the sandboxed preload).
import { errorCodes, toErrorData, type BerthErrorData } from './errors'
import type { Api, ApiEvents, ApiMethod, ApiRequests, ApiResponses, IpcResult } from './ipc'
import { apiMethodNames, type ApiEventName } from './api-methods'

/** How a door reaches main: whatever it answers is checked with `isIpcResult` before it is passed on. */
export type CallFn = (method: ApiMethod, request: unknown) => Promise<unknown>

/** The Api as the renderer receives it: every method resolves with its result and never rejects. */
export type ResultApi = { [K in ApiMethod]: (req: ApiRequests[K]) => Promise<IpcResult<ApiResponses[K]>> }

/** Pushes from main, beside the methods. */
export interface ApiEventSource {
  /** Returns the unsubscribe function. */
  on<K extends ApiEventName>(event: K, listener: (payload: ApiEvents[K]) => void): () => void
  /** Resolves once pushes can arrive: at once over IPC; once the event stream is connected in web mode. */
  eventsReady?: () => Promise<void>
}

/** `window.berth`: the result-returning Api plus typed subscriptions to pushes from main. */
export type BerthBridge = ResultApi & ApiEventSource

export function createBridgedApi(call: CallFn): ResultApi {
  const api: Partial<Record<ApiMethod, (request: unknown) => Promise<IpcResult<unknown>>>> = {}
  for (const method of apiMethodNames) {
    api[method] = async (request: unknown) => {
      let answer: unknown
      try {
        answer = await call(method, request ?? {})
      } catch (error) {
        // The door itself failed (no handler in main, a bug in the bridge): still an answer, as data.
        return { ok: false, error: { code: 'internal', message: `${method} failed: ${messageOf(error)}` } }
      }
      return isIpcResult(answer) ? answer : noResult(method)
    }
  }
  return api as ResultApi
}

/**
 * A direct Api (one that throws BerthErrors, like main's handler table or the UI harness's fake) as
 * a door hands it over: each method resolves with its result, a throw becomes its error data the
 * way main's dispatcher turns it. Pushes are passed on unchanged.
 */
export function resultApiOf(api: Api & Partial<ApiEventSource>): ResultApi & Partial<ApiEventSource> {
  const results: Partial<Record<ApiMethod, (request: unknown) => Promise<IpcResult<unknown>>>> = {}
  for (const method of apiMethodNames) {
    const handler = api[method] as (request: unknown) => Promise<unknown>
    results[method] = async (request: unknown) => {
      try {
        return { ok: true, value: (await handler.call(api, request)) ?? null }
      } catch (error) {
        return { ok: false, error: toErrorData(error) }
      }
    }
  }
  const events: Partial<ApiEventSource> = {}
  if (api.on) events.on = api.on.bind(api)
  if (api.eventsReady) events.eventsReady = api.eventsReady.bind(api)
  return { ...(results as ResultApi), ...events }
}

/** What every answer from another realm is checked with before anything reads it. */
export function isIpcResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  if (record.ok === true) return 'value' in record
  return record.ok === false && isErrorData(record.error)
}

export function isErrorData(value: unknown): value is BerthErrorData {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  return (errorCodes as readonly unknown[]).includes(record.code) && typeof record.message === 'string'
}

/** The answer for a door that answered something other than an IpcResult. */
export function noResult(method: ApiMethod): IpcResult<never> {
  return { ok: false, error: { code: 'invalid_response', message: `${method} answered without a result.` } }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

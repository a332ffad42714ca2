// How stores and actions reach the core. The Api is installed once at start-up (main.tsx →
// getApi()): the preload's `window.berth` or the web bridge, both of which resolve every method with
// the IpcResult main's dispatcher returned (shared/api-bridge.ts). `call` passes that result through
// after checking its shape, so views render errors in one place. Keeping this module free of the
// web bridge and of DOM types lets the stores run against a fake Api in Node tests.
import { isIpcResult, noResult, type ApiEventSource, type ResultApi } from '../../../shared/api-bridge'
import type { ApiEvents, ApiMethod, ApiRequests, ApiResponses, IpcResult } from '../../../shared/ipc'

/** An installed Api: results for calls, and pushes where the door has them. */
export type ApiWithEvents = ResultApi & Partial<ApiEventSource>

/** What a store needs of the core; `installedApi` follows installApi, `apiClient` is bound to one Api. */
export interface ApiClient {
  call<K extends ApiMethod>(method: K, request: ApiRequests[K]): Promise<IpcResult<ApiResponses[K]>>
  /** A push from main. Returns the unsubscribe function. */
  on<K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void): () => void
  /** Resolves once pushes can arrive: at once over IPC, once connected in web mode. */
  eventsReady(): Promise<void>
}

let installed: ApiWithEvents | null = null

type AnyListener = (payload: never) => void
/** Every subscription, so that one made before (or across) an installApi follows the Api installed now. */
const subscriptions = new Set<{ event: keyof ApiEvents; listener: AnyListener; unsubscribe: () => void }>()

export function installApi(api: ApiWithEvents): void {
  installed = api
  for (const subscription of subscriptions) {
    subscription.unsubscribe()
    subscription.unsubscribe = api.on?.(subscription.event, subscription.listener as (payload: unknown) => void) ?? (() => undefined)
  }
}

async function callOn<K extends ApiMethod>(
  api: ApiWithEvents | null,
  method: K,
  request: ApiRequests[K],
): Promise<IpcResult<ApiResponses[K]>> {
  if (api === null) return { ok: false, error: { code: 'internal', message: 'No Api installed: main.tsx installs it before rendering.' } }
  const fn = api[method] as (req: ApiRequests[K]) => Promise<unknown>
  let answer: unknown
  try {
    answer = await fn.call(api, request)
  } catch (error) {
    // The doors never reject; an Api that does is a bug, still shown where errors are shown.
    return {
      ok: false,
      error: { code: 'internal', message: `${method} failed: ${error instanceof Error ? error.message : String(error)}` },
    }
  }
  // The installed Api is another realm's object (the preload's) or a test's: trust only its shape.
  return isIpcResult(answer) ? (answer as IpcResult<ApiResponses[K]>) : noResult(method)
}

/** One Api call, through the installed Api; resolves with its result, never rejects. */
export function call<K extends ApiMethod>(method: K, request: ApiRequests[K]): Promise<IpcResult<ApiResponses[K]>> {
  return callOn(installed, method, request)
}

/** A push from main (Electron IPC or the web mode's event stream). Returns the unsubscribe function. */
export function onApiEvent<K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void): () => void {
  const subscription = { event, listener: listener as AnyListener, unsubscribe: installed?.on?.(event, listener) ?? (() => undefined) }
  subscriptions.add(subscription)
  return () => {
    subscription.unsubscribe()
    subscriptions.delete(subscription)
  }
}

/** Resolves once the installed Api can deliver pushes: at once over IPC, once connected in web mode. */
export function eventsReady(): Promise<void> {
  return installed?.eventsReady?.() ?? Promise.resolve()
}

/** The app's client: whichever Api is installed when each call is made. */
export const installedApi: ApiClient = { call, on: onApiEvent, eventsReady }

/** A client bound to one Api, for a store made apart from the app's (a test's fresh store). */
export function apiClient(api: ApiWithEvents): ApiClient {
  return {
    call: (method, request) => callOn(api, method, request),
    on: (event, listener) => api.on?.(event, listener) ?? (() => undefined),
    eventsReady: () => api.eventsReady?.() ?? Promise.resolve(),
  }
}

/** berth:// links and second-instance launches ask to show a view (a location hash). */
export function onNavigate(listener: (hash: string) => void): () => void {
  return onApiEvent('navigate', (payload) => listener(payload.hash))
}

// The one function stores and views use to reach the core. The Api is installed once at start-up
// (main.tsx → getApi()); keeping this module free of the web bridge and of DOM types lets the stores
// run against a fake Api in Node tests. Calls reject with an Error carrying BerthErrorData as JSON
// (shared/api-bridge.ts); `call` turns that back into data so views render errors in one place.
import type { BerthErrorData } from '../../../shared/errors'
import { errorDataOf } from '../../../shared/api-bridge'
import type { Api, ApiEvents, ApiMethod, ApiRequests, ApiResponses } from '../../../shared/ipc'

/** An Api that may also push events (the Electron preload's `on`). */
export type ApiWithEvents = Api & {
  on?: <K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void) => () => void
  /** Resolves once pushes can arrive (the web mode's event stream is connected). */
  eventsReady?: () => Promise<void>
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

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: BerthErrorData }

export async function call<K extends ApiMethod>(method: K, request: ApiRequests[K]): Promise<CallResult<ApiResponses[K]>> {
  try {
    if (installed === null) throw new Error('No Api installed: main.tsx installs it before rendering.')
    const api: Api = installed
    const fn = api[method] as (req: ApiRequests[K]) => Promise<ApiResponses[K]>
    return { ok: true, value: await fn.call(api, request) }
  } catch (error) {
    return { ok: false, error: errorDataOf(error) }
  }
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

/** berth:// links and second-instance launches ask to show a view (a location hash). */
export function onNavigate(listener: (hash: string) => void): () => void {
  return onApiEvent('navigate', (payload) => listener(payload.hash))
}

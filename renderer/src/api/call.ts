// The one function stores and views use to reach the core. The Api is installed once at start-up
// (main.tsx → getApi()); keeping this module free of the web bridge and of DOM types lets the stores
// run against a fake Api in Node tests. Calls reject with an Error carrying BerthErrorData as JSON
// (shared/api-bridge.ts); `call` turns that back into data so views render errors in one place.
import type { BerthErrorData } from '../../../shared/errors'
import { errorDataOf } from '../../../shared/api-bridge'
import type { Api, ApiEvents, ApiMethod, ApiRequests, ApiResponses } from '../../../shared/ipc'

/** An Api that may also push events (the Electron preload's `on`). */
export type ApiWithEvents = Api & { on?: <K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void) => () => void }

let installed: ApiWithEvents | null = null

export function installApi(api: ApiWithEvents): void {
  installed = api
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
  if (!installed?.on) return () => undefined
  return installed.on(event, listener)
}

/** berth:// links and second-instance launches ask to show a view (a location hash). */
export function onNavigate(listener: (hash: string) => void): () => void {
  return onApiEvent('navigate', (payload) => listener(payload.hash))
}

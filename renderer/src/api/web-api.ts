// The browser side of the web mode (electron/doors/web/web-server.ts): the same Api as `window.berth`, over
// `POST /api/<method>` and a Server-Sent Events stream. The per-run token arrives once in the page
// URL (`/?token=…`); the server trades it for an HttpOnly cookie and loads the page again without it,
// so this page, and any tab opened on a link copied from it, authenticate with the cookie and never
// see the token. A token the server did not take (a wrong one) is still moved from the address bar
// to sessionStorage and sent as a header, so the answer can say what is wrong.
// The server answers every call with an IpcResult body; that body, checked, is what a call resolves
// with, and a server that cannot be reached is an answer too (a `network` error), never a throw.
import { createBridgedApi, isIpcResult, type BerthBridge } from '../../../shared/api-bridge'
import { isApiEventName, type ApiEventName } from '../../../shared/api-methods'
import type { ApiEvents, ApiMethod, IpcResult } from '../../../shared/ipc'

const tokenHeader = 'X-Berth-Token'
const storageKey = 'berth.web-token'

/** The token from the URL (moving it to sessionStorage) or from an earlier load of this tab. */
export function takeWebToken(): string | null {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl !== null && fromUrl !== '') {
    try {
      window.sessionStorage.setItem(storageKey, fromUrl)
    } catch {
      // Storage disabled: the token still lives in memory for this page.
    }
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`)
    return fromUrl
  }
  try {
    return window.sessionStorage.getItem(storageKey)
  } catch {
    return null
  }
}

let token: string | null | undefined

function currentToken(): string | null {
  if (token === undefined) token = takeWebToken()
  return token
}

async function call(method: ApiMethod, request: unknown): Promise<IpcResult<unknown>> {
  const stored = currentToken()
  let response: Response
  try {
    response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(stored !== null ? { [tokenHeader]: stored } : {}) },
      body: JSON.stringify(request),
      credentials: 'same-origin',
      cache: 'no-store',
      // Stopping a details job is sent as the page goes away: it must outlive the page.
      keepalive: method === 'stopTagDetails',
    })
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'network',
        message: `Berth web mode is not reachable (${error instanceof Error ? error.message : String(error)}).`,
        fix: 'Is `berth web` still running? Start it again and open the URL it prints.',
      },
    }
  }
  const body: unknown = await response.json().catch(() => null)
  if (isIpcResult(body)) return body
  return {
    ok: false,
    error: { code: 'invalid_response', message: `Berth web mode answered ${response.status} without a result.`, status: response.status },
  }
}

/** The Api for web mode; also `on` for pushes, like `window.berth`. */
export function createWebApi(): BerthBridge {
  return { ...createBridgedApi(call), on: onWebEvent, eventsReady: webEventsReady }
}

type Listener = (payload: unknown) => void
const listeners = new Map<ApiEventName, Set<Listener>>()
let source: EventSource | null = null

/** Subscribes to a push from the server; returns the unsubscribe function. */
export function onWebEvent<K extends ApiEventName>(event: K, listener: (payload: ApiEvents[K]) => void): () => void {
  if (!isApiEventName(event)) throw new Error(`Unknown event "${String(event)}"`)
  const stream = openStream()
  let set = listeners.get(event)
  if (set === undefined) {
    const created = new Set<Listener>()
    set = created
    listeners.set(event, created)
    stream.addEventListener(event, (message: MessageEvent<string>) => {
      let payload: unknown
      try {
        payload = JSON.parse(message.data)
      } catch {
        return
      }
      for (const each of created) each(payload)
    })
  }
  const wrapped: Listener = (payload) => listener(payload as ApiEvents[K])
  set.add(wrapped)
  return () => {
    set.delete(wrapped)
    if ([...listeners.values()].every((each) => each.size === 0)) {
      source?.close()
      source = null
      listeners.clear()
    }
  }
}

let opened: Promise<void> | null = null

function openStream(): EventSource {
  if (source === null) {
    // EventSource cannot send headers: the stream is the one place the token is a query parameter.
    const stored = currentToken()
    const created = new EventSource(stored === null ? '/api/events' : `/api/events?token=${encodeURIComponent(stored)}`)
    source = created
    opened = new Promise((resolve) => created.addEventListener('open', () => resolve(), { once: true }))
  }
  return source
}

/**
 * Resolves once the event stream is connected (or after 3 s, whatever happened): what the server
 * pushes before the connection exists is not replayed, so a details job starts after it.
 */
export function webEventsReady(): Promise<void> {
  openStream()
  return Promise.race([opened ?? Promise.resolve(), new Promise<void>((resolve) => setTimeout(resolve, 3_000))])
}

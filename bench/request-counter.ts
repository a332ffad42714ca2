// Counts the HTTP requests Berth's client really sends (including 401 round trips and token
// requests, which the RegistryClient interface hides) by listening on undici's diagnostics
// channels: no wrapper, no change to the client. Subscribers cost a little, so the bench counts in
// a separate, untimed run.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'

export type RequestKind = 'ping' | 'tags' | 'head-manifest' | 'get-manifest' | 'get-blob' | 'token' | 'other'

export interface RequestCounts {
  byKind: Record<RequestKind, number>
  /** Responses with status 401 (each one is a wasted round trip). */
  unauthorized: number
  /** New connections (TCP + TLS handshakes). */
  connections: number
  total: number
}

export interface RequestCounter {
  snapshot(): RequestCounts
  stop(): void
}

/** The kind of a registry or token request from its method and path. */
export function classifyRequest(method: string, path: string): RequestKind {
  const pathname = path.split('?')[0] ?? ''
  if (pathname === '/v2/' || pathname === '/v2') return 'ping'
  if (pathname.endsWith('/jwt/auth') || pathname.endsWith('/token') || pathname.endsWith('/oauth2/token')) return 'token'
  if (!pathname.startsWith('/v2/')) return 'other'
  if (pathname.endsWith('/tags/list')) return 'tags'
  if (pathname.includes('/manifests/')) return method === 'HEAD' ? 'head-manifest' : method === 'GET' ? 'get-manifest' : 'other'
  if (pathname.includes('/blobs/') && method === 'GET') return 'get-blob'
  return 'other'
}

interface UndiciRequestMessage {
  request: { method?: unknown; path?: unknown }
  response?: { statusCode?: unknown }
}

function isRequestMessage(message: unknown): message is UndiciRequestMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'request' in message &&
    typeof message.request === 'object' &&
    message.request !== null
  )
}

export function startRequestCounter(): RequestCounter {
  const byKind: Record<RequestKind, number> = { ping: 0, tags: 0, 'head-manifest': 0, 'get-manifest': 0, 'get-blob': 0, token: 0, other: 0 }
  let unauthorized = 0
  let connections = 0
  const onCreate = (message: unknown): void => {
    if (!isRequestMessage(message)) return
    const method = typeof message.request.method === 'string' ? message.request.method : ''
    const path = typeof message.request.path === 'string' ? message.request.path : ''
    byKind[classifyRequest(method, path)]++
  }
  const onHeaders = (message: unknown): void => {
    if (isRequestMessage(message) && message.response?.statusCode === 401) unauthorized++
  }
  const onConnected = (): void => {
    connections++
  }
  subscribe('undici:request:create', onCreate)
  subscribe('undici:request:headers', onHeaders)
  subscribe('undici:client:connected', onConnected)
  return {
    snapshot() {
      const total = Object.values(byKind).reduce((a, b) => a + b, 0)
      return { byKind: { ...byKind }, unauthorized, connections, total }
    },
    stop() {
      unsubscribe('undici:request:create', onCreate)
      unsubscribe('undici:request:headers', onHeaders)
      unsubscribe('undici:client:connected', onConnected)
    },
  }
}

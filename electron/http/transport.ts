// HTTP for one registry: a keep-alive undici Agent with that registry's TLS trust, redirects
// followed by hand (credentials never leave the origin they belong to, never https → http),
// capped bodies, total deadlines for headers and body (http-deadline.ts), bounded retries of
// idempotent requests on 429/503 with a per-host backoff, and network/TLS failures mapped to
// BerthErrors naming the host (docs/registry-notes.md "Auth", "Errors", "TLS").
import { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { BerthError } from '../../shared/errors'
import type { CertificateInfo } from '../../shared/types'
import { discardBody, oversizeError, readCapped } from './http-body'
import { systemClock, type Clock } from './http-clock'
import { startRequestDeadline, type RequestDeadline } from './http-deadline'
import { resolveHttpDeadlines, type HttpDeadlines } from './http-limits'
import { readPresentedCertificate, toTransportError, type CertificateReader } from './http-errors'
import { errorFromResponse, parseRateLimitHeaders, parseRetryAfter } from './registry-errors'
import { sanitizeForMessage } from './sanitize'
import { authorityOfUrl, createRegistryConnector } from './tls-connector'
import type { RateLimitInfo, RegistryEndpoint, TlsTrust } from './client-types'

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE'

/**
 * A request body that streams from elsewhere (a blob on its way from one registry to another):
 * sent once with its declared length, never buffered, never replayed (a redirect or retry that
 * would need it again fails instead).
 */
export interface StreamedBody {
  chunks: AsyncIterable<Uint8Array>
  length: number
}

/** A response body handed to the caller as it arrives (a blob being copied), instead of being read whole. */
export interface ResponseStream {
  /** The body's chunks; each advances the body deadline. Read once. */
  chunks: AsyncIterable<Uint8Array>
  /** Stops reading and lets the connection go (after a failure elsewhere). */
  cancel: () => void
}

export interface HttpRequest {
  method: HttpMethod
  url: string
  headers?: Record<string, string>
  body?: Uint8Array | string | StreamedBody
  /** A 2xx answer to a GET hands its body over as `stream` (capped at `maxBytes`) instead of reading it. */
  streamResponse?: boolean
  /** Sent only to `credentialOrigin`; dropped on any redirect to another origin. */
  authorization?: string
  /** Origin the Authorization belongs to; default: the origin of `url`. */
  credentialOrigin?: string
  /** Largest body accepted, enforced while streaming. */
  maxBytes: number
  signal?: AbortSignal
  /** What Berth is doing, for error messages ("list tags of a/b"). */
  operation: string
  /** Extra check of every redirect target (the token realm guard); throws (or rejects) to refuse. */
  checkRedirect?: (target: URL) => void | Promise<void>
}

export interface HttpResponse {
  status: number
  /** Lower-cased names; repeated headers (WWW-Authenticate) joined into arrays. */
  headers: Record<string, string | string[]>
  body: Uint8Array
  /** The URL that answered (after redirects). */
  url: string
  method: HttpMethod
  /** Set instead of `body` for a request with `streamResponse` that was answered 2xx. */
  stream?: ResponseStream
}

export function isStreamedBody(body: HttpRequest['body']): body is StreamedBody {
  return typeof body === 'object' && !(body instanceof Uint8Array)
}

function requestBodyBytes(body: HttpRequest['body']): number {
  if (body === undefined) return 0
  if (typeof body === 'string') return Buffer.byteLength(body)
  return isStreamedBody(body) ? body.length : body.byteLength
}

export interface TransportOptions {
  endpoint: RegistryEndpoint
  trust?: TlsTrust
  /** Connections per origin; default 16. */
  maxConnections?: number
  userAgent?: string
  clock?: Clock
  /** Total deadlines of every request; unset fields come from BERTH_* variables or defaults (http-limits.ts). */
  deadlines?: Partial<HttpDeadlines>
  /** Same as `deadlines.headersMs` (kept for existing callers). */
  headersTimeoutMs?: number
  /** Same as `deadlines.bodyBaseMs` (kept for existing callers). */
  bodyTimeoutMs?: number
  connectTimeoutMs?: number
  /** Where the certificate of a tls_untrusted error comes from (tests replace it). */
  readCertificate?: CertificateReader
}

export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>
  /** The leaf certificate the registry presented on its last TLS handshake. */
  lastCertificate(url: string): CertificateInfo | undefined
  rateLimit(): RateLimitInfo | null
  /**
   * Connections to `hostname` go only to these addresses, the ones the realm guard judged
   * (auth.ts), so a second DNS answer cannot send credentials somewhere else. Optional: fakes omit it.
   */
  pinAddresses?(hostname: string, addresses: readonly string[]): void
  close(): Promise<void>
}

export const maxRedirects = 5
export const maxRetries = 3
export const maxRetryWaitMs = 10_000
const redirectStatuses = new Set([301, 302, 303, 307, 308])

/** First value of a header (lower-case name). */
export function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Every value of a header, for headers that may repeat (WWW-Authenticate). */
export function headerValues(headers: Record<string, string | string[]>, name: string): string[] {
  const value = headers[name.toLowerCase()]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** Repeated headers joined with ", " (RFC 9110 §5.3), for code that wants one string per name. */
export function flatHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]))
}

export function bodyText(response: HttpResponse): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(response.body)
}

/** A BerthError for a response the caller did not expect (status-driven). */
export function responseError(response: HttpResponse, operation: string): BerthError {
  return errorFromResponse({
    status: response.status,
    method: response.method,
    url: response.url,
    headers: flatHeaders(response.headers),
    bodyText: bodyText(response).slice(0, 64 * 1024),
    operation,
  })
}

/** Only bodiless idempotent requests are retried: a PUT/POST/DELETE may already have taken effect. */
function isRetryable(method: HttpMethod, req: HttpRequest): boolean {
  return (method === 'GET' || method === 'HEAD') && req.body === undefined
}

export function createTransport(options: TransportOptions): Transport {
  const clock = options.clock ?? systemClock
  const deadlines = resolveHttpDeadlines({
    ...(options.headersTimeoutMs !== undefined ? { headersMs: options.headersTimeoutMs } : {}),
    ...(options.bodyTimeoutMs !== undefined ? { bodyBaseMs: options.bodyTimeoutMs } : {}),
    ...options.deadlines,
  })
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? 15_000, deadlines.headersMs)
  const connector = createRegistryConnector({
    registryHost: options.endpoint.host,
    connectTimeoutMs,
    ...(options.trust ? { trust: options.trust } : {}),
  })
  const agent = new Agent({
    connections: options.maxConnections ?? 16,
    // undici's own timers are idle timers; the total deadlines (startRequestDeadline) fire first and
    // say more, these stay as a backstop.
    headersTimeout: deadlines.headersMs + 1_000,
    bodyTimeout: deadlines.bodyBaseMs + 1_000,
    keepAliveTimeout: 30_000,
    connect: connector.connect,
  })
  const readCertificate = options.readCertificate ?? readPresentedCertificate
  const userAgent = options.userAgent ?? 'berth'
  // Per-host "not before" time: concurrent requests to a host that asked us to slow down all wait.
  const notBefore = new Map<string, number>()
  let lastRateLimit: RateLimitInfo | null = null

  async function once(method: HttpMethod, url: URL, req: HttpRequest, authorization: string | undefined): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': userAgent, ...req.headers }
    if (authorization !== undefined) headers.authorization = authorization
    const body = method === 'GET' || method === 'HEAD' ? undefined : req.body
    if (isStreamedBody(body)) headers['content-length'] = String(body.length)
    const deadline = startRequestDeadline({
      host: url.host,
      operation: req.operation,
      deadlines,
      requestBytes: requestBodyBytes(body),
      ...(req.signal ? { callerSignal: req.signal } : {}),
    })
    let handedOver = false
    try {
      const response = await exchange(method, url, req, headers, body, deadline)
      // A streamed body keeps its deadline until the caller has read it (or cancelled).
      handedOver = response.stream !== undefined
      return response
    } finally {
      if (!handedOver) deadline.finish()
    }
  }

  async function exchange(
    method: HttpMethod,
    url: URL,
    req: HttpRequest,
    headers: Record<string, string>,
    body: HttpRequest['body'],
    deadline: RequestDeadline,
  ): Promise<HttpResponse> {
    let response: Awaited<ReturnType<typeof request>>
    try {
      // undici 7 follows no redirects unless its redirect interceptor is installed: we do them by hand.
      // undici closes the connection after every HEAD unless told not to ("interop with misbehaving
      // servers"); registries send no body on HEAD, and a new TLS handshake per tag costs more than
      // the request itself.
      response = await request(url, {
        dispatcher: agent,
        method,
        headers,
        ...(method === 'HEAD' ? { reset: false } : {}),
        ...(body !== undefined ? { body: isStreamedBody(body) ? Readable.from(body.chunks, { objectMode: false }) : body } : {}),
        signal: deadline.signal,
      })
    } catch (error) {
      throw await toTransportError(error, url, req.signal, readCertificate)
    }
    const responseHeaders: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders[name.toLowerCase()] = value
    const limits = parseRateLimitHeaders(flatHeaders(responseHeaders))
    if (limits) lastRateLimit = limits
    const length = Number(headerValue(responseHeaders, 'content-length') ?? Number.NaN)
    // A HEAD's Content-Length describes the body it did not send.
    deadline.headersArrived(method !== 'HEAD' && Number.isFinite(length) ? length : null)
    const isRedirect = redirectStatuses.has(response.statusCode)
    // Redirect bodies are never used; error bodies only for messages. Keep what matters bounded.
    const cap = isRedirect ? 64 * 1024 : req.maxBytes
    // A HEAD's Content-Length describes the body it did not send.
    if (method !== 'HEAD' && Number.isFinite(length) && length > cap) {
      discardBody(response.body)
      throw oversizeError(url.host, cap)
    }
    if (req.streamResponse === true && method === 'GET' && response.statusCode >= 200 && response.statusCode < 300) {
      const stream = streamBody(response.body, cap, url, req, deadline)
      return { status: response.statusCode, headers: responseHeaders, body: new Uint8Array(), url: url.href, method, stream }
    }
    let bytes: Uint8Array
    try {
      if (method === 'HEAD') {
        // Consume the (empty) body so the keep-alive connection returns to the pool.
        await response.body.dump()
        bytes = new Uint8Array()
      } else bytes = await readCapped(response.body, cap, url.host, (received) => deadline.bodyProgress(received))
    } catch (error) {
      if (error instanceof BerthError) throw error
      throw await toTransportError(error, url, req.signal, readCertificate)
    }
    return { status: response.statusCode, headers: responseHeaders, body: bytes, url: url.href, method }
  }

  /** The body as chunks, capped and under the body deadline, which ends with the body (or a cancel). */
  function streamBody(
    body: Awaited<ReturnType<typeof request>>['body'],
    cap: number,
    url: URL,
    req: HttpRequest,
    deadline: RequestDeadline,
  ): ResponseStream {
    let finished = false
    const finish = (): void => {
      if (finished) return
      finished = true
      deadline.finish()
    }
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let received = 0
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength
          if (received > cap) {
            discardBody(body)
            throw oversizeError(url.host, cap)
          }
          deadline.bodyProgress(received)
          yield chunk
        }
      } catch (error) {
        if (error instanceof BerthError) throw error
        throw await toTransportError(error, url, req.signal, readCertificate)
      } finally {
        finish()
      }
    }
    return {
      chunks: chunks(),
      cancel() {
        if (!body.destroyed) discardBody(body)
        finish()
      },
    }
  }

  async function waitForHost(host: string, signal: AbortSignal | undefined): Promise<void> {
    const until = notBefore.get(host)
    if (until === undefined) return
    const wait = until - clock.now()
    if (wait > 0) await clock.sleep(wait, signal)
  }

  async function withRetries(method: HttpMethod, url: URL, req: HttpRequest, authorization: string | undefined): Promise<HttpResponse> {
    const retryable = isRetryable(method, req)
    for (let attempt = 0; ; attempt++) {
      await waitForHost(url.host, req.signal)
      const response = await once(method, url, req, authorization)
      if (response.status !== 429 && response.status !== 503) return response
      if (!retryable) return response
      const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'), new Date(clock.now()))
      if (attempt >= maxRetries) {
        if (response.status === 429) throw responseError(response, req.operation)
        return response
      }
      // Retry-After when given, else 1 s, 2 s, 4 s with ±25 % jitter; capped either way.
      const base = retryAfter !== null ? retryAfter * 1000 : 1000 * 2 ** attempt * (0.75 + clock.random() * 0.5)
      const wait = Math.min(base, maxRetryWaitMs)
      notBefore.set(url.host, Math.max(notBefore.get(url.host) ?? 0, clock.now() + wait))
    }
  }

  return {
    async request(req) {
      let url = new URL(req.url)
      const credentialOrigin = req.credentialOrigin ?? url.origin
      let method = req.method
      let current = req
      for (let hop = 0; ; hop++) {
        const authorization = url.origin === credentialOrigin ? req.authorization : undefined
        const response = await withRetries(method, url, current, authorization)
        if (!redirectStatuses.has(response.status)) return response
        const location = headerValue(response.headers, 'location')
        if (location === undefined) return response
        if (hop >= maxRedirects) {
          throw new BerthError({
            code: 'invalid_response',
            message: `${url.host} redirected more than ${maxRedirects} times (${req.operation}); Berth stopped following.`,
            fix: 'Check the registry and proxy configuration for a redirect loop.',
          })
        }
        let target: URL
        try {
          target = new URL(location, url)
        } catch (error) {
          throw new BerthError(
            { code: 'invalid_response', message: `${url.host} redirected to an invalid URL (${sanitizeForMessage(location, 200)}).` },
            { cause: error },
          )
        }
        if (url.protocol === 'https:' && target.protocol !== 'https:') {
          throw new BerthError({
            code: 'unsafe_redirect',
            message:
              `${url.host} redirected from https to ${sanitizeForMessage(`${target.protocol}//${target.host}`, 200)} ` +
              `(${req.operation}); Berth does not downgrade a secure connection.`,
            fix: 'Fix the registry or storage configuration so redirects stay on https.',
          })
        }
        if (target.protocol !== 'https:' && target.protocol !== 'http:') {
          throw new BerthError({
            code: 'unsafe_redirect',
            message: `${url.host} redirected to a ${sanitizeForMessage(target.protocol, 20)} URL, which Berth does not follow.`,
          })
        }
        await req.checkRedirect?.(target)
        // RFC 9110 §15.4: 303 (and, as every client does, 301/302 after POST) continue as GET.
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET'
          const { body: _body, ...rest } = current
          current = rest
        } else if (isStreamedBody(current.body)) {
          throw new BerthError({
            code: 'invalid_response',
            message: `${url.host} redirected an upload (${req.operation}); its body was streamed and cannot be sent again.`,
            fix: 'Registries answer uploads at the Location they gave; check the registry or proxy configuration.',
          })
        }
        url = target
      }
    },
    lastCertificate(url) {
      return connector.lastCertificate(authorityOfUrl(new URL(url)))
    },
    rateLimit: () => lastRateLimit,
    pinAddresses: (hostname, addresses) => connector.pinAddresses(hostname, addresses),
    close: () => agent.close(),
  }
}

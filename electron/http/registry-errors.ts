// Registry error responses → BerthError (DIST registry/api/errcode, SPEC "Error Codes", GitLab
// REST `{"message"}`, token servers' `{"error"}`). Messages name the cause and a fix, never
// echo credentials, and cap whatever text the registry sent.
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import type { BerthErrorData, ErrorCode } from '../../shared/errors'
import type { RateLimitInfo } from './client-types'
import { sanitizeForMessage } from './sanitize'

export interface RegistryErrorEntry {
  code: string
  message: string
  detail?: unknown
}

const maxEnvelopeLength = 1024 * 1024

const envelopeSchema = z.object({
  errors: z.array(
    z.looseObject({
      code: z.unknown().optional(),
      message: z.unknown().optional(),
      detail: z.unknown().optional(),
    }),
  ),
})

function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  try {
    return JSON.stringify(value)
  } catch {
    return ''
  }
}

/** Every error entry of a registry response body; [] for anything unrecognised. Never throws. */
export function parseErrorEnvelope(bodyText: string): RegistryErrorEntry[] {
  if (typeof bodyText !== 'string' || bodyText.length === 0 || bodyText.length > maxEnvelopeLength) return []
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return []
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return []
  const envelope = envelopeSchema.safeParse(body)
  if (envelope.success) {
    return envelope.data.errors.map((error) => {
      const entry: RegistryErrorEntry = {
        code: typeof error.code === 'string' && error.code.length > 0 ? error.code.toUpperCase() : 'UNKNOWN',
        message: textOf(error.message),
      }
      if (error.detail !== undefined) entry.detail = error.detail
      return entry
    })
  }
  const record = body as Record<string, unknown>
  // GitLab REST: {"message": "404 Not found"} or {"message": {"field": ["problem"]}}
  if ('message' in record && record.message !== undefined && record.message !== null) {
    return [{ code: 'UNKNOWN', message: textOf(record.message) }]
  }
  // OAuth2 token endpoints (RFC 6749 §5.2) and some proxies: {"error": "...", "error_description": "..."}
  if (typeof record.error === 'string' || (typeof record.error === 'object' && record.error !== null)) {
    const description = typeof record.error_description === 'string' ? `: ${record.error_description}` : ''
    return [{ code: 'UNKNOWN', message: `${textOf(record.error)}${description}` }]
  }
  return []
}

function isHeadersLike(value: unknown): value is Pick<Headers, 'get'> {
  return typeof value === 'object' && value !== null && typeof (value as { get?: unknown }).get === 'function'
}

function headerOf(headers: Headers | Record<string, string>, name: string): string | null {
  // Duck-typed: undici's Headers and the global one are different classes.
  if (isHeadersLike(headers)) return headers.get(name)
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value
  return null
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; in the past → 0. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (text.length === 0 || text.length > 64) return null
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.max(0, Math.ceil(Number(text)))
  // Only HTTP-date shapes (they contain a letter); Date.parse accepts too much otherwise.
  if (!/[A-Za-z]/.test(text)) return null
  const time = Date.parse(text)
  if (Number.isNaN(time)) return null
  return Math.max(0, Math.ceil((time - now.getTime()) / 1000))
}

/** `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600` (Docker Hub). */
export function parseRateLimitHeaders(headers: Headers | Record<string, string>): RateLimitInfo | null {
  const info: RateLimitInfo = {}
  const read = (name: string): { value: number; window?: number } | null => {
    const raw = headerOf(headers, name)
    if (!raw) return null
    const match = /^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?/i.exec(raw)
    if (!match?.[1]) return null
    return match[2] ? { value: Number(match[1]), window: Number(match[2]) } : { value: Number(match[1]) }
  }
  const limit = read('ratelimit-limit')
  const remaining = read('ratelimit-remaining')
  if (limit) info.limit = limit.value
  if (remaining) info.remaining = remaining.value
  const window = limit?.window ?? remaining?.window
  if (window !== undefined) info.windowSeconds = window
  return limit || remaining ? info : null
}

export interface ResponseErrorInput {
  status: number
  method: string
  url: string
  headers: Headers | Record<string, string>
  bodyText: string
  /** What Berth was doing, for the message: "list tags", "delete manifest". */
  operation: string
}

/** What a /v2/ URL addresses, to name it in not-found messages. */
function describeTarget(url: URL): { repository?: string; what: string } {
  const path = decodeURIComponentSafe(url.pathname)
  const match = /^\/v2\/(.+)\/(manifests|blobs|tags|referrers)\/(.*)$/.exec(path)
  if (!match?.[1]) return { what: path }
  const repository = match[1]
  switch (match[2]) {
    case 'manifests':
      return { repository, what: `manifest ${repository}:${match[3] ?? ''}`.replace(/:sha(256|512):/, '@sha$1:') }
    case 'blobs':
      return { repository, what: `blob ${match[3] ?? ''} in ${repository}` }
    case 'referrers':
      return { repository, what: `referrers of ${match[3] ?? ''} in ${repository}` }
    default:
      return { repository, what: `repository ${repository}` }
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function safeUrl(raw: string): URL | null {
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

/**
 * One BerthError for a failed registry response: status and envelope code decide the error
 * code; the message says who answered what to which request (no query string: presigned URLs
 * carry signatures) plus the registry's own words, sanitised.
 */
export function errorFromResponse(input: ResponseErrorInput): BerthError {
  const { status } = input
  const method = input.method.toUpperCase()
  const url = safeUrl(input.url)
  const host = url ? url.host : 'the registry'
  const where = url ? sanitizeForMessage(decodeURIComponentSafe(url.pathname), 200) : 'the request'
  const entries = parseErrorEnvelope(input.bodyText)
  const codes = entries.map((e) => e.code)
  const registryCode = codes.find((c) => c !== 'UNKNOWN') ?? (entries.length > 0 ? 'UNKNOWN' : undefined)
  const registrySaid =
    entries.length > 0 ? entries.map((e) => e.message || e.code).join('; ') : /^\s*</.test(input.bodyText) ? '' : input.bodyText
  const said = sanitizeForMessage(registrySaid, 300)
  const prefix = `${host} answered ${status} to ${method} ${where} (${sanitizeForMessage(input.operation, 80)})`
  const suffix = said ? ` (the registry says: ${said})` : ''
  const target = url ? describeTarget(url) : { what: where }

  const make = (code: ErrorCode, cause: string, fix?: string, extra?: Partial<BerthErrorData>): BerthError => {
    const data: BerthErrorData = { code, message: `${prefix} — ${cause}${suffix}`, status, ...extra }
    if (fix !== undefined) data.fix = fix
    if (registryCode !== undefined) data.registryCode = registryCode
    return new BerthError(data)
  }

  const isDelete = method === 'DELETE'
  if (isDelete && (status === 405 || codes.includes('UNSUPPORTED'))) {
    return make(
      'delete_disabled',
      'deletion is disabled on this registry',
      'Enable deletes in the registry configuration ' +
        '(distribution: `storage.delete.enabled: true`, or REGISTRY_STORAGE_DELETE_ENABLED=true) ' +
        "and restart it; or delete through the provider's own API.",
    )
  }
  if (status === 401) {
    const challenge = headerOf(input.headers, 'www-authenticate') ?? ''
    const scopeHint = /insufficient_scope/i.test(challenge) ? ' (the token lacks the scope this needs)' : ''
    return make(
      'unauthorized',
      `credentials missing, wrong or expired${scopeHint}`,
      'Sign in again with a valid username and password or access token for this registry.',
    )
  }
  if (status === 403) {
    return isDelete
      ? make(
          'forbidden',
          'your credentials can read but not delete here',
          'Use an account or token with delete rights on this repository (e.g. Maintainer in GitLab, a token with the delete scope).',
        )
      : make(
          'forbidden',
          'your credentials are not allowed to do this (role or token scope)',
          'Use an account or token with access to this repository.',
        )
  }
  if (status === 404) {
    let what = target.what
    if (codes.includes('NAME_UNKNOWN') && target.repository) what = `repository ${target.repository}`
    else if (codes.includes('BLOB_UNKNOWN') && target.repository)
      what = target.what.startsWith('blob') ? target.what : `a blob in ${target.repository}`
    return make(
      'not_found',
      `${what} not found`,
      'Check the repository name and tag; it may have been deleted, or your credentials may not see it.',
    )
  }
  if (status === 429 || codes.includes('TOOMANYREQUESTS')) {
    const retryAfter = parseRetryAfter(headerOf(input.headers, 'retry-after'), new Date())
    const limits = parseRateLimitHeaders(input.headers)
    const quota =
      limits?.limit !== undefined
        ? ` (limit ${limits.limit}${limits.windowSeconds ? ` per ${limits.windowSeconds} s` : ''}, ${limits.remaining ?? 0} remaining)`
        : ''
    const wait = retryAfter !== null ? `Wait ${retryAfter} s and retry` : 'Wait a while and retry'
    return make(
      'rate_limited',
      `too many requests${quota}`,
      `${wait}; signing in usually raises the limit.`,
      retryAfter !== null ? { retryAfterSeconds: retryAfter } : {},
    )
  }
  if (status === 405 || status === 501 || codes.includes('UNSUPPORTED')) {
    return make(
      'unsupported',
      `this registry does not support ${sanitizeForMessage(input.operation, 80)}`,
      'Use another way offered by the provider (its web UI or API).',
    )
  }
  if (status >= 500) {
    return make('server_error', 'the registry failed', 'Retry later; if it persists, contact the registry operator.')
  }
  if (status === 409) return make('conflict', 'the registry reported a conflict', 'Reload and try again.')
  // Go's net/http ("Client sent an HTTP request to an HTTPS server.") and nginx ("The plain HTTP
  // request was sent to HTTPS port") answer plain HTTP on a TLS port with 400: the address is wrong.
  if (
    status === 400 &&
    url?.protocol === 'http:' &&
    /HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i.test(input.bodyText)
  ) {
    return new BerthError({
      code: 'network',
      status,
      message: `${host} serves HTTPS on this port, but Berth spoke plain HTTP to it (the address says http://${host}).`,
      fix: `Use https://${host} — or type just ${host}: Berth tries https first. For a saved registry, edit its URL.`,
    })
  }
  if (status === 400) {
    return make(
      'invalid_input',
      'the registry rejected the request',
      registryCode === 'PAGINATION_NUMBER_INVALID'
        ? 'Use a smaller page size (distribution accepts at most 1000).'
        : 'Check the repository name, tag or digest.',
    )
  }
  return make('invalid_response', 'unexpected answer', 'Retry; if it persists, report it with this message.')
}

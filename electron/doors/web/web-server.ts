// The web mode: the same renderer and the same handler table served over loopback HTTP, for a
// browser instead of Electron. Plain node:http. It is a local server holding registry credentials,
// so every request passes the guards a local dev server is usually attacked through:
// - a random per-run token (printed in the URL) on every API call: other local users and other
//   sites in the browser cannot know it. The first load trades it for a cookie and redirects to
//   the same page without it (see below), so it stays out of the address bar, history and Referer;
// - Host must be 127.0.0.1:PORT or localhost:PORT: DNS rebinding sends an attacker's host name;
// - a present Origin must be our own, and API POSTs must carry Origin or same-origin fetch
//   metadata: cross-site requests are refused even before the token is looked at;
// - loopback peers only, and the socket listens on 127.0.0.1 only.
// The token travels in an `X-Berth-Token` header (a custom header also forces a CORS preflight,
// which this server never grants); EventSource cannot set headers, so the event stream takes it as
// a query parameter. Or in a cookie, so that a link copied from the page opens in another tab of the
// same browser, which has no sessionStorage of its own. The cookie is a second way to carry the
// same token, not a weaker guard: Host and Origin are checked before any token is looked at, a
// cookie-only event stream must come from our own page (fetch metadata), and:
// - HttpOnly: the page's scripts never see the token; SameSite=Strict: no other site's page or
//   link sends it (another loopback port is the same site: the Origin check covers that);
// - Path=/api/: only API requests carry it, never a page or asset load;
// - its name carries the port, since cookies ignore ports: two `berth web` runs keep their own. A
//   cookie of that name set by another loopback server (cookie tossing) can at worst break new
//   tabs, never let anyone in; beside ours (another path), every value under the name is tried;
// - no Secure: the page is plain http on loopback (there is no certificate to serve it with), and
//   browsers that would keep a Secure cookie there treat loopback as secure anyway;
// - no Expires: it ends with the browser session, and the token with this run.
// What a cookie cannot do is tell the ports of 127.0.0.1 apart: a server on another loopback port
// that this browser visits receives it on its own requests under /api/ (README "Security" says so).
// Holding it there gets that server nothing from a browser (Origin and fetch metadata are checked),
// only from a process of its own, which is the exposure the trade buys new tabs with.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import type { BerthErrorData } from '../../../shared/errors'
import type { Api, ApiEvents, IpcResult } from '../../../shared/ipc'
import { createDispatcher, type DispatcherOptions } from '../api-dispatch'
import { contentSecurityPolicy } from '../../../shared/content-security-policy'

export interface WebServerOptions {
  api: Api
  /** The built renderer (out/renderer). */
  staticDir: string
  /** 0 (the default) picks a free port. */
  port?: number
  host?: '127.0.0.1'
  onError?: DispatcherOptions['onError']
  /** The engine's pushes (details rows as they load…), forwarded to every event stream until close(). */
  subscribe?: (listener: <K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]) => void) => () => void
}

export interface WebServerEvents {
  emit<K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]): void
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/?token=…`: the one URL that opens the app. */
  url: string
  port: number
  token: string
  events: WebServerEvents
  close(): Promise<void>
}

export const tokenHeader = 'x-berth-token'
export const maxBodyBytes = 1024 * 1024
/** Past this many discarded bytes of an oversize body the connection is cut instead of drained. */
const maxDrainBytes = 16 * maxBodyBytes
const heartbeatMs = 25_000

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy(),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1'
  const token = randomBytes(32).toString('base64url')
  const tokenDigest = digest(token)
  const root = await realpath(resolve(options.staticDir))
  const dispatch = createDispatcher(options.api, {
    onError: options.onError ?? ((method, error) => console.error(`berth web: ${method} failed unexpectedly:`, error)),
  })
  const streams = new Set<ServerResponse>()
  let port = 0

  const tokenMatches = (candidate: string | null | undefined): boolean =>
    typeof candidate === 'string' && candidate.length > 0 && candidate.length < 200 && timingSafeEqual(digest(candidate), tokenDigest)
  const cookieName = (): string => `berth_token_${port}`
  const cookieMatches = (req: IncomingMessage): boolean => cookieValues(req, cookieName()).some(tokenMatches)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value)
    if (!isLoopbackAddress(req.socket.remoteAddress)) return refuse(res, 403, 'Only this computer may use Berth web mode.')
    const hostHeader = req.headers.host ?? ''
    if (hostHeader !== `127.0.0.1:${port}` && hostHeader !== `localhost:${port}`) {
      return refuse(res, 403, 'Unexpected Host header: open Berth through the URL it printed.')
    }
    const ownOrigin = `http://${hostHeader}`
    const origin = req.headers.origin
    if (origin !== undefined && origin !== ownOrigin) return refuse(res, 403, 'Cross-origin requests are refused.')

    const url = new URL(req.url ?? '/', ownOrigin)
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store')
      if (url.pathname === '/api/events') {
        if (req.method !== 'GET') return refuse(res, 405, 'Use GET for the event stream.')
        if (!tokenMatches(url.searchParams.get('token') || headerValue(req, tokenHeader))) {
          if (!cookieMatches(req)) return refuse(res, 401, badTokenMessage)
          // The browser attaches the cookie to any GET of this URL, even an <img> on another loopback
          // port's page (the same site, for cookies): only our own page may open the stream with it.
          if (headerValue(req, 'sec-fetch-site') !== 'same-origin' && origin !== ownOrigin) {
            return refuse(res, 403, 'The event stream must be opened by the Berth page.')
          }
        }
        return openEventStream(req, res)
      }
      if (req.method !== 'POST') return refuse(res, 405, 'API calls are POST requests.')
      // Browsers send Origin on every POST; fetch metadata covers the rest. A request with neither
      // did not come from our page.
      if (origin === undefined && headerValue(req, 'sec-fetch-site') !== 'same-origin') {
        return refuse(res, 403, 'API calls must come from the Berth page (no Origin header).')
      }
      if (!tokenMatches(headerValue(req, tokenHeader)) && !cookieMatches(req)) return refuse(res, 401, badTokenMessage)
      return handleApiCall(req, res, url.pathname.slice('/api/'.length))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET and HEAD are served.')
    if (tokenMatches(url.searchParams.get('token'))) return trade(res, url)
    return serveStatic(req, res, url.pathname)
  }

  /** The printed URL's first load: the token becomes the cookie, and the page loads again without it. */
  function trade(res: ServerResponse, url: URL): void {
    url.searchParams.delete('token')
    res.writeHead(303, {
      // Relative, so the browser keeps the link's #fragment (the view) across the redirect; one
      // leading slash, since `//host/…` would be another site's address.
      Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
      'Set-Cookie': `${cookieName()}=${token}; Path=/api/; HttpOnly; SameSite=Strict`,
      'Cache-Control': 'no-store',
      'Content-Length': '0',
    })
    res.end()
  }

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const contentType = (headerValue(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (contentType !== 'application/json') return refuse(res, 415, 'API calls must send Content-Type: application/json.')
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > maxBodyBytes) return refuseOversize(req, res)
    const body = await readBody(req)
    if (body === null) return refuseOversize(req, res)
    let request: unknown
    try {
      request = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
    } catch {
      return refuse(res, 400, 'The request body is not valid JSON.', 'invalid_input')
    }
    sendJson(res, 200, await dispatch(method, request))
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache')
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return refuse(res, 400, 'Malformed path.')
    }
    const segments = decoded.split('/')
    // Traversal is refused outright, before touching the disk; so are dotfiles and odd bytes.
    if (decoded.includes('\0') || decoded.includes('\\') || segments.some((s) => s === '..' || s.startsWith('.'))) {
      return refuse(res, 403, 'Path refused.')
    }
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
    const file = await containedFile(root, relative)
    if (file === null && decoded === '/favicon.ico') {
      // Browsers ask for it unprompted; an empty answer keeps the console free of a 404.
      res.writeHead(204).end()
      return
    }
    if (file === null) return refuse(res, 404, 'Not found.')
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(file.size),
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res)
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' })
    res.write('retry: 2000\n: connected\n\n')
    streams.add(res)
    // Comments keep idle proxies and the browser from timing the stream out.
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs)
    heartbeat.unref()
    req.on('close', () => {
      clearInterval(heartbeat)
      streams.delete(res)
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('berth web: request failed:', error)
      if (!res.headersSent) refuse(res, 500, 'Internal error.', 'internal')
      else res.destroy()
    })
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port

  const events: WebServerEvents = {
    emit(event, payload) {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
      for (const stream of streams) stream.write(frame)
    },
  }
  const unsubscribe = options.subscribe?.((event, payload) => events.emit(event, payload))
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    token,
    events,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        unsubscribe?.()
        for (const stream of streams) stream.end()
        streams.clear()
        server.close((error) => (error === undefined ? resolveClose() : rejectClose(error)))
        server.closeAllConnections()
      }),
  }
}

const badTokenMessage =
  'The web-mode access token is missing or wrong: open the URL that `berth web` printed (in a browser that keeps cookies for this address).'

function refuse(res: ServerResponse, status: number, message: string, code: BerthErrorData['code'] = 'forbidden'): void {
  const result: IpcResult<never> = { ok: false, error: { code, message } }
  sendJson(res, status, result)
}

function refuseOversize(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close')
  refuse(res, 413, `The request body is larger than ${maxBodyBytes} bytes.`, 'invalid_input')
  // Drain what the client is still sending so it can read the 413, up to a bound.
  let drained = 0
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > maxDrainBytes) req.destroy()
  })
  req.resume()
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) })
  res.end(body)
}

/**
 * The body, or null once it passes maxBodyBytes (chunked bodies have no Content-Length). Events,
 * not for-await: leaving a for-await loop early destroys the socket before the 413 can be sent.
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) {
        req.off('data', onData)
        req.off('end', onEnd)
        req.pause()
        resolveBody(null)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => resolveBody(Buffer.concat(chunks))
    req.on('data', onData)
    req.once('end', onEnd)
    req.once('error', rejectBody)
  })
}

/** A regular file inside root, symlinks resolved: a link pointing out of the tree is not served. */
async function containedFile(root: string, relative: string): Promise<{ path: string; size: number } | null> {
  try {
    const path = await realpath(resolve(root, relative))
    if (!path.startsWith(root + sep)) return null
    const info = await stat(path)
    return info.isFile() ? { path, size: info.size } : null
  } catch {
    return null
  }
}

/** Every value of one cookie (a browser sends two when another path or server set one too); a few at most. */
function cookieValues(req: IncomingMessage, name: string): string[] {
  const header = req.headers.cookie
  if (header === undefined) return []
  const values: string[] = []
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at >= 0 && pair.slice(0, at).trim() === name) values.push(pair.slice(at + 1).trim())
    if (values.length >= 4) break
  }
  return values
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** 127.0.0.0/8 (plain or IPv4-mapped) and ::1. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address)
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

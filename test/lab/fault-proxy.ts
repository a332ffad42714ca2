// A fault-injecting HTTP(S) proxy in front of a real lab registry, for the hardening tests: per
// method/path pattern and count it resets connections, answers 5xx/429, delays, truncates, sends
// garbage or huge bodies, tampers with manifests, adds foreign Links, redirects, sends a hostile
// WWW-Authenticate, trickles a body a byte at a time, serves an endless chain of big pages or one
// huge tag list; everything else is forwarded unchanged. A 404/401 on page 2 of the catalog is a
// `status` rule on `/_catalog?…last=`. Loopback only and bounded: a connection cap and a lifetime
// after which it closes itself, so a forgotten proxy never outlives its test.
import { createHash } from 'node:crypto'
import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

export type Fault =
  /** Destroy the client socket before anything is forwarded. */
  | { kind: 'reset' }
  /** Forward, let the registry act, then destroy the socket instead of answering. */
  | { kind: 'reset-after-forward' }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** 429 with the given Retry-After (seconds or an HTTP-date). */
  | { kind: 'rate-limit'; retryAfter: string }
  /** Wait, then forward. */
  | { kind: 'delay'; ms: number }
  /** Forward the registry's headers (Content-Length included) but only the first bytes of the body. */
  | { kind: 'truncate'; keepBytes: number }
  /** 200 with random bytes that claim to be JSON. */
  | { kind: 'garbage'; bytes: number }
  /** 200 with a body of `bytes` bytes; `declareLength: false` streams it chunked. */
  | { kind: 'huge'; bytes: number; declareLength: boolean }
  /** Forward, but flip one byte of the body, keeping the registry's Docker-Content-Digest. */
  | { kind: 'tamper-body' }
  /** Forward, adding `Link: <target>; rel="next"`. */
  | { kind: 'link'; target: string }
  /** Answer `status` with `Location: location(path)` instead of forwarding. */
  | { kind: 'redirect'; status: number; location: (path: string) => string }
  /** A self-consistent hostile answer: 200 with these bytes and their true Docker-Content-Digest (HEAD: headers only). */
  | { kind: 'serve'; body: Buffer; contentType: string }
  /** 401 with this WWW-Authenticate instead of forwarding. */
  | { kind: 'www-authenticate'; value: string }
  /**
   * 200, then one byte of JSON whitespace every `intervalMs`, never ending (until the client hangs
   * up or the proxy closes). `declareLength` sends that Content-Length; otherwise chunked.
   */
  | { kind: 'trickle'; intervalMs: number; declareLength?: number }
  /**
   * A tags/list (`field: 'tags'`) or catalog (`field: 'repositories'`) page of `perPage` generated
   * names of `nameLength` characters, with a `Link: rel="next"` to a page never seen before: the
   * pagination never ends. `delayMs` holds each page back that long.
   */
  | { kind: 'endless-pages'; field: 'tags' | 'repositories'; perPage: number; nameLength: number; delayMs?: number }
  /** One tags/list answer with `count` tags (`tag-000000` …) and no Link: distribution 2.8 does not page. */
  | { kind: 'tag-list'; repository: string; count: number }

export interface FaultRule {
  /** Default: any method. */
  method?: string
  /** Tested against the request path including the query. */
  path: RegExp
  /** How many matching requests get the fault (default: all). */
  times?: number
  /** Matching requests let through untouched before the fault starts (default 0). */
  skip?: number
  fault: Fault
}

export interface ProxiedRequest {
  method: string
  path: string
  /** Whether the request carried an Authorization header. */
  authorization: boolean
  /** The fault applied, or null when forwarded untouched. */
  fault: Fault['kind'] | null
  /** Whether the request reached the registry. */
  forwarded: boolean
}

export interface FaultProxyOptions {
  /** The registry behind the proxy (plain http lab instance). */
  upstream: string
  rules?: FaultRule[]
  /** Serve https with this certificate (for https → http redirect cases). */
  tls?: { certPem: string; keyPem: string }
  /** Default 64. */
  maxConnections?: number
  /** The proxy closes itself after this long; default 120 s. */
  lifetimeMs?: number
}

export interface FaultProxy {
  url: string
  host: string
  requests: ProxiedRequest[]
  /** Requests with this method that reached the registry (DELETE counting). */
  forwardedCount(method: string, path?: RegExp): number
  setRules(rules: FaultRule[]): void
  close(): Promise<void>
}

interface ArmedRule {
  rule: FaultRule
  seen: number
}

function pickFault(armed: ArmedRule[], method: string, path: string): Fault | null {
  for (const entry of armed) {
    const { rule } = entry
    if (rule.method !== undefined && rule.method !== method) continue
    if (!rule.path.test(path)) continue
    entry.seen++
    const skip = rule.skip ?? 0
    if (entry.seen <= skip) return null
    if (rule.times !== undefined && entry.seen > skip + rule.times) return null
    return rule.fault
  }
  return null
}

interface UpstreamAnswer {
  status: number
  headers: IncomingMessage['headers']
  body: Buffer
}

/** Sends the request on unchanged (Host included, so Locations and Links point back here). */
function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers }
    delete headers['accept-encoding']
    const outgoing = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    req.on('data', (chunk: Buffer) => {
      total += chunk.length
      // The lab pushes only small manifests and layers through a proxy.
      if (total > 64 * 1024 * 1024) req.destroy(new Error('request body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function writeAnswer(res: ServerResponse, answer: UpstreamAnswer, body: Buffer, extra: Record<string, string> = {}): void {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(answer.headers))
    if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value
  if (answer.headers['content-length'] !== undefined || body.length > 0) headers['content-length'] = String(body.length)
  res.writeHead(answer.status, { ...headers, ...extra })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  })
  res.end(body)
}

function garbageBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + 13) % 256
  return bytes
}

async function streamHuge(res: ServerResponse, bytes: number, declareLength: boolean): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(bytes) } : {}) })
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  let sent = 0
  while (sent < bytes && !res.destroyed) {
    const size = Math.min(chunk.length, bytes - sent)
    sent += size
    if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
      // Stop early when the client hung up (it should, once its cap is hit).
      await new Promise<void>((resolve) => {
        res.once('drain', () => resolve())
        res.once('close', () => resolve())
      })
    }
  }
  if (!res.destroyed) res.end()
}

/** Sends `intervalMs`-spaced single bytes until the client goes away; resolves then. */
function trickle(res: ServerResponse, intervalMs: number, declareLength: number | undefined): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(declareLength !== undefined ? { 'content-length': String(declareLength) } : {}),
  })
  res.flushHeaders()
  return new Promise<void>((resolve) => {
    let sent = 0
    const timer = setInterval(() => {
      if (res.destroyed || (declareLength !== undefined && sent >= declareLength - 1)) return
      sent++
      res.write(' ')
    }, intervalMs)
    res.once('close', () => {
      clearInterval(timer)
      resolve()
    })
  })
}

/** A page of generated names with a Link to the next page; `last=page-<k>` says which page this is. */
function endlessPage(
  res: ServerResponse,
  path: string,
  fault: { field: 'tags' | 'repositories'; perPage: number; nameLength: number },
): void {
  const url = new URL(path, 'http://proxy.invalid')
  const pageNumber = Number(/^page-(\d+)$/.exec(url.searchParams.get('last') ?? '')?.[1] ?? '0')
  const names: string[] = []
  for (let index = 0; index < fault.perPage; index++) {
    const name = `p${pageNumber}-n${index}-`
    names.push(name.padEnd(fault.nameLength, 'x'))
  }
  const page = fault.field === 'tags' ? { name: 'endless/pages', tags: names } : { repositories: names }
  url.searchParams.set('n', String(fault.perPage))
  url.searchParams.set('last', `page-${pageNumber + 1}`)
  sendJson(res, 200, JSON.stringify(page), { link: `<${url.pathname}${url.search}>; rel="next"` })
}

const tagListBodies = new Map<string, string>()

/** `{"name": repository, "tags": [tag-000000, …]}` with `count` tags, built once per shape. */
function bigTagList(repository: string, count: number): string {
  const key = `${repository}\n${count}`
  let body = tagListBodies.get(key)
  if (body === undefined) {
    const tags: string[] = []
    for (let index = 0; index < count; index++) tags.push(`tag-${String(index).padStart(6, '0')}`)
    body = JSON.stringify({ name: repository, tags })
    tagListBodies.set(key, body)
  }
  return body
}

async function handle(
  upstream: URL,
  armed: () => ArmedRule[],
  log: ProxiedRequest[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET'
  const path = req.url ?? '/'
  const fault = pickFault(armed(), method, path)
  const entry: ProxiedRequest = {
    method,
    path,
    authorization: req.headers.authorization !== undefined,
    fault: fault?.kind ?? null,
    forwarded: false,
  }
  log.push(entry)
  const body = await readRequestBody(req)
  const pass = async (): Promise<UpstreamAnswer> => {
    entry.forwarded = true
    return forward(upstream, req, body)
  }
  switch (fault?.kind) {
    case undefined: {
      const answer = await pass()
      return writeAnswer(res, answer, answer.body)
    }
    case 'reset':
      req.socket.destroy()
      return
    case 'reset-after-forward':
      await pass()
      req.socket.destroy()
      return
    case 'status':
      return sendJson(
        res,
        fault.status,
        fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `fault proxy: injected ${fault.status}` }] }),
        fault.headers,
      )
    case 'rate-limit':
      return sendJson(res, 429, JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'fault proxy: slow down' }] }), {
        'retry-after': fault.retryAfter,
      })
    case 'delay': {
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      const answer = await pass()
      return writeAnswer(res, answer, answer.body)
    }
    case 'truncate': {
      const answer = await pass()
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) })
      res.write(answer.body.subarray(0, fault.keepBytes))
      // Closing short of the declared length is what a dropped connection looks like to the client.
      setImmediate(() => req.socket.destroy())
      return
    }
    case 'garbage':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.bytes) })
      res.end(garbageBytes(fault.bytes))
      return
    case 'huge':
      return streamHuge(res, fault.bytes, fault.declareLength)
    case 'tamper-body': {
      const answer = await pass()
      const tampered = Buffer.from(answer.body)
      // Swap one character inside the JSON so it stays parseable but hashes differently.
      const at = tampered.indexOf('sha256:')
      const index = at >= 0 ? at + 7 : 0
      if (tampered.length > 0) tampered[index] = tampered[index] === 0x61 ? 0x62 : 0x61
      return writeAnswer(res, answer, tampered)
    }
    case 'link': {
      const answer = await pass()
      return writeAnswer(res, answer, answer.body, { link: `<${fault.target}>; rel="next"` })
    }
    case 'redirect':
      res.writeHead(fault.status, { location: fault.location(path), 'content-length': '0' })
      res.end()
      return
    case 'serve': {
      const digest = `sha256:${createHash('sha256').update(fault.body).digest('hex')}`
      res.writeHead(200, {
        'content-type': fault.contentType,
        'content-length': String(fault.body.length),
        'docker-content-digest': digest,
      })
      res.end(method === 'HEAD' ? undefined : fault.body)
      return
    }
    case 'www-authenticate':
      return sendJson(res, 401, JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }), {
        'www-authenticate': fault.value,
      })
    case 'trickle':
      return trickle(res, fault.intervalMs, fault.declareLength)
    case 'endless-pages':
      if (fault.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
      return endlessPage(res, path, fault)
    case 'tag-list':
      return sendJson(res, 200, bigTagList(fault.repository, fault.count))
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

function closer(server: Server, timer: NodeJS.Timeout): () => Promise<void> {
  let closed: Promise<void> | null = null
  return () => {
    clearTimeout(timer)
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closed
  }
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream)
  let armed: ArmedRule[] = (options.rules ?? []).map((rule) => ({ rule, seen: 0 }))
  const requests: ProxiedRequest[] = []
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(upstream, () => armed, requests, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else sendJson(res, 502, JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `fault proxy: ${String(error)}` }] }))
    })
  }
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler)
    : createHttpServer(handler)
  server.maxConnections = options.maxConnections ?? 64
  const port = await listen(server)
  const close = closer(server, setTimeout(() => void close(), options.lifetimeMs ?? 120_000).unref())
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    forwardedCount: (method, path) =>
      requests.filter((r) => r.forwarded && r.method === method && (path === undefined || path.test(r.path))).length,
    setRules(rules) {
      armed = rules.map((rule) => ({ rule, seen: 0 }))
    },
    close,
  }
}

export interface RecordingServer {
  url: string
  host: string
  /** Every request received, with whether it carried Authorization. */
  requests: ProxiedRequest[]
  close(): Promise<void>
}

/**
 * The "other host" of redirect tests (a stand-in for S3/GCS presigned URLs): it records whether
 * it received Authorization (it must not: docs/registry-notes.md "Auth") and answers by forwarding to
 * `upstream` with every credential header removed.
 */
export async function startRecordingServer(options: { upstream: string; lifetimeMs?: number }): Promise<RecordingServer> {
  const upstream = new URL(options.upstream)
  const requests: ProxiedRequest[] = []
  const server = createHttpServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization !== undefined,
      fault: null,
      forwarded: true,
    })
    delete req.headers.authorization
    delete req.headers.cookie
    forward(upstream, req, Buffer.alloc(0))
      .then((answer) => writeAnswer(res, answer, answer.body))
      .catch(() => sendJson(res, 502, '{}'))
  })
  server.maxConnections = 16
  const port = await listen(server)
  const close = closer(server, setTimeout(() => void close(), options.lifetimeMs ?? 120_000).unref())
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests, close }
}

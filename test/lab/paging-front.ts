import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'

export interface PagingFront {
  url: string
  host: string
  close(): Promise<void>
}

const MAX_TAG_LIST_BYTES = 16 * 1024 * 1024
/** distribution's catalog rejects n above 1000 with PAGINATION_NUMBER_INVALID; the front does the same for tags. */
const MAX_PAGE = 1000
const TAGS_PATH = /^\/v2\/(.+)\/tags\/list$/
const tagListSchema = z.object({ name: z.string(), tags: z.array(z.string()).nullable() })

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] })
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** Streams one request through to the upstream registry unchanged (Host included, so upload Locations point back here). */
function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const outgoing = request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
      upstreamRes.pipe(res)
    },
  )
  outgoing.on('error', () => {
    if (!res.headersSent) sendError(res, 502, 'UNAVAILABLE', 'paging front: upstream unreachable')
    else res.destroy()
  })
  req.pipe(outgoing)
}

function fetchAllTags(
  upstream: URL,
  req: IncomingMessage,
  path: string,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers }
    delete headers['accept-encoding']
    const outgoing = request({ host: upstream.hostname, port: upstream.port, method: 'GET', path, headers }, (upstreamRes) => {
      const chunks: Buffer[] = []
      let total = 0
      upstreamRes.on('data', (chunk: Buffer) => {
        total += chunk.length
        if (total > MAX_TAG_LIST_BYTES) {
          upstreamRes.destroy(new Error('upstream tag list too large'))
          return
        }
        chunks.push(chunk)
      })
      upstreamRes.on('end', () =>
        resolve({ status: upstreamRes.statusCode ?? 502, headers: upstreamRes.headers, body: Buffer.concat(chunks) }),
      )
      upstreamRes.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/**
 * distribution 2.8 ignores `n` and `last` on tags/list (it always returns every tag), so this
 * front pages the upstream answer itself the way distribution pages `_catalog`: lexical order,
 * `last` exclusive, and a RELATIVE `Link: </v2/<name>/tags/list?n=N&last=X>; rel="next"` while
 * more remain (registry/handlers/catalog.go createLinkEntry).
 */
async function pageTags(upstream: URL, req: IncomingMessage, res: ServerResponse, name: string, url: URL): Promise<void> {
  const rawN = url.searchParams.get('n')
  const last = url.searchParams.get('last')
  let n: number | null = null
  if (rawN !== null) {
    n = /^\d+$/.test(rawN) ? Number(rawN) : NaN
    if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) {
      return sendError(res, 400, 'PAGINATION_NUMBER_INVALID', `invalid number of results requested: ${rawN}`)
    }
  }
  const upstreamAnswer = await fetchAllTags(upstream, req, `/v2/${name}/tags/list`)
  if (upstreamAnswer.status !== 200) {
    const headers = { ...upstreamAnswer.headers, 'content-length': String(upstreamAnswer.body.length) }
    delete headers['transfer-encoding']
    res.writeHead(upstreamAnswer.status, headers)
    res.end(upstreamAnswer.body)
    return
  }
  const list = tagListSchema.parse(JSON.parse(upstreamAnswer.body.toString('utf8')))
  const sorted = [...(list.tags ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const remaining = last === null ? sorted : sorted.filter((tag) => tag > last)
  const page = n === null ? remaining : remaining.slice(0, n)
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  const lastOfPage = page[page.length - 1]
  if (n !== null && n > 0 && page.length < remaining.length && lastOfPage !== undefined) {
    const next = new URLSearchParams({ n: String(n), last: lastOfPage })
    headers.link = `</v2/${name}/tags/list?${next.toString()}>; rel="next"`
  }
  const body = JSON.stringify({ name: list.name, tags: page })
  headers['content-length'] = String(Buffer.byteLength(body))
  res.writeHead(200, headers)
  res.end(body)
}

/** Starts the paging front on a free loopback port in front of `upstreamUrl` (an http registry). */
export async function startPagingFront(upstreamUrl: string): Promise<PagingFront> {
  const upstream = new URL(upstreamUrl)
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const match = TAGS_PATH.exec(url.pathname)
    if (req.method !== 'GET' || match?.[1] === undefined) return forward(upstream, req, res)
    pageTags(upstream, req, res, match[1], url).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else sendError(res, 502, 'UNKNOWN', `paging front: ${String(error)}`)
    })
  })
  server.maxConnections = 256
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

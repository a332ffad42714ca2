// Berth asks the catalog for pages of 1,000 and the tag list unpaged, so against the lab's handful
// of repositories a listing is one request and pagination would never be soaked. This front sits
// between the fault proxy and the lab's paging front and rewrites `n` on catalog and tag-list GETs
// to a small page size: the registry (catalog) and the paging front (tags) then answer with short
// pages and relative `Link: rel="next"` headers that carry the small `n` on, so every listing walks
// several pages through the fault proxy. Everything else is streamed through untouched (Host
// included, so upload Locations still point at the fault proxy). Loopback only.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PageShrinker {
  url: string
  host: string
  close(): Promise<void>
}

export interface PageShrinkerOptions {
  /** The http front to forward to (the lab's paging front over the open registry). */
  upstream: string
  catalogPageSize: number
  tagsPageSize: number
}

const catalogPath = /^\/v2\/_catalog$/
const tagsPath = /^\/v2\/.+\/tags\/list$/

function shrunkPath(rawPath: string, method: string, options: PageShrinkerOptions): string {
  if (method !== 'GET') return rawPath
  const url = new URL(rawPath, 'http://shrinker.invalid')
  const size = catalogPath.test(url.pathname) ? options.catalogPageSize : tagsPath.test(url.pathname) ? options.tagsPageSize : null
  if (size === null) return rawPath
  const asked = Number(url.searchParams.get('n') ?? Number.POSITIVE_INFINITY)
  url.searchParams.set('n', String(Math.min(Number.isFinite(asked) && asked > 0 ? asked : size, size)))
  return `${url.pathname}${url.search}`
}

export async function startPageShrinker(options: PageShrinkerOptions): Promise<PageShrinker> {
  const upstream = new URL(options.upstream)
  // Its own pool, closed with the front: the soak counts this process's sockets at the end.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET'
    const outgoing = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: shrunkPath(req.url ?? '/', method, options),
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        answer.on('error', () => res.destroy())
      },
    )
    outgoing.on('error', () => {
      if (res.headersSent) res.destroy()
      else {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'page shrinker: upstream unreachable' }] }))
      }
    })
    // A client that hangs up mid-request (a fault reset it) must not leave the upstream request open.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy()
    })
    req.pipe(outgoing)
  })
  server.maxConnections = 256
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closed: Promise<void> | null = null
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
      })
      return closed
    },
  }
}

// A recording proxy in front of one lab registry, for the copy tests: it streams every request and
// answer through unchanged (no buffering: a large blob goes by in chunks) and writes down what
// went by — method, path, the Authorization value (to prove credentials never cross from one
// registry to the other) and the request body's bytes (to count what was uploaded). Two faults:
// `cut` drops the connection of the nth matching request before anything reaches the registry (a
// connection lost mid-blob), `tamper` flips one byte of a matching answer (a corrupted blob).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ProxiedCall {
  method: string
  path: string
  authorization: string | null
  /** Request body bytes that reached the registry. */
  bytes: number
  status: number | null
  cut: boolean
}

export interface ProxyFault {
  method?: string
  path: RegExp
  /** 1-based: the nth matching request gets the fault (default 1). */
  nth?: number
}

export interface CopyProxy {
  url: string
  host: string
  calls: ProxiedCall[]
  cut(fault: ProxyFault | null): void
  tamper(fault: ProxyFault | null): void
  /** Request body bytes of matching calls that reached the registry. */
  uploaded(method: string, path: RegExp): number
  close(): Promise<void>
}

function matcher(fault: ProxyFault | null): ((req: IncomingMessage) => boolean) | null {
  if (fault === null) return null
  let seen = 0
  return (req) => {
    if (fault.method !== undefined && req.method !== fault.method) return false
    if (!fault.path.test(req.url ?? '')) return false
    seen++
    return seen === (fault.nth ?? 1)
  }
}

export async function startCopyProxy(upstreamUrl: string): Promise<CopyProxy> {
  const upstream = new URL(upstreamUrl)
  const calls: ProxiedCall[] = []
  let cutMatch: ((req: IncomingMessage) => boolean) | null = null
  let tamperMatch: ((req: IncomingMessage) => boolean) | null = null

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const call: ProxiedCall = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization ?? null,
      bytes: 0,
      status: null,
      cut: false,
    }
    calls.push(call)
    if (cutMatch?.(req) === true) {
      call.cut = true
      req.socket.destroy()
      return
    }
    const tampering = tamperMatch?.(req) === true
    const headers = { ...req.headers }
    delete headers['accept-encoding']
    const outgoing = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      call.status = answer.statusCode ?? null
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      let first = true
      answer.on('data', (chunk: Buffer) => {
        if (tampering && first && chunk.length > 0) {
          const copy = Buffer.from(chunk)
          copy[0] = (copy[0] ?? 0) ^ 0xff
          chunk = copy
        }
        first = false
        res.write(chunk)
      })
      answer.on('end', () => res.end())
      answer.on('error', () => res.destroy())
    })
    outgoing.on('error', () => res.destroy())
    req.on('data', (chunk: Buffer) => {
      call.bytes += chunk.length
      outgoing.write(chunk)
    })
    req.on('end', () => outgoing.end())
    req.on('error', () => outgoing.destroy())
  }

  const server = createServer(handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const lifetime = setTimeout(() => void close(), 300_000).unref()
  let closed: Promise<void> | null = null
  const close = (): Promise<void> => {
    clearTimeout(lifetime)
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closed
  }
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    calls,
    cut: (fault) => void (cutMatch = matcher(fault)),
    tamper: (fault) => void (tamperMatch = matcher(fault)),
    uploaded: (method, path) =>
      calls.filter((call) => call.method === method && path.test(call.path)).reduce((sum, call) => sum + call.bytes, 0),
    close,
  }
}

import { createServer, type Server } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rejection } from '../../support/rejection'
import type { Clock } from '../../../electron/http/http-clock'
import { createTransport, type HttpRequest, type Transport } from '../../../electron/http/transport'
import type { RegistryEndpoint, TlsTrust } from '../../../electron/http/client-types'
import { fakeClock, makeCertificates, startHttpsServer, startServer, waitFor, type TestServer } from './transport-servers'
import type { LabCertificates } from '../../lab/certs'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

function endpointOf(server: { url: string; host: string }): RegistryEndpoint {
  return { url: server.url, host: server.host, insecure: server.url.startsWith('http:') }
}

function transportFor(server: { url: string; host: string }, extra: { clock?: Clock; trust?: TlsTrust } = {}): Transport {
  const transport = createTransport({ endpoint: endpointOf(server), ...extra, readCertificate: () => Promise.resolve(undefined) })
  cleanups.push(() => transport.close())
  return transport
}

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler)
  cleanups.push(() => s.close())
  return s
}

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url, maxBytes: 1024 * 1024, operation: 'test', ...extra }
}

describe('redirects', () => {
  it('strips Authorization when a redirect leaves the registry origin', async () => {
    const storage = await server((_req, res) => res.end('blob'))
    const registry = await server((_req, res) => {
      res.writeHead(307, { location: `${storage.url}/bucket/blob?sig=1` })
      res.end()
    })
    const response = await transportFor(registry).request(get(`${registry.url}/v2/a/blobs/x`, { authorization: 'Bearer secret' }))
    expect(response.status).toBe(200)
    expect(new TextDecoder().decode(response.body)).toBe('blob')
    expect(registry.requests[0]?.headers.authorization).toBe('Bearer secret')
    expect(storage.requests).toHaveLength(1)
    expect(storage.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('keeps Authorization on a redirect within the registry origin', async () => {
    const registry = await server((req, res) => {
      if (req.url === '/first') {
        res.writeHead(302, { location: '/second' })
        res.end()
      } else res.end('ok')
    })
    await transportFor(registry).request(get(`${registry.url}/first`, { authorization: 'Basic abc' }))
    expect(registry.requests.map((r) => r.headers.authorization)).toEqual(['Basic abc', 'Basic abc'])
  })

  it('stops after five redirects', async () => {
    const registry = await server((req, res) => {
      res.writeHead(302, { location: `/loop${registry.requests.length}` })
      res.end()
    })
    const error = await rejection(transportFor(registry).request(get(`${registry.url}/start`)))
    expect(error.code).toBe('invalid_response')
    expect(registry.requests).toHaveLength(6)
  })
})

describe('https', () => {
  let certs: LabCertificates
  let dispose: () => Promise<void>
  beforeAll(async () => {
    ;({ certs, dispose } = await makeCertificates())
  }, 60_000)
  afterAll(async () => dispose())

  async function httpsServer(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
    const s = await startHttpsServer(certs, handler)
    cleanups.push(() => s.close())
    return s
  }

  it('refuses a redirect from https to http and never contacts the http host', async () => {
    const plain = await server((_req, res) => res.end('leak'))
    const secure = await httpsServer((_req, res) => {
      res.writeHead(307, { location: `${plain.url}/blob` })
      res.end()
    })
    const error = await rejection(
      transportFor(secure, { trust: { caPems: [certs.caPem] } }).request(get(`${secure.url}/v2/a/blobs/x`, { authorization: 'Bearer t' })),
    )
    expect(error.code).toBe('unsafe_redirect')
    expect(plain.requests).toHaveLength(0)
  })

  it('reports an untrusted certificate as tls_untrusted with the presented certificate', async () => {
    const secure = await httpsServer((_req, res) => res.end('ok'))
    const transport = createTransport({ endpoint: endpointOf(secure) })
    cleanups.push(() => transport.close())
    const error = await rejection(transport.request(get(`${secure.url}/v2/`)))
    expect(error.code).toBe('tls_untrusted')
    expect(error.data.certificate?.fingerprint256).toBe(certs.fingerprint256)
    expect(error.message).toContain(secure.host)
  })

  it('accepts the server when its CA is trusted for this registry and records the certificate', async () => {
    const secure = await httpsServer((_req, res) => res.end('ok'))
    const transport = transportFor(secure, { trust: { caPems: [certs.caPem] } })
    expect((await transport.request(get(`${secure.url}/v2/`))).status).toBe(200)
    expect(transport.lastCertificate(secure.url)?.fingerprint256).toBe(certs.fingerprint256)
  })

  it('accepts an untrusted server whose certificate matches the pinned fingerprint', async () => {
    const secure = await httpsServer((_req, res) => res.end('ok'))
    const transport = transportFor(secure, { trust: { caPems: [], pinnedFingerprint: certs.fingerprint256.toLowerCase() } })
    expect((await transport.request(get(`${secure.url}/v2/`))).status).toBe(200)
  })

  it('refuses a pinned server presenting another certificate before sending any request', async () => {
    const secure = await httpsServer((_req, res) => res.end('ok'))
    const wrongPin = certs.fingerprint256.replace(/^../, certs.fingerprint256.startsWith('00') ? '11' : '00')
    const transport = transportFor(secure, { trust: { caPems: [certs.caPem], pinnedFingerprint: wrongPin } })
    const error = await rejection(transport.request(get(`${secure.url}/v2/`, { authorization: 'Bearer secret' })))
    expect(error.code).toBe('tls_changed')
    expect(error.data.expectedFingerprint).toBe(wrongPin)
    expect(error.data.certificate?.fingerprint256).toBe(certs.fingerprint256)
    expect(secure.requests).toHaveLength(0)
  })
})

describe('retries and rate limits', () => {
  it('retries a 429 after Retry-After and then succeeds', async () => {
    const registry = await server((_req, res) => {
      if (registry.requests.length <= 2) {
        res.writeHead(429, { 'retry-after': '2' })
        res.end()
      } else res.end('ok')
    })
    const clock = fakeClock()
    const response = await transportFor(registry, { clock }).request(get(`${registry.url}/v2/a/tags/list`))
    expect(response.status).toBe(200)
    expect(registry.requests).toHaveLength(3)
    expect(clock.sleeps).toEqual([2000, 2000])
  })

  it('gives up after three retries with rate_limited, capping each wait at 10 s', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(429, { 'retry-after': '120', 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }))
    })
    const clock = fakeClock()
    const error = await rejection(transportFor(registry, { clock }).request(get(`${registry.url}/v2/a/tags/list`)))
    expect(error.code).toBe('rate_limited')
    expect(error.data.retryAfterSeconds).toBe(120)
    expect(registry.requests).toHaveLength(4)
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000])
  })

  it('backs off 1 s, 2 s, 4 s with jitter when no Retry-After is given', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(503)
      res.end()
    })
    const clock = fakeClock()
    const response = await transportFor(registry, { clock }).request(get(`${registry.url}/v2/`))
    expect(response.status).toBe(503)
    // fakeClock's jitter source returns 0.5: the midpoint of ±25 %.
    expect(clock.sleeps).toEqual([1000, 2000, 4000])
  })

  it('never retries a DELETE', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(429, { 'retry-after': '1' })
      res.end()
    })
    const clock = fakeClock()
    const response = await transportFor(registry, { clock }).request({
      method: 'DELETE',
      url: `${registry.url}/v2/a/manifests/x`,
      maxBytes: 1024,
      operation: 'delete',
    })
    expect(response.status).toBe(429)
    expect(registry.requests).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
  })

  it('makes concurrent requests to a host wait out its Retry-After together', async () => {
    const pending: { ms: number; resolve: () => void }[] = []
    let now = 0
    const clock: Clock = {
      now: () => now,
      random: () => 0.5,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          pending.push({ ms, resolve })
        }),
    }
    const registry = await server((_req, res) => {
      if (registry.requests.length === 1) {
        res.writeHead(429, { 'retry-after': '5' })
        res.end()
      } else res.end('ok')
    })
    const transport = transportFor(registry, { clock })
    const first = transport.request(get(`${registry.url}/v2/a`))
    await waitFor(() => pending.length === 1)
    const second = transport.request(get(`${registry.url}/v2/b`))
    await waitFor(() => pending.length === 2)
    expect(registry.requests).toHaveLength(1)
    expect(pending.map((p) => p.ms)).toEqual([5000, 5000])
    now += 5000
    for (const p of pending) p.resolve()
    expect((await first).status).toBe(200)
    expect((await second).status).toBe(200)
  })

  it('records Docker Hub rate-limit headers', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(200, { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })
      res.end('{}')
    })
    const transport = transportFor(registry)
    await transport.request(get(`${registry.url}/v2/a/manifests/latest`))
    expect(transport.rateLimit()).toEqual({ limit: 100, remaining: 76, windowSeconds: 21600 })
  })
})

describe('bodies and failures', () => {
  it('refuses a body larger than the cap announced by Content-Length', async () => {
    const registry = await server((_req, res) => res.end('x'.repeat(5000)))
    const error = await rejection(transportFor(registry).request(get(`${registry.url}/v2/`, { maxBytes: 1000 })))
    expect(error.code).toBe('invalid_response')
    expect(error.message).toContain('answered more than 1000 bytes')
  })

  it('stops reading a streamed body as soon as it exceeds the cap', async () => {
    const registry = await server((_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      for (let i = 0; i < 10; i++) res.write('y'.repeat(500))
      res.end()
    })
    const error = await rejection(transportFor(registry).request(get(`${registry.url}/v2/`, { maxBytes: 1000 })))
    expect(error.code).toBe('invalid_response')
    expect(error.message).toContain('answered more than 1000 bytes')
  })

  it('reports a connection reset as a network error naming the host', async () => {
    const registry = await server((req) => req.socket.destroy())
    const error = await rejection(transportFor(registry).request(get(`${registry.url}/v2/`)))
    expect(error.code).toBe('network')
    expect(error.message).toContain(registry.host)
  })

  it('reports a refused connection as a network error naming the host', async () => {
    const placeholder: Server = createServer()
    await new Promise<void>((resolve) => placeholder.listen(0, '127.0.0.1', resolve))
    const address = placeholder.address()
    const port = typeof address === 'object' && address ? address.port : 0
    await new Promise<void>((resolve) => placeholder.close(() => resolve()))
    const target = { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` }
    const error = await rejection(transportFor(target).request(get(`${target.url}/v2/`)))
    expect(error.code).toBe('network')
    expect(error.message).toContain(target.host)
  })

  it('reports a server that never answers as a timeout', async () => {
    const registry = await server(() => undefined)
    const transport = createTransport({ endpoint: endpointOf(registry), headersTimeoutMs: 200 })
    cleanups.push(() => transport.close())
    const error = await rejection(transport.request(get(`${registry.url}/v2/`)))
    expect(error.code).toBe('timeout')
    expect(error.message).toContain(registry.host)
  })
})

// Small real HTTP(S) servers on 127.0.0.1 for protocol edge cases (429, redirects, garbage bodies,
// challenges), plus a fake clock so backoff tests do not wait. Each server records what it received.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../../electron/http/http-clock'
import { generateCertificates, type LabCertificates } from '../../lab/certs'

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, index: number) => void

export interface TestServer {
  url: string
  host: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

async function listen(server: Server, scheme: 'http' | 'https', requests: RecordedRequest[]): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function wrap(handler: Handler, requests: RecordedRequest[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const index = requests.length
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      handler(req, res, body, index)
    })
  }
}

export function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = []
  return listen(createHttpServer(wrap(handler, requests)), 'http', requests)
}

export function startHttpsServer(certs: LabCertificates, handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = []
  return listen(createHttpsServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, wrap(handler, requests)), 'https', requests)
}

/** A throw-away CA + server certificate for 127.0.0.1 (openssl), removed by `dispose`. */
export async function makeCertificates(): Promise<{ certs: LabCertificates; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-transport-test-'))
  const certs = await generateCertificates(dir)
  return { certs, dispose: () => rm(dir, { recursive: true, force: true }) }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

export interface FakeClock extends Clock {
  sleeps: number[]
  advance(ms: number): void
}

/** Time moves only when something sleeps (or the test advances it): backoff costs no real time. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')): FakeClock {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms)
      now += ms
      return Promise.resolve()
    },
    advance: (ms) => {
      now += ms
    },
  }
}

/** Polls `condition` until true or the deadline passes (no fixed sleeps). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startLatencyProxy, type LatencyProxy } from '../../../bench/latency-proxy'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A loopback TCP server running `handler` per connection. */
async function serve(handler: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>()
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => undefined)
    handler(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return (server.address() as AddressInfo).port
}

async function proxyTo(
  port: number,
  options: { delayMs: number; maxConnections?: number; maxQueuedBytes?: number; lifetimeMs?: number },
): Promise<LatencyProxy> {
  const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port }, ...options })
  cleanups.push(() => proxy.close())
  return proxy
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket))
    socket.once('error', reject)
    cleanups.push(() => Promise.resolve(void socket.destroy()))
  })
}

/** Everything the socket sends until it ends. */
function readAll(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('end', () => resolve(Buffer.concat(chunks)))
    socket.once('error', reject)
  })
}

async function roundTripMs(port: number): Promise<number> {
  const socket = await open(port)
  const start = performance.now()
  const reply = new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.write('ping')
  await reply
  const ms = performance.now() - start
  socket.destroy()
  return ms
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

describe('the latency proxy', () => {
  it('adds the delay in each direction, so a round trip gains twice the delay', async () => {
    const echo = await serve((socket) => socket.pipe(socket))
    const direct = await proxyTo(echo, { delayMs: 0 })
    const delayed = await proxyTo(echo, { delayMs: 25 })
    expect(await roundTripMs(delayed.port)).toBeGreaterThanOrEqual(49)
    expect(await roundTripMs(direct.port)).toBeLessThan(49)
  })

  it('forwards a large transfer byte for byte, pausing the reader while its queue is full', async () => {
    const payload = randomBytes(3 * 1024 * 1024)
    const sink = new Promise<Buffer>((resolve) => {
      void serve((socket) => void readAll(socket).then(resolve)).then(async (port) => {
        const proxy = await proxyTo(port, { delayMs: 5, maxQueuedBytes: 64 * 1024 })
        const client = await open(proxy.port)
        client.end(payload)
        const received = await sink
        expect(proxy.stats().pauses).toBeGreaterThan(0)
        expect(proxy.stats().bytesUp).toBe(payload.byteLength)
        return received
      })
    })
    expect(sha(await sink)).toBe(sha(payload))
  })

  it('delivers a response the server sends just before closing, before passing the close on', async () => {
    const response = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello')
    const server = await serve((socket) => socket.once('data', () => socket.end(response)))
    const proxy = await proxyTo(server, { delayMs: 25 })
    const client = await open(proxy.port)
    const received = readAll(client)
    client.write('HEAD / HTTP/1.1\r\n\r\n')
    expect((await received).toString()).toBe(response.toString())
  })

  it('refuses connections beyond its limit and counts them', async () => {
    const echo = await serve((socket) => socket.pipe(socket))
    const proxy = await proxyTo(echo, { delayMs: 0, maxConnections: 2 })
    await Promise.all([roundTripHold(proxy.port), roundTripHold(proxy.port)])
    const third = await open(proxy.port)
    await new Promise<void>((resolve) => third.once('close', () => resolve()))
    expect(proxy.stats()).toMatchObject({ accepted: 2, refused: 1, active: 2, peakActive: 2 })
  })

  it('closes itself when its lifetime is over', async () => {
    const echo = await serve((socket) => socket.pipe(socket))
    const proxy = await proxyTo(echo, { delayMs: 0, lifetimeMs: 50 })
    const client = await open(proxy.port)
    const clientClosed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    await proxy.closed
    await clientClosed
    await expect(open(proxy.port)).rejects.toThrow(/ECONNREFUSED/)
  })
})

/** Opens a connection through the proxy and proves it is forwarded (kept open for the test). */
async function roundTripHold(port: number): Promise<Socket> {
  const socket = await open(port)
  const reply = new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.write('x')
  await reply
  return socket
}

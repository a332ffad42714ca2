// A TCP proxy that adds latency, so the bench can show what a real network does to Berth: every
// chunk is held `delayMs` before it is forwarded, in each direction, so one round trip gains
// 2 × delayMs. It forwards bytes unchanged (TLS passes through end to end) and is bounded: a
// connection cap, a per-direction buffer cap (reading pauses, which is TCP backpressure to the
// sender) and a lifetime after which it closes itself even if the bench forgot to.
import { createServer, Socket, type AddressInfo } from 'node:net'

export interface LatencyProxyOptions {
  target: { host: string; port: number }
  /** Delay per chunk in each direction (one way). */
  delayMs: number
  /** Connections beyond this are closed at once (counted as refused). Default 256. */
  maxConnections?: number
  /** Bytes held per direction before the proxy stops reading from that side. Default 4 MiB. */
  maxQueuedBytes?: number
  /** The proxy closes itself this long after it started. Default 10 minutes. */
  lifetimeMs?: number
}

export interface LatencyProxyStats {
  accepted: number
  refused: number
  active: number
  peakActive: number
  /** client → target bytes */
  bytesUp: number
  /** target → client bytes */
  bytesDown: number
  /** times a direction paused because its queue was full */
  pauses: number
}

export interface LatencyProxy {
  /** 127.0.0.1:<port> */
  readonly host: string
  readonly port: number
  stats(): LatencyProxyStats
  /** Stops listening and destroys every connection; idempotent. */
  close(): Promise<void>
  /** Resolves once the proxy is closed (by close() or by its lifetime). */
  readonly closed: Promise<void>
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const delayMs = Math.max(0, options.delayMs)
  const maxConnections = options.maxConnections ?? 256
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024
  const lifetimeMs = options.lifetimeMs ?? 10 * 60_000
  const sockets = new Set<Socket>()
  const counters: LatencyProxyStats = { accepted: 0, refused: 0, active: 0, peakActive: 0, bytesUp: 0, bytesDown: 0, pauses: 0 }
  let closing = false
  let markClosed: () => void = () => undefined
  const closed = new Promise<void>((resolve) => (markClosed = resolve))

  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }

  /** Forwards `from` → `to`, each chunk `delayMs` late, in order (same-delay timers fire FIFO). */
  const pipeDelayed = (from: Socket, to: Socket, count: (bytes: number) => void): void => {
    let queued = 0
    let writerBlocked = false
    const maybeResume = (): void => {
      if (from.isPaused() && !writerBlocked && queued <= maxQueuedBytes / 2 && !from.destroyed) from.resume()
    }
    to.on('drain', () => {
      writerBlocked = false
      maybeResume()
    })
    from.on('data', (chunk: Buffer) => {
      count(chunk.byteLength)
      queued += chunk.byteLength
      if (queued > maxQueuedBytes && !from.isPaused()) {
        counters.pauses++
        from.pause()
      }
      setTimeout(() => {
        queued -= chunk.byteLength
        if (to.destroyed) return
        if (!to.write(chunk)) writerBlocked = true
        maybeResume()
      }, delayMs)
    })
    // A half-close travels with the same delay, after the data that preceded it (sockets are
    // allowHalfOpen, so the other direction keeps flowing: a server's FIN right after its
    // response must not cut the delayed response short). An abrupt close (no FIN) is passed on
    // as one, also after the data already queued.
    from.on('end', () => setTimeout(() => to.end(), delayMs))
    from.on('close', () =>
      setTimeout(() => {
        if (!to.writableEnded) to.destroy()
      }, delayMs),
    )
  }

  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) => {
    if (closing || counters.active >= maxConnections) {
      counters.refused++
      client.destroy()
      return
    }
    counters.accepted++
    counters.active++
    counters.peakActive = Math.max(counters.peakActive, counters.active)
    track(client)
    // Explicitly paused, so attaching the data listener does not start reading before upstream is up.
    client.pause()
    client.setNoDelay(true)
    const upstream = new Socket({ allowHalfOpen: true })
    track(upstream)
    upstream.setNoDelay(true)
    let open = 2
    const closed = (): void => {
      if (--open === 0) counters.active--
    }
    client.once('close', closed)
    upstream.once('close', closed)
    // An error on one side ends both at once: there is nothing sensible left to forward.
    const fail = (): void => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', fail)
    upstream.on('error', fail)
    pipeDelayed(client, upstream, (n) => (counters.bytesUp += n))
    pipeDelayed(upstream, client, (n) => (counters.bytesDown += n))
    upstream.connect(options.target.port, options.target.host, () => client.resume())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  const close = async (): Promise<void> => {
    if (!closing) {
      closing = true
      clearTimeout(lifetime)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      markClosed()
    }
    return closed
  }
  // unref: the timer alone must not keep a finished bench alive; the open server does until close().
  const lifetime = setTimeout(() => void close(), lifetimeMs)
  lifetime.unref()

  return {
    host: `127.0.0.1:${port}`,
    port,
    stats: () => ({ ...counters }),
    close,
    closed,
  }
}

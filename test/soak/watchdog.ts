// Bounds for the soak itself: every operation and every iteration races a timer, and one global
// watchdog ends the whole run when it overruns. The global watchdog has two layers: a timer on
// the main thread (prints what was running, lets the lab's exit hooks kill its registries, exits
// 2), and a worker thread that SIGKILLs the process shortly after, in case the main thread's
// event loop is blocked and the first timer can never fire. The lab starts its registries under
// `setpriv --pdeathsig SIGKILL`, so even that leaves no registry behind.
import { writeSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

export class BoundExceeded extends Error {
  constructor(
    readonly what: string,
    readonly boundMs: number,
  ) {
    super(`${what} did not end within ${Math.round(boundMs / 1000)} s`)
    this.name = 'BoundExceeded'
  }
}

/** Resolves or rejects like `promise`, or rejects with BoundExceeded once `boundMs` has passed. */
export async function withinBound<T>(what: string, boundMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BoundExceeded(what, boundMs)), boundMs)
  })
  try {
    return await Promise.race([promise, expired])
  } finally {
    clearTimeout(timer)
  }
}

export interface GlobalWatchdog {
  /** Resolves once the worker runs: its thread opens descriptors of its own, which belong in the soak's baseline. */
  ready: Promise<void>
  /** Moves the deadline (the setup phase has its own, the loop another). */
  arm(deadlineMs: number, reason: string): void
  stop(): Promise<void>
}

/** How long the worker waits after the main-thread deadline before it kills the process. */
const killGraceMs = 20_000

const workerSource = `
const { parentPort } = require('node:worker_threads')
const { writeSync } = require('node:fs')
let timer = null
parentPort.postMessage('ready')
parentPort.on('message', ({ atMs, message }) => {
  clearTimeout(timer)
  if (atMs === null) return
  timer = setTimeout(() => {
    writeSync(2, message)
    process.kill(process.pid, 'SIGKILL')
  }, Math.max(0, atMs - Date.now()))
})
`

export function startGlobalWatchdog(describeState: () => string, onExpire: () => void): GlobalWatchdog {
  let timer: NodeJS.Timeout | undefined
  const worker = new Worker(workerSource, { eval: true })
  // The watchdog must never be what keeps the soak alive.
  worker.unref()
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  return {
    ready,
    arm(deadlineMs, reason) {
      clearTimeout(timer)
      const atMs = Date.now() + deadlineMs
      timer = setTimeout(() => {
        writeSync(2, `\nsoak: WATCHDOG: ${reason} (${Math.round(deadlineMs / 1000)} s) passed; ${describeState()}\n`)
        onExpire()
        process.exit(2)
      }, deadlineMs)
      timer.unref()
      worker.postMessage({
        atMs: atMs + killGraceMs,
        message: `\nsoak: WATCHDOG: still running ${killGraceMs / 1000} s after "${reason}" passed: killing the process (SIGKILL)\n`,
      })
    },
    async stop() {
      clearTimeout(timer)
      worker.postMessage({ atMs: null, message: '' })
      await worker.terminate()
    },
  }
}

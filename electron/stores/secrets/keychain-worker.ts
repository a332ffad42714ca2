// Runs @napi-rs/keyring calls on a worker thread. The library's constructor connects to the
// Secret Service synchronously (D-Bus connect + auth): on a bus that accepts but never answers it
// blocks its thread indefinitely, which on the main thread would freeze the whole app and make any
// timeout impossible. On a worker, the caller's deadline still fires; a worker that missed its
// deadline is abandoned (terminated, unref'd) and the next call gets a fresh one, so a late answer
// can never apply a write the user was told had failed.
import { Worker } from 'node:worker_threads'
import { z } from 'zod'

export type KeychainOperation =
  { op: 'get'; account: string } | { op: 'set'; account: string; secret: string } | { op: 'delete'; account: string }

const replySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), value: z.union([z.string(), z.boolean(), z.null()]) }),
  z.object({ id: z.number(), ok: z.literal(false), message: z.string() }),
])

// Plain CommonJS so it needs no TypeScript loader or bundler entry: the same string works under
// tsx, vitest and the electron-vite bundle. Uses the synchronous Entry API (blocking is the point
// of being on a worker). `store: 'secret-service'` on Linux: see keychain-store.ts.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')
let keyring = null
let loadError = null
try { keyring = createRequire(workerData.base)('@napi-rs/keyring') } catch (error) { loadError = error }
const message = (error) => (error && error.message) ? String(error.message) : String(error)
parentPort.on('message', (m) => {
  try {
    if (keyring === null) throw loadError
    const entry = new keyring.Entry(workerData.service, m.account, { linux: { store: 'secret-service' } })
    let value = null
    if (m.op === 'get') value = entry.getPassword() ?? null
    else if (m.op === 'set') entry.setPassword(m.secret)
    else value = entry.deleteCredential()
    parentPort.postMessage({ id: m.id, ok: true, value })
  } catch (error) {
    parentPort.postMessage({ id: m.id, ok: false, message: message(error) })
  }
})
`

export class KeychainCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'failed',
  ) {
    super(message)
    this.name = 'KeychainCallError'
  }
}

interface Pending {
  resolve(value: string | boolean | null): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

export interface KeychainWorker {
  call(operation: KeychainOperation, timeoutMs: number): Promise<string | boolean | null>
  close(): Promise<void>
}

export function createKeychainWorker(service: string): KeychainWorker {
  let worker: Worker | null = null
  let nextId = 1
  const pending = new Map<number, Pending>()

  function abandon(reason: Error): void {
    const current = worker
    worker = null
    for (const [id, call] of pending) {
      clearTimeout(call.timer)
      call.reject(reason)
      pending.delete(id)
    }
    // terminate() cannot interrupt a blocked native call; unref keeps it from holding the process.
    current?.unref()
    void current?.terminate().catch(() => undefined)
  }

  function ensureWorker(): Worker {
    if (worker !== null) return worker
    const created = new Worker(workerSource, { eval: true, workerData: { base: import.meta.url, service } })
    created.on('message', (raw: unknown) => {
      const reply = replySchema.safeParse(raw)
      if (!reply.success) return
      const call = pending.get(reply.data.id)
      if (call === undefined) return
      pending.delete(reply.data.id)
      clearTimeout(call.timer)
      if (reply.data.ok) call.resolve(reply.data.value)
      else call.reject(new KeychainCallError(reply.data.message, 'failed'))
    })
    created.on('error', (error) => {
      if (worker === created) abandon(new KeychainCallError(error.message, 'failed'))
    })
    created.on('exit', () => {
      if (worker === created) abandon(new KeychainCallError('the keychain worker stopped', 'failed'))
    })
    // After the listeners: adding a 'message' listener refs the worker's port again.
    created.unref()
    worker = created
    return created
  }

  return {
    call(operation, timeoutMs) {
      const target = ensureWorker()
      const id = nextId++
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new KeychainCallError(`no answer within ${timeoutMs} ms (is the keyring locked?)`, 'timeout'))
          // The worker may be stuck inside the native call: never reuse it.
          if (worker === target) abandon(new KeychainCallError('an earlier keychain call did not answer in time', 'timeout'))
        }, timeoutMs)
        pending.set(id, { resolve, reject, timer })
        target.postMessage({ id, ...operation })
      })
    },
    async close() {
      const current = worker
      worker = null
      await current?.terminate()
    },
  }
}

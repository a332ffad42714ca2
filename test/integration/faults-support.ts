// Shared by the faults-*.test.ts files: a real registry client pointed at a fault proxy, and the
// assertion every fault test makes — the operation ended with this BerthError code, naming the cause.
import { expect } from 'vitest'
import { isBerthError, type BerthError, type ErrorCode } from '../../shared/errors'
import { createRegistryClient } from '../../electron/http/registry-client'
import type { RegistryClient, RegistryCredential } from '../../electron/http/client-types'
import type { LabUser } from '../lab/lab-client'
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../lab/fault-proxy'

export interface FaultSession {
  proxy: FaultProxy
  client: RegistryClient
  close(): Promise<void>
}

export async function faultSession(options: FaultProxyOptions & { user?: LabUser; caPems?: string[] }): Promise<FaultSession> {
  const proxy = await startFaultProxy({ lifetimeMs: 60_000, ...options })
  const user = options.user
  const credential: RegistryCredential | null = user ? { kind: 'basic', username: user.username, password: user.password } : null
  const client = createRegistryClient({
    endpoint: { url: proxy.url, host: proxy.host, insecure: proxy.url.startsWith('http:') },
    credentials: () => Promise.resolve(credential),
    ...(options.caPems ? { trust: { caPems: options.caPems } } : {}),
  })
  return {
    proxy,
    client,
    async close() {
      await client.close()
      await proxy.close()
    },
  }
}

/** Awaits `promise`, which must reject with a BerthError of `code` whose message matches `cause`. */
export async function expectBerthError(promise: Promise<unknown>, code: ErrorCode, cause: RegExp): Promise<BerthError> {
  let caught: unknown = null
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(isBerthError(caught), `expected a BerthError, got ${String(caught)}`).toBe(true)
  const error = caught as BerthError
  expect({ code: error.code, message: error.message }).toEqual({ code, message: matching(cause) })
  return error
}

/** Milliseconds `fn` took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - started }
}

/** An asymmetric matcher for a message, typed for object literals. */
export function matching(pattern: RegExp): unknown {
  const matcher: unknown = expect.stringMatching(pattern)
  return matcher
}

// Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
// through @napi-rs/keyring, service `berth`. There is deliberately no plain-file fallback: when the
// keychain is unavailable the user gets an error with a way out, not a secret on disk.
// On Linux the store is pinned to the Secret Service (keychain-host.ts): the keyring crate would
// otherwise fall back to the kernel keyring, which forgets everything at logout — a login that
// silently vanishes is worse than a clear error.
// Every call is bounded (a deadline, then the process running it is killed) and can be cancelled: a
// locked keyring can hang (docs/registry-notes.md, Docker config.json: credential helpers are run
// with a timeout for the same reason), and Berth must answer and exit regardless.
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'
import {
  defaultKeychainHostLauncher,
  type KeychainHost,
  type KeychainHostLauncher,
  type KeychainOperation,
  type KeychainRequest,
} from './keychain-host'
import type { SecretCallOptions, SecretStore } from './secret-store'

export const keychainService = 'berth'

/** The README's promise: with no keychain available, Berth says so within 2 s. */
export const defaultKeychainTimeoutMs = 2_000
/** Overrides the default deadline (tests, or a slow keychain): a positive number of milliseconds. */
export const keychainTimeoutEnv = 'BERTH_KEYCHAIN_TIMEOUT_MS'

export interface KeychainStoreOptions {
  service?: string
  /**
   * Per call, from when it reaches the keychain process to its answer. A stuck Secret Service or an
   * unlock prompt nobody answers can block forever: default 2 s, or BERTH_KEYCHAIN_TIMEOUT_MS.
   */
  timeoutMs?: number
  /**
   * After a call missed its deadline, later calls fail at once for this long instead of waiting out
   * the deadline again each; then the keychain is tried afresh. Default 30 s (a CLI run never gets
   * there; the desktop app recovers once the user has unlocked the keyring).
   */
  retryAfterMs?: number
  /** Read for BERTH_KEYCHAIN_TIMEOUT_MS; default process.env. */
  env?: NodeJS.ProcessEnv
  /**
   * Where calls run: default a child process (killed when a call misses its deadline). The Electron
   * shell should pass one built on utilityProcess (keychain-host.ts explains why).
   */
  launch?: KeychainHostLauncher
  /** Names the keychain in messages; default process.platform. */
  platform?: NodeJS.Platform
}

export interface KeychainStore extends SecretStore {
  /** Kills the keychain process and fails every pending call as cancelled. Never needed to exit. */
  close(): Promise<void>
}

/** Why a keychain call failed, on the `cause` of the BerthError (see keychainFailureOf). */
export type KeychainFailureKind =
  /** The backend answered with an error (no Secret Service, access denied, …): nothing was written. */
  | 'failed'
  /** No answer within the deadline; the process running it was killed. A write's outcome is unknown. */
  | 'timeout'
  /** Not attempted: an earlier call missed its deadline, or the one before it in line did. */
  | 'skipped'
  /** The caller aborted it or closed the store. */
  | 'cancelled'

export class KeychainCallError extends Error {
  constructor(
    message: string,
    readonly kind: KeychainFailureKind,
    readonly operation: KeychainOperation['op'],
  ) {
    super(message)
    this.name = 'KeychainCallError'
  }
}

/** The failure behind a BerthError from this store, or null for any other error. */
export function keychainFailureOf(error: unknown): KeychainCallError | null {
  return error instanceof BerthError && error.cause instanceof KeychainCallError ? error.cause : null
}

const operationNames = { get: 'read', set: 'write', delete: 'delete' } as const

function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'The macOS Keychain'
  if (platform === 'win32') return 'The Windows Credential Manager'
  return 'The system keychain (the Secret Service on the D-Bus session bus)'
}

const whatToCheck: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'Unlock your login keychain (Keychain Access) and try again',
  win32: 'Check that the Credential Manager service is running and try again',
}
const whatToCheckOnLinux =
  'Unlock your keyring and check that gnome-keyring or KWallet is running on your session bus (DBUS_SESSION_BUS_ADDRESS), then try again'

function unavailableFix(platform: NodeJS.Platform): string {
  const where = whatToCheck[platform] ?? whatToCheckOnLinux
  return `${where}; or pass credentials for one call with --username and --password-stdin. Berth never stores secrets in a file.`
}

function durationText(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`
}

function keychainTimeoutFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env[keychainTimeoutEnv])
  return Number.isFinite(value) && value > 0 ? value : undefined
}

const replySchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), value: z.union([z.string(), z.boolean(), z.null()]) }),
  z.object({ id: z.number(), ok: z.literal(false), message: z.string() }),
])

interface QueuedCall {
  request: KeychainRequest
  resolve(value: string | boolean | null): void
  reject(error: Error): void
  /** Detaches the abort listener once the call is settled. */
  release(): void
}

export function createKeychainStore(options: KeychainStoreOptions = {}): KeychainStore {
  const service = options.service ?? keychainService
  const timeoutMs = options.timeoutMs ?? keychainTimeoutFrom(options.env ?? process.env) ?? defaultKeychainTimeoutMs
  const retryAfterMs = options.retryAfterMs ?? 30_000
  const launch = options.launch ?? defaultKeychainHostLauncher()
  const platform = options.platform ?? process.platform
  const queue: QueuedCall[] = []
  let inFlight: { call: QueuedCall; timer: NodeJS.Timeout } | null = null
  let host: KeychainHost | null = null
  let nextId = 1
  /** Until when calls fail at once after a missed deadline (0: ask the keychain). */
  let stuckUntil = 0

  function unavailable(failure: KeychainCallError): BerthError {
    const operation = operationNames[failure.operation]
    const keychain = keychainName(platform)
    const deadline = durationText(timeoutMs)
    let message: string
    if (failure.kind === 'timeout') {
      message = `${keychain} did not answer within ${deadline} (${operation}): it may be locked, or the service behind it is stuck.`
    } else if (failure.kind === 'skipped') {
      message = `${keychain} did not answer within ${deadline} earlier in this run, so Berth did not ask it again (${operation}).`
    } else {
      // Bound what reaches the user: some backends put long D-Bus dumps in the message.
      const detail = failure.message.length > 300 ? `${failure.message.slice(0, 300)}…` : failure.message
      message = `${keychain} is unavailable (${operation}): ${detail}`
    }
    return new BerthError({ code: 'keychain_unavailable', message, fix: unavailableFix(platform) }, { cause: failure })
  }

  function cancelled(failure: KeychainCallError): BerthError {
    return new BerthError(
      { code: 'cancelled', message: `The keychain ${operationNames[failure.operation]} was cancelled.` },
      { cause: failure },
    )
  }

  function fail(call: QueuedCall, kind: KeychainFailureKind, message: string): void {
    call.release()
    const failure = new KeychainCallError(message, kind, call.request.op)
    call.reject(kind === 'cancelled' ? cancelled(failure) : unavailable(failure))
  }

  function killHost(): void {
    host?.kill()
    host = null
  }

  function startHost(): KeychainHost {
    // Events from a host that was since replaced or killed are ignored: a late answer must never
    // settle (or apply to) a call the user was already told had failed.
    const started: KeychainHost = launch(service, {
      reply(raw) {
        if (host === started) answered(raw)
      },
      exit(reason) {
        if (host !== started) return
        host = null
        // Whatever was in it is lost; the rest of the line is failed too rather than respawning the
        // process once per queued call.
        if (inFlight !== null) {
          clearTimeout(inFlight.timer)
          fail(inFlight.call, 'failed', reason)
          inFlight = null
        }
        for (const call of queue.splice(0)) fail(call, 'failed', reason)
      },
    })
    return started
  }

  function answered(raw: unknown): void {
    const reply = replySchema.safeParse(raw)
    if (!reply.success || inFlight === null || reply.data.id !== inFlight.call.request.id) return
    const { call, timer } = inFlight
    clearTimeout(timer)
    inFlight = null
    if (reply.data.ok) {
      call.release()
      call.resolve(reply.data.value)
    } else {
      fail(call, 'failed', reply.data.message)
    }
    dispatch()
  }

  function timedOut(): void {
    if (inFlight === null) return
    const { call } = inFlight
    inFlight = null
    // The process may be inside a native call that never returns: kill it, never reuse it.
    killHost()
    stuckUntil = Date.now() + retryAfterMs
    fail(call, 'timeout', `no answer within ${timeoutMs} ms`)
    for (const waiting of queue.splice(0)) fail(waiting, 'skipped', 'an earlier keychain call did not answer in time')
  }

  /** Sends the next call when none is in flight: one at a time, each with its own deadline. */
  function dispatch(): void {
    if (inFlight !== null) return
    const call = queue.shift()
    if (call === undefined) return
    host ??= startHost()
    // The timer is what keeps the process alive while a call is pending: the host never does.
    inFlight = { call, timer: setTimeout(timedOut, timeoutMs) }
    host.send(call.request)
  }

  function cancel(call: QueuedCall): void {
    if (inFlight?.call === call) {
      clearTimeout(inFlight.timer)
      inFlight = null
      // It may still complete inside the process: kill it so a cancelled write cannot land later.
      killHost()
      fail(call, 'cancelled', 'aborted')
      dispatch()
      return
    }
    const index = queue.indexOf(call)
    if (index === -1) return
    queue.splice(index, 1)
    fail(call, 'cancelled', 'aborted')
  }

  function call(operation: KeychainOperation, callOptions: SecretCallOptions = {}): Promise<string | boolean | null> {
    return new Promise((resolve, reject) => {
      const signal = callOptions.signal
      const queued: QueuedCall = { request: { ...operation, id: nextId++ }, resolve, reject, release: () => undefined }
      if (signal?.aborted) return fail(queued, 'cancelled', 'aborted before it started')
      if (Date.now() < stuckUntil) return fail(queued, 'skipped', 'an earlier keychain call did not answer in time')
      if (signal !== undefined) {
        const onAbort = (): void => cancel(queued)
        signal.addEventListener('abort', onAbort, { once: true })
        queued.release = () => signal.removeEventListener('abort', onAbort)
      }
      queue.push(queued)
      dispatch()
    })
  }

  return {
    async get(account, callOptions) {
      const value = await call({ op: 'get', account }, callOptions)
      return typeof value === 'string' ? value : null
    },
    async set(account, secret, callOptions) {
      await call({ op: 'set', account, secret }, callOptions)
    },
    async delete(account, callOptions) {
      return (await call({ op: 'delete', account }, callOptions)) === true
    },
    close() {
      const pending = [...(inFlight === null ? [] : [inFlight.call]), ...queue.splice(0)]
      if (inFlight !== null) clearTimeout(inFlight.timer)
      inFlight = null
      killHost()
      for (const waiting of pending) fail(waiting, 'cancelled', 'the keychain store was closed')
      return Promise.resolve()
    },
  }
}

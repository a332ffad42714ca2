// Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
// through @napi-rs/keyring, service `berth`. There is deliberately no plain-file fallback: when the
// keychain is unavailable the user gets an error with a way out, not a secret on disk.
// On Linux the store is pinned to the Secret Service (keychain-worker.ts): the keyring crate would
// otherwise fall back to the kernel keyring, which forgets everything at logout — a login that
// silently vanishes is worse than a clear error.
import { BerthError } from '../../../shared/errors'
import { createKeychainWorker, KeychainCallError, type KeychainOperation } from './keychain-worker'
import type { SecretStore } from './secret-store'

export const keychainService = 'berth'

export interface KeychainStoreOptions {
  service?: string
  /** Per call. A locked keyring can block on an unlock prompt forever: default 3 s. */
  timeoutMs?: number
}

export interface KeychainStore extends SecretStore {
  /** Stops the worker thread (it is unref'd: not calling this never keeps a process alive). */
  close(): Promise<void>
}

const unavailableFix =
  'Unlock your keyring, or start a Secret Service such as gnome-keyring (Linux); or pass credentials for one call with --username and --password-stdin.'

const operationNames = { get: 'read', set: 'write', delete: 'delete' } as const

function unavailable(operation: KeychainOperation['op'], error: unknown): BerthError {
  const raw = error instanceof Error ? error.message : String(error)
  // Bound what reaches the user: some backends put long D-Bus dumps in the message.
  const detail = raw.length > 300 ? `${raw.slice(0, 300)}…` : raw
  return new BerthError(
    {
      code: 'keychain_unavailable',
      message: `The system keychain is unavailable (${operationNames[operation]}): ${detail}`,
      fix: unavailableFix,
    },
    { cause: error },
  )
}

export function createKeychainStore(options: KeychainStoreOptions = {}): KeychainStore {
  const worker = createKeychainWorker(options.service ?? keychainService)
  const timeoutMs = options.timeoutMs ?? 3_000
  async function call(operation: KeychainOperation): Promise<string | boolean | null> {
    try {
      return await worker.call(operation, timeoutMs)
    } catch (error) {
      if (error instanceof KeychainCallError) throw unavailable(operation.op, error)
      throw error
    }
  }
  return {
    async get(account) {
      const value = await call({ op: 'get', account })
      return typeof value === 'string' ? value : null
    },
    async set(account, secret) {
      await call({ op: 'set', account, secret })
    },
    async delete(account) {
      return (await call({ op: 'delete', account })) === true
    },
    close: () => worker.close(),
  }
}

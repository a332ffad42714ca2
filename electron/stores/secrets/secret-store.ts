// The seam between Berth and wherever secrets live. The real one is the OS keychain
// (keychain-store.ts); the in-memory one serves unit tests and one-call CLI credentials
// (`--username … --password-stdin`), which must never be stored.

/**
 * Accounts: `<profile id>` holds the password or token, `<profile id>:refresh` an OAuth2 refresh
 * token (or docker's identitytoken).
 */
export interface SecretStore {
  get(account: string, options?: SecretCallOptions): Promise<string | null>
  set(account: string, secret: string, options?: SecretCallOptions): Promise<void>
  /** true when something was deleted. */
  delete(account: string, options?: SecretCallOptions): Promise<boolean>
}

export interface SecretCallOptions {
  /** Aborting fails the call as `cancelled` (a keychain call already running is killed, not awaited). */
  signal?: AbortSignal
}

export const refreshAccount = (profileId: string): string => `${profileId}:refresh`

/** Secrets in a Map for the life of the process: nothing touches the disk. */
export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const secrets = new Map(Object.entries(initial))
  return {
    get: (account) => Promise.resolve(secrets.get(account) ?? null),
    set: (account, secret) => {
      secrets.set(account, secret)
      return Promise.resolve()
    },
    delete: (account) => Promise.resolve(secrets.delete(account)),
  }
}

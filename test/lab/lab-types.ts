import type { LabTruth } from './truth'

export type { LabTruth, TruthPlatform, TruthTag } from './truth'

export type LabInstanceName = 'open' | 'basic' | 'token' | 'tls' | 'noDelete' | 'paging' | 'tlsRealm'
export const LAB_INSTANCE_NAMES: readonly LabInstanceName[] = ['open', 'basic', 'token', 'tls', 'noDelete', 'paging', 'tlsRealm']

export interface LabRegistry {
  name: string
  /** e.g. http://127.0.0.1:41234 */
  url: string
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string
  /**
   * Fixture repositories this instance serves: all of them on `open` and `paging`; every one but
   * perf/many elsewhere (its ~11,000 small files made per-instance copies too slow).
   */
  repositories: string[]
}

export interface LabUser {
  username: string
  password: string
}

export interface LabUsers {
  reader: LabUser
  writer: LabUser
  admin: LabUser
}

export type LabTokenRegistry = LabRegistry & { realm: string; service: string }

export type LabTlsRegistry = LabTokenRegistry & {
  caPem: string
  caPath: string
  serverCertPem: string
  /** SHA-256 of the server certificate, AA:BB:… */
  fingerprint256: string
}

/**
 * HTTPS on 127.0.0.1 whose token realm is on another host name and port (https://localhost:<port>,
 * as a GitLab registry's realm lives on the GitLab host), each with its own certificate from the
 * lab CA naming only its host: trusting one never trusts the other; the CA covers both.
 */
export type LabTlsRealmRegistry = LabTokenRegistry & {
  caPem: string
  caPath: string
  serverCertPem: string
  /** SHA-256 of the registry's certificate (IP:127.0.0.1 only). */
  fingerprint256: string
  /** localhost:port of the realm. */
  realmHost: string
  realmCertPem: string
  /** SHA-256 of the realm's certificate (DNS:localhost only). */
  realmFingerprint256: string
}

export interface LabIssuerInfo {
  /** http://127.0.0.1:port — token endpoint at /jwt/auth, test control at /_lab/*. */
  url: string
  /** The same issuer over https (the tls registry's realm), signed by the lab CA. */
  httpsUrl: string | null
  /** And over https at https://localhost:port with a localhost-only certificate (the tlsRealm registry's realm). */
  otherHostUrl?: string | null
}

export interface LabIssuer extends LabIssuerInfo {
  /** Requests per grant type: get, anonymous, password, refresh_token, unauthorized, total. */
  stats(): Record<string, number>
  resetStats(): void
  /** See token-issuer.ts: `strictExpiry` makes the registry refuse the token once `expires_in` runs out. */
  setTtl(seconds: number, options?: { strictExpiry?: boolean }): void
}

export interface Lab {
  dir: string
  users: LabUsers
  open: LabRegistry
  basic: LabRegistry
  token: LabTokenRegistry
  tls: LabTlsRegistry
  noDelete: LabRegistry
  paging: LabRegistry
  tlsRealm: LabTlsRealmRegistry
  issuer: LabIssuer
  truth: LabTruth
  /** Which instances this lab started (reading another one throws). */
  started: LabInstanceName[]
  /** PIDs of the registry processes (gone after stop()). */
  pids: number[]
  stop(): Promise<void>
  /** Re-push a fresh copy of a repository (tests that delete call this first for isolation). */
  reseed(registry: LabRegistry, repository: string): Promise<void>
}

/** Everything of a Lab except functions: what global setup hands to test workers. */
export interface LabInfo {
  dir: string
  users: LabUsers
  open: LabRegistry
  basic: LabRegistry
  token: LabTokenRegistry
  tls: LabTlsRegistry
  noDelete: LabRegistry
  paging: LabRegistry
  tlsRealm: LabTlsRealmRegistry
  issuer: LabIssuerInfo
  truth: LabTruth
  started: LabInstanceName[]
  pids: number[]
}

export interface StartLabOptions {
  only?: LabInstanceName[]
  /** Lifetime of issued tokens; default 300 s. */
  tokenTtlSeconds?: number
}

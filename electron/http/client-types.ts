// The seam between the protocol layer (transport, auth, raw v2 calls: registry-client.ts) and the
// operations built on it (details, inspect, delete). Operations depend only on this interface, so
// they can be unit-tested with a fake and integration-tested against the real lab.
import type { CertificateInfo, RepositoryListing } from '../../shared/types'
import type { BlobTransfer } from './registry-blobs'

export interface RegistryEndpoint {
  /** scheme + host[:port], no trailing slash: https://127.0.0.1:5443 */
  url: string
  /** host[:port] as used in references and scopes */
  host: string
  /** plain http allowed (loopback always is) */
  insecure: boolean
}

/** Per-registry TLS trust. Never process-wide. */
export interface TlsTrust {
  /** Extra CA certificates (PEM) trusted for this registry, on top of the system roots. */
  caPems: string[]
  /** SHA-256 fingerprint (AA:BB:…) of the server certificate the user accepted. */
  pinnedFingerprint?: string
  /** Certificates accepted for other hosts this registry sends Berth to (its token realm), by host:port. */
  hostPins?: readonly { host: string; fingerprint: string }[]
  /** Client certificate from certs.d (`*.cert` + `*.key`). */
  clientCert?: { certPem: string; keyPem: string }
}

export type RegistryCredential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (or docker's identitytoken): POST grant_type=refresh_token. */
  | { kind: 'refresh_token'; username?: string; refreshToken: string }

/** Asked lazily, only when the registry challenges; null = anonymous. */
export type CredentialSource = () => Promise<RegistryCredential | null>

export interface Challenge {
  /** lower-cased: 'bearer', 'basic', … */
  scheme: string
  /** parameter names lower-cased, values unquoted and unescaped */
  params: Record<string, string>
}

export interface PingResult {
  auth: 'open' | 'basic' | 'bearer'
  challenges: Challenge[]
  realm?: string
  service?: string
  /** Response headers of the ping (lower-cased names), for kind detection. */
  headers: Record<string, string>
  certificate?: CertificateInfo
  /** With `signIn`: open (no auth asked), anonymous (let in without credentials) or signed-in (credentials accepted). */
  access?: 'open' | 'anonymous' | 'signed-in'
}

export interface ManifestResponse {
  /** The exact bytes received: the digest is computed over these. */
  bytes: Uint8Array
  digest: string
  mediaType: string
}

export interface ManifestHead {
  /** null when the registry sent no Docker-Content-Digest (fall back to GET) */
  digest: string | null
  mediaType: string
  size: number | null
}

export interface RateLimitInfo {
  limit?: number
  remaining?: number
  windowSeconds?: number
}

export interface RegistryClient {
  readonly endpoint: RegistryEndpoint
  /**
   * GET /v2/: what auth the registry wants. `signIn`: then also sign in as a client would (Basic, or a
   * token for no scope, as `docker login` does) and fail with `unauthorized` if the registry refuses.
   */
  ping(options?: { signIn?: boolean }): Promise<PingResult>
  /** Full catalog through pagination; 401/403/404/405 → { catalog: 'unavailable', reason }. */
  catalog(options?: { pageSize?: number; signal?: AbortSignal }): Promise<RepositoryListing>
  /** Every tag through pagination (relative/absolute Link, host-checked). */
  listTags(repository: string, options?: { pageSize?: number; signal?: AbortSignal }): Promise<string[]>
  /** GET with the full Accept list; verifies the digest when `reference` is a digest. */
  getManifest(repository: string, reference: string, options?: { signal?: AbortSignal }): Promise<ManifestResponse>
  /** HEAD with the full Accept list. Throws not_found for 404. */
  headManifest(repository: string, reference: string, options?: { signal?: AbortSignal }): Promise<ManifestHead>
  putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: string }>
  /** DELETE /v2/<name>/manifests/<reference> (a digest, or a tag where the registry supports it). */
  deleteManifest(repository: string, reference: string): Promise<void>
  /** GET a blob, following redirects safely, size-capped, digest-verified. */
  getBlob(repository: string, digest: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>
  /** Monolithic upload (POST + PUT ?digest=); returns the digest. */
  uploadBlob(repository: string, bytes: Uint8Array): Promise<string>
  /** The OCI referrers API response bytes, or null when the registry does not support it. */
  getReferrers(repository: string, digest: string, options?: { signal?: AbortSignal }): Promise<Uint8Array | null>
  /** Streamed blob reads, uploads and mounts, manifest pushes: what a copy needs (absent in test fakes). */
  readonly blobs?: BlobTransfer
  /**
   * Asks the token server once for pull access to all of `repositories` (in groups), so listing them
   * one after another needs no token request each; where the registry uses no tokens, nothing. Never
   * throws. Absent in test fakes.
   */
  prepareRepositories?(repositories: readonly string[]): Promise<void>
  /** Latest Docker Hub-style rate-limit headers seen, if any. */
  rateLimit(): RateLimitInfo | null
  close(): Promise<void>
}

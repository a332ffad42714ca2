// Errors are data: one union of codes, each with a human message and a suggested fix. Transport
// and registry failures become a BerthError once, at the edge; the CLI, IPC and UI render them.
import type { CertificateInfo } from './types'

export const errorCodes = [
  'unauthorized', // 401: who are you — credentials missing, wrong or expired
  'forbidden', // 403: you may not — role or token scope
  'not_found',
  'delete_disabled', // 405 UNSUPPORTED on DELETE: storage.delete.enabled is false
  'unsupported', // 405/501 for other operations
  'tls_untrusted', // certificate not trusted: carries `certificate` so the user can decide
  'tls_changed', // pinned fingerprint no longer matches: carries both fingerprints
  'rate_limited', // 429 after our own bounded retries
  'network', // connection refused/reset/DNS
  'timeout',
  'invalid_response', // garbage, oversized, schema-invalid body
  'digest_mismatch', // bytes do not hash to the digest we asked for
  'unsafe_redirect', // redirect to http from https, or credentials would leave the registry
  'unsafe_realm', // token realm points somewhere we will not send credentials
  'server_error', // 5xx
  'keychain_unavailable',
  'invalid_input', // bad request from the caller (IPC/CLI argument)
  'conflict',
  'cancelled',
  'internal',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface BerthErrorData {
  code: ErrorCode
  /** What went wrong, naming the cause: "registry.example.com answered 403 to DELETE …". */
  message: string
  /** What the user can do about it. */
  fix?: string
  /** HTTP status the registry answered, when there was one. */
  status?: number
  /** The registry's own error code (e.g. DENIED, MANIFEST_UNKNOWN). */
  registryCode?: string
  retryAfterSeconds?: number
  certificate?: CertificateInfo
  /** For tls_changed: the fingerprint the user pinned. */
  expectedFingerprint?: string
}

export class BerthError extends Error {
  readonly code: ErrorCode
  readonly fix: string | undefined
  readonly data: BerthErrorData

  constructor(data: BerthErrorData, options?: { cause?: unknown }) {
    super(data.message, options)
    this.name = 'BerthError'
    this.code = data.code
    this.fix = data.fix
    this.data = data
  }

  toData(): BerthErrorData {
    return { ...this.data }
  }
}

export function isBerthError(value: unknown): value is BerthError {
  return value instanceof BerthError
}

/** Turns anything thrown into BerthErrorData without leaking stack traces or secrets. */
export function toErrorData(error: unknown): BerthErrorData {
  if (error instanceof BerthError) return error.toData()
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: 'internal',
    message: `Unexpected error: ${message}`,
    fix: 'This is a bug in Berth; please report it with the steps that led here.',
  }
}

/**
 * The CLI's exit codes, one table for every path (README "Exit codes"): what a script can rely on.
 * `incomplete` is not an error code: a command that printed partial results (some rows failed)
 * exits with it after saying which.
 */
export const exitCodes = {
  ok: 0,
  /** The command line was wrong: unknown command or flag, bad value, missing argument. */
  usage: 1,
  /** The registry, the network or the data failed: the message names the cause and the fix. */
  registry: 2,
  /** Authentication or authorization: credentials missing, wrong or insufficient; the keychain unavailable. */
  auth: 3,
  /** Nothing was done because you said no at a prompt. */
  cancelled: 4,
  /** Results were printed, but some parts failed (listed on stderr, and in the --json output). */
  incomplete: 5,
} as const

/** The exit code for an error, by its code. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'unauthorized':
    case 'forbidden':
    case 'keychain_unavailable':
      return exitCodes.auth
    case 'invalid_input':
      return exitCodes.usage
    case 'cancelled':
      return exitCodes.cancelled
    default:
      return exitCodes.registry
  }
}

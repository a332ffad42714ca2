// The options and help text of `berth verify` and `berth keys`, apart from the commands so the
// CLI's entry bundle (which parses every flag and prints --help) stays small.
import type { ImageSignatureStatus } from '../../../shared/signatures'

export const signatureOptions = {
  key: { type: 'string', multiple: true },
} as const

/** `berth verify`'s own exit codes, after the shared ones (README "Exit codes"). */
export const verifyExitCodes: Record<ImageSignatureStatus, number> = {
  verified: 0,
  failed: 6,
  unsigned: 7,
  'signed-no-key': 8,
  keyless: 8,
}

export const signatureUsage = `  berth verify   <registry>/<repo>(:tag|@digest) [--key FILE]...
                                                   checks the image's cosign signatures (its .sig tag and OCI 1.1
                                                   referrers) with these public keys, or the stored ones; exits 0
                                                   only when one verifies (6 failed, 7 unsigned, 8 no key / keyless)
  berth keys     add <registry>[/<repo>] FILE [--name N]
                                                   keep a PEM public key (ECDSA P-256, RSA, Ed25519) for verifying
                                                   that registry, or the repositories under that path
  berth keys     list [<registry>]
  berth keys     rm <registry> NAME|ID|FINGERPRINT`

/** Thrown after printing the report, so the CLI exits with the verdict's code. */
export class VerifyVerdict extends Error {
  constructor(readonly code: number) {
    super(`verification: exit ${code}`)
  }
}

// Cosign signature verification as every door shows it (the table's mark, the details panel,
// `berth verify`): plain data, and the pure rules that turn per-signature results into one status
// for the image. The checks themselves run in main (electron/operations/signature-verify.ts).

export const signatureKeyAlgorithms = ['ecdsa-p256', 'rsa', 'ed25519'] as const
export type SignatureKeyAlgorithm = (typeof signatureKeyAlgorithms)[number]

/** A public key the user gave for verifying signatures. Public keys are not secrets: the PEM is kept in a file. */
export interface SignatureKey {
  id: string
  name: string
  /** host[:port] of the registry, as in image references. */
  registry: string
  /** A repository or repository prefix (whole path components) the key applies to; null = the whole registry. */
  repository: string | null
  algorithm: SignatureKeyAlgorithm
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: the same key always has the same one. */
  fingerprint: string
  pem: string
  addedAt: string
}

/** What one signature came to. */
export type SignatureStatus =
  /** A key the user gave verifies it over the exact payload, which names this image. */
  | 'verified'
  /** It is there but does not hold: `reason` says why (another image, bad signature, malformed…). */
  | 'failed'
  /** A Fulcio certificate or Rekor bundle and no key of the user's verifies it: cannot be checked offline. */
  | 'keyless'
  /** No key is configured for this registry or repository. */
  | 'no-key'

export interface SignatureCheck {
  status: SignatureStatus
  /** Why it failed, or what "keyless" / "no key" means here; null when verified. */
  reason: string | null
  /** Where it was found: cosign's `sha256-<hex>.sig` tag, or an OCI 1.1 referrer (API or tag schema). */
  source: 'cosign-tag' | 'referrer'
  /** The signature manifest's digest. */
  manifestDigest: string
  /** The payload blob's digest (one signature = one layer of that manifest). */
  payloadDigest: string
  /** The key that verified it (verified, or failed only because the payload names another image). */
  key: { name: string; fingerprint: string } | null
  /** `critical.image.docker-manifest-digest` of the payload, when it could be read. */
  signedDigest: string | null
  /** `critical.identity.docker-reference` (informational: cosign ignores it). */
  identity: string | null
}

/** The image as a whole: verified > failed > signed (no key) > keyless > unsigned. */
export type ImageSignatureStatus = 'verified' | 'failed' | 'signed-no-key' | 'keyless' | 'unsigned'

export interface SignatureReport {
  repository: string
  /** The tag or digest asked about. */
  reference: string
  /** The digest the signatures must name. */
  digest: string
  status: ImageSignatureStatus
  signatures: SignatureCheck[]
  /** The keys tried, by name and fingerprint (never the PEM). */
  keys: Array<{ name: string; fingerprint: string }>
}

/** The table's mark for one image. */
export interface SignatureSummary {
  digest: string
  status: ImageSignatureStatus
  /** One line for a tooltip: which key, or why not. */
  note: string
}

export function imageSignatureStatus(checks: readonly SignatureCheck[]): ImageSignatureStatus {
  if (checks.some((check) => check.status === 'verified')) return 'verified'
  if (checks.some((check) => check.status === 'failed')) return 'failed'
  if (checks.some((check) => check.status === 'no-key')) return 'signed-no-key'
  if (checks.some((check) => check.status === 'keyless')) return 'keyless'
  return 'unsigned'
}

export const imageSignatureLabels: Record<ImageSignatureStatus, string> = {
  verified: 'Signature verified',
  failed: 'Signature present, not verifying',
  'signed-no-key': 'Signed, no key configured',
  keyless: 'Keyless signature, not verified here',
  unsigned: 'Unsigned',
}

export const signatureStatusLabels: Record<SignatureStatus, string> = {
  verified: 'Verified',
  failed: 'Failed',
  keyless: 'Keyless, not verified here',
  'no-key': 'No key configured',
}

/** A fingerprint short enough to read aloud, long enough to tell keys apart. */
export function shortFingerprint(fingerprint: string): string {
  return `SHA256:${fingerprint.slice(0, 16)}`
}

export function summarizeSignatures(report: SignatureReport): SignatureSummary {
  const verified = report.signatures.find((check) => check.status === 'verified')
  const failed = report.signatures.find((check) => check.status === 'failed')
  const note =
    verified?.key !== undefined && verified.key !== null
      ? `Verified by ${verified.key.name} (${shortFingerprint(verified.key.fingerprint)})`
      : failed !== undefined
        ? `${imageSignatureLabels.failed}: ${failed.reason ?? 'does not verify'}`
        : imageSignatureLabels[report.status]
  return { digest: report.digest, status: report.status, note }
}

/** cosign's tag for the signatures of `digest` (SIGNATURE_SPEC "Tag-based Discovery"). */
export function cosignSignatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`
}

/** Whether a key scoped to `scope` (null = whole registry) applies to `repository`: whole path components. */
export function keyScopeCovers(scope: string | null, repository: string): boolean {
  return scope === null || repository === scope || repository.startsWith(`${scope}/`)
}

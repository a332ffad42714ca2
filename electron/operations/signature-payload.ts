// Cosign's signed payload: the "simple signing" JSON (containers/image docs/containers-signature.5.md
// "JSON Data Format", with cosign's additions in sigstore/cosign specs/SIGNATURE_SPEC.md "Simple
// Signing"). The signature covers these bytes exactly, so they are parsed only to read what they
// claim, never re-serialised. Registry data crosses a trust boundary here: bounded, then validated.
import { z } from 'zod'

export const simpleSigningMediaType = 'application/vnd.dev.cosign.simplesigning.v1+json'
/** cosign's artifactType for a signature stored as an OCI 1.1 referrer (`--registry-referrers-mode=oci-1-1`). */
export const cosignSignatureArtifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json'
export const signatureAnnotation = 'dev.cosignproject.cosign/signature'
/** Keyless signing leaves the Fulcio certificate (and chain) and the Rekor bundle beside the signature. */
export const keylessAnnotations = ['dev.sigstore.cosign/certificate', 'dev.sigstore.cosign/chain', 'dev.sigstore.cosign/bundle'] as const
/** SIGNATURE_SPEC: "The critical.type value used to identify cosign signatures". */
export const cosignSignatureType = 'cosign container image signature'
/** Payloads cosign writes are ~250 bytes; optional claims may add some. Larger ones are refused unread. */
export const maxPayloadBytes = 64 * 1024

export interface SimpleSigningClaims {
  /** `critical.image.docker-manifest-digest`: the image this signature is for. */
  digest: string
  /** `critical.identity.docker-reference`: informational, cosign ignores it. */
  identity: string | null
}

export type PayloadResult = { ok: true; claims: SimpleSigningClaims } | { ok: false; reason: string }

const criticalSchema = z.object({
  type: z.string({ error: 'critical.type is missing' }),
  image: z.record(z.string(), z.unknown(), { error: 'critical.image is missing' }),
  identity: z.record(z.string(), z.unknown()).optional(),
})
const payloadSchema = z.object({ critical: criticalSchema }, { error: 'not a simple signing payload' })

export function parseSimpleSigningPayload(bytes: Uint8Array): PayloadResult {
  if (bytes.byteLength > maxPayloadBytes)
    return { ok: false, reason: `payload malformed: ${bytes.byteLength} bytes (at most ${maxPayloadBytes})` }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ok: false, reason: 'payload malformed: not JSON' }
  }
  const parsed = payloadSchema.safeParse(json)
  if (!parsed.success) return { ok: false, reason: `payload malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}` }
  const { critical } = parsed.data
  if (critical.type !== cosignSignatureType) {
    return { ok: false, reason: `payload malformed: critical.type is "${critical.type.slice(0, 80)}", not "${cosignSignatureType}"` }
  }
  const digest = caseInsensitiveField(critical.image, 'docker-manifest-digest')
  if (!digest.ok) return digest
  if (typeof digest.value !== 'string' || !/^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$/.test(digest.value)) {
    return { ok: false, reason: 'payload malformed: critical.image.docker-manifest-digest is not a digest' }
  }
  const identity = critical.identity === undefined ? null : caseInsensitiveField(critical.identity, 'docker-reference')
  return {
    ok: true,
    claims: { digest: digest.value, identity: identity?.ok === true && typeof identity.value === 'string' ? identity.value : null },
  }
}

/**
 * cosign reads the payload with Go's encoding/json, which matches keys case-insensitively: its own
 * spec's example says "Docker-manifest-digest". Accept that, but refuse two spellings at once,
 * where cosign and another verifier could each read a different digest.
 */
function caseInsensitiveField(record: Record<string, unknown>, name: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const matches = Object.keys(record).filter((key) => key.toLowerCase() === name)
  if (matches.length === 0) return { ok: false, reason: `payload malformed: no ${name}` }
  if (matches.length > 1) return { ok: false, reason: `payload malformed: ${name} is given ${matches.length} times` }
  return { ok: true, value: record[matches[0] as string] }
}

// Cosign signature verification, offline, with the user's public keys (sigstore/cosign
// specs/SIGNATURE_SPEC.md). A signature manifest, found at cosign's `sha256-<hex>.sig` tag or as an
// OCI 1.1 referrer of the image, holds one layer per signature: the layer blob is the exact payload
// that was signed, and the layer's `dev.cosignproject.cosign/signature` annotation is the base64
// signature over those bytes. A signature holds when the payload blob matches its descriptor's
// digest (the client verifies every blob it fetches), the payload is a cosign simple-signing
// document naming this image's digest, and one of the keys verifies the signature over the payload
// bytes exactly as stored. Keyless signatures (Fulcio certificate, Rekor bundle) need the public
// good instance to check: they are reported as such, never as verified.
import { constants, verify, type KeyObject } from 'node:crypto'
import { BerthError } from '../../shared/errors'
import type { SignatureCheck, SignatureKeyAlgorithm } from '../../shared/signatures'
import { cosignSignatureTag } from '../../shared/signatures'
import type { ContentLoader } from './content-loader'
import type { Descriptor } from './manifest'
import { listReferrers } from './referrers'
import {
  keylessAnnotations,
  maxPayloadBytes,
  parseSimpleSigningPayload,
  signatureAnnotation,
  simpleSigningMediaType,
  type SimpleSigningClaims,
} from './signature-payload'

export interface VerificationKey {
  name: string
  fingerprint: string
  algorithm: SignatureKeyAlgorithm
  key: KeyObject
}

export type SignatureOutcome = 'valid' | 'invalid' | 'type-mismatch'

/**
 * One signature over `payload` with one key, as cosign verifies it (sigstore LoadVerifier with
 * SHA-256): ECDSA with an ASN.1 DER signature, RSA PKCS#1 v1.5 (what cosign signs with) or PSS
 * (salt length recovered from the signature, as Go's VerifyPSS does by default), pure Ed25519.
 * 'type-mismatch': the bytes cannot be a signature of this key's kind at all.
 */
export function verifySignatureBytes(key: VerificationKey, payload: Uint8Array, signature: Uint8Array): SignatureOutcome {
  try {
    switch (key.algorithm) {
      case 'ed25519':
        if (signature.byteLength !== 64) return 'type-mismatch'
        return verify(null, payload, key.key, signature) ? 'valid' : 'invalid'
      case 'ecdsa-p256':
        // A DER SEQUENCE of two INTEGERs of at most 33 bytes each: 8 to 72 bytes, starting 0x30.
        if (signature[0] !== 0x30 || signature.byteLength < 8 || signature.byteLength > 72) return 'type-mismatch'
        return verify('sha256', payload, { key: key.key, dsaEncoding: 'der' }, signature) ? 'valid' : 'invalid'
      case 'rsa': {
        const bytes = Math.ceil((key.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
        if (signature.byteLength !== bytes) return 'type-mismatch'
        if (
          key.key.asymmetricKeyType === 'rsa' &&
          verify('sha256', payload, { key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature)
        ) {
          return 'valid'
        }
        const pss = { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }
        return verify('sha256', payload, pss, signature) ? 'valid' : 'invalid'
      }
    }
  } catch {
    // OpenSSL refuses some malformed signatures (a broken DER) instead of answering false.
    return 'invalid'
  }
}

/** Strict base64 (the standard alphabet, padded), as Go's StdEncoding decodes the annotation. */
function decodeBase64(text: string): Uint8Array | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null
  return Buffer.from(text, 'base64')
}

export interface SignatureLayerInput {
  source: SignatureCheck['source']
  manifestDigest: string
  layer: Descriptor
  /** The payload as fetched by digest, or why it could not be. */
  payload: Uint8Array | { error: string }
  subjectDigest: string
  keys: readonly VerificationKey[]
}

/** What one signature layer comes to with these keys. Pure: the network part is done by the caller. */
export function checkSignatureLayer(input: SignatureLayerInput): SignatureCheck {
  const base = { source: input.source, manifestDigest: input.manifestDigest, payloadDigest: input.layer.digest }
  const result = (status: SignatureCheck['status'], reason: string | null, extra: Partial<SignatureCheck> = {}): SignatureCheck => ({
    ...base,
    status,
    reason,
    key: null,
    signedDigest: null,
    identity: null,
    ...extra,
  })
  const annotations = input.layer.annotations ?? {}
  const encoded = annotations[signatureAnnotation]
  if (encoded === undefined) return result('failed', `no ${signatureAnnotation} annotation on the payload layer`)
  const signature = decodeBase64(encoded.trim())
  if (signature === null) return result('failed', 'the signature annotation is not base64')
  if (!(input.payload instanceof Uint8Array)) return result('failed', input.payload.error)
  if (input.payload.byteLength !== input.layer.size) {
    return result('failed', `the payload is ${input.payload.byteLength} bytes, its descriptor says ${input.layer.size}`)
  }
  const parsed = parseSimpleSigningPayload(input.payload)
  if (!parsed.ok) return result('failed', parsed.reason)
  const claims: SimpleSigningClaims = parsed.claims
  const read = { signedDigest: claims.digest, identity: claims.identity }
  const namesThisImage = claims.digest === input.subjectDigest
  const keyless = keylessAnnotations.some((name) => annotations[name] !== undefined)
  const anotherImage = `signed another image (${claims.digest})`

  const outcomes = input.keys.map((key) => ({ key, outcome: verifySignatureBytes(key, input.payload as Uint8Array, signature) }))
  const verifiedBy = outcomes.find((each) => each.outcome === 'valid')?.key
  if (verifiedBy !== undefined) {
    const key = { name: verifiedBy.name, fingerprint: verifiedBy.fingerprint }
    return namesThisImage ? result('verified', null, { ...read, key }) : result('failed', anotherImage, { ...read, key })
  }
  // Unauthenticated, but a payload naming another digest is no signature of this image whoever made it.
  if (!namesThisImage) return result('failed', anotherImage, read)
  if (keyless) {
    const why = input.keys.length === 0 ? 'no key of yours applies' : 'none of your keys verifies it'
    return result('keyless', `keyless (Fulcio certificate / Rekor bundle): not verified here; ${why}`, read)
  }
  if (input.keys.length === 0) return result('no-key', 'no key is configured for this repository', read)
  if (outcomes.every((each) => each.outcome === 'type-mismatch')) {
    const kinds = [...new Set(input.keys.map((key) => key.algorithm))].join(', ')
    return result('failed', `key type mismatch: this is not a signature a ${kinds} key makes`, read)
  }
  const names = input.keys.map((key) => key.name).join(', ')
  return result(
    'failed',
    `bad signature: it does not verify with ${input.keys.length === 1 ? 'the key' : 'any of the keys'} ${names}`,
    read,
  )
}

/** Results per (subject digest, signature manifest digest, key fingerprints): content at a digest never changes. */
export interface SignatureCache {
  get(key: string): SignatureCheck[] | undefined
  set(key: string, value: SignatureCheck[]): void
}

export interface VerifyImageOptions {
  keys: readonly VerificationKey[]
  /** Also the OCI 1.1 referrers (API, else the `sha256-<hex>` tag schema): the details panel and `berth verify`. */
  referrers: boolean
  /** The repository's tag list when known: cosign's tag is then looked up only if listed. */
  tags?: readonly string[]
  cache?: SignatureCache
  signal?: AbortSignal
}

interface SignatureManifestRef {
  digest: string
  source: SignatureCheck['source']
}

/** Every cosign signature of `subjectDigest` in `repository`, each checked with `keys`. */
export async function verifyImageSignatures(
  loader: ContentLoader,
  repository: string,
  subjectDigest: string,
  options: VerifyImageOptions,
): Promise<SignatureCheck[]> {
  const manifests = await signatureManifests(loader, repository, subjectDigest, options)
  const fingerprints = options.keys
    .map((key) => key.fingerprint)
    .sort()
    .join(',')
  const checks: SignatureCheck[] = []
  for (const ref of manifests) {
    const cacheKey = `${subjectDigest}|${ref.digest}|${fingerprints}`
    let found = options.cache?.get(cacheKey)
    if (found === undefined) {
      found = await checkManifest(loader, repository, subjectDigest, ref, options)
      options.cache?.set(cacheKey, found)
    }
    for (const check of found) checks.push({ ...check, source: ref.source })
  }
  return checks
}

async function signatureManifests(
  loader: ContentLoader,
  repository: string,
  subjectDigest: string,
  options: VerifyImageOptions,
): Promise<SignatureManifestRef[]> {
  const found = new Map<string, SignatureManifestRef>()
  const tag = cosignSignatureTag(subjectDigest)
  if (options.tags === undefined || options.tags.includes(tag)) {
    try {
      const resolved = await loader.resolve(repository, tag)
      found.set(resolved.digest, { digest: resolved.digest, source: 'cosign-tag' })
    } catch (error) {
      if (!(error instanceof BerthError && error.code === 'not_found')) throw error
    }
  }
  if (options.referrers) {
    const referrers = await listReferrers(loader.client, repository, subjectDigest, {
      loader,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    for (const referrer of referrers) {
      if (referrer.kind === 'signature' && !found.has(referrer.digest))
        found.set(referrer.digest, { digest: referrer.digest, source: 'referrer' })
    }
  }
  return [...found.values()]
}

async function checkManifest(
  loader: ContentLoader,
  repository: string,
  subjectDigest: string,
  ref: SignatureManifestRef,
  options: VerifyImageOptions,
): Promise<SignatureCheck[]> {
  const manifest = await loader.manifest(repository, ref.digest)
  if (manifest.parsed.kind !== 'image') return []
  // A referrer names its subject itself: one that names another image is not about this one.
  if (ref.source === 'referrer' && manifest.parsed.subject !== null && manifest.parsed.subject.digest !== subjectDigest) return []
  const layers = manifest.parsed.layers.filter((layer) => layer.mediaType === simpleSigningMediaType)
  const checks: SignatureCheck[] = []
  for (const layer of layers) {
    const payload = await fetchPayload(loader, repository, layer, options.signal)
    checks.push(checkSignatureLayer({ source: ref.source, manifestDigest: ref.digest, layer, payload, subjectDigest, keys: options.keys }))
  }
  return checks
}

async function fetchPayload(
  loader: ContentLoader,
  repository: string,
  layer: Descriptor,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | { error: string }> {
  if (layer.size > maxPayloadBytes) return { error: `payload malformed: ${layer.size} bytes (at most ${maxPayloadBytes})` }
  try {
    return await loader.client.getBlob(repository, layer.digest, { maxBytes: maxPayloadBytes, ...(signal ? { signal } : {}) })
  } catch (error) {
    if (error instanceof BerthError && error.code === 'digest_mismatch') return { error: 'the payload does not match its digest (altered)' }
    if (error instanceof BerthError && error.code === 'not_found') return { error: 'the payload blob is missing from the registry' }
    throw error
  }
}

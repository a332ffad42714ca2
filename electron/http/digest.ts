// Content digests (OCI image-spec descriptor.md "Digests"). A digest is computed over the exact
// bytes received; the Docker-Content-Digest header is only advisory.
import { createHash } from 'node:crypto'
import { BerthError } from '../../shared/errors'
import { sanitizeForMessage } from './sanitize'

const digestPattern = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** Registered algorithms only, lower-case hex only (the spec forbids upper-case encodings). */
export function isDigest(text: string): boolean {
  return digestPattern.test(text)
}

export function computeDigest(bytes: Uint8Array, algorithm: 'sha256' | 'sha512'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}

/** Throws digest_mismatch unless `bytes` hash to `expected` (with expected's algorithm). */
export function verifyDigest(bytes: Uint8Array, expected: string): void {
  if (!isDigest(expected)) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${sanitizeForMessage(expected, 150)}" is not a digest Berth can verify (sha256 or sha512, lower-case hex).`,
    })
  }
  const algorithm = expected.startsWith('sha512:') ? 'sha512' : 'sha256'
  const actual = computeDigest(bytes, algorithm)
  if (actual !== expected) {
    throw new BerthError({
      code: 'digest_mismatch',
      message: `Content does not match its digest: expected ${expected}, received bytes hashing to ${actual}.`,
      fix: 'The registry, a proxy or the network altered the content. Retry; if it persists, report it to the registry operator.',
    })
  }
}

/** `sha256:0123456789ab…` → `0123456789ab` (the first `length` characters of the hex part), as `docker images` shows. */
export function shortDigest(digest: string, length = 12): string {
  const colon = digest.indexOf(':')
  return digest.slice(colon + 1, colon + 1 + Math.max(0, length))
}

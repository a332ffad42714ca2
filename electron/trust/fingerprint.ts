// SHA-256 certificate fingerprints in the one form Berth stores and compares: AA:BB:… upper-case,
// the form Node's X509Certificate#fingerprint256 prints and browsers show.
import { BerthError } from '../../shared/errors'

const sha256Bytes = 32

/**
 * Accepts `AA:BB:…`, `aabb…`, `sha256:aabb…`, `SHA256 Fingerprint=AA:BB:…` (openssl's output) or
 * space-separated hex; returns `AA:BB:…`. Anything that is not exactly 32 bytes is invalid_input:
 * a truncated pin would otherwise never match and look like a changed certificate.
 */
export function normalizeFingerprint(input: string): string {
  const withoutLabel = input.trim().replace(/^(?:sha-?256(?:\s+fingerprint)?\s*[=:]?\s*)/i, '')
  const hex = withoutLabel.replace(/[:\s-]/g, '')
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== sha256Bytes * 2) {
    throw new BerthError({
      code: 'invalid_input',
      message: `"${input.slice(0, 120)}" is not a SHA-256 fingerprint (${sha256Bytes} bytes in hex, with or without colons).`,
      fix: 'Copy the SHA-256 fingerprint Berth shows for the certificate, or run: openssl x509 -noout -fingerprint -sha256 -in cert.pem',
    })
  }
  return (hex.toUpperCase().match(/../g) ?? []).join(':')
}

/** Compares two fingerprints in any accepted notation. */
export function sameFingerprint(first: string, second: string): boolean {
  return normalizeFingerprint(first) === normalizeFingerprint(second)
}

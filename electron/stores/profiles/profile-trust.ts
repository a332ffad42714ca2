// Per-registry TLS trust: what the transport may accept for one registry, on top of the system
// roots (never instead of them, never process-wide). Sources: the CA the user trusted for this
// profile, the server-certificate fingerprint the user pinned, and Docker's certs.d directories.
import { X509Certificate } from 'node:crypto'
import { BerthError } from '../../../shared/errors'
import type { RegistryProfile } from '../../../shared/types'
import type { ProfileStore } from './profile-store'
import { normalizeRegistryHost } from './registry-host'
import type { TlsTrust } from '../../http/client-types'
import { defaultCertsDirs, readCertsDirs, type CertsDirTrust } from '../../trust/certs-d'
import { normalizeFingerprint } from '../../trust/fingerprint'
import { canonicalAuthority } from '../../trust/host-pins'

export { normalizeFingerprint, sameFingerprint } from '../../trust/fingerprint'

export interface ResolveTrustOptions {
  /** certs.d roots to search; defaults to the standard Docker/containers ones. */
  certsDirs?: string[]
}

export function resolveTrust(profile: RegistryProfile, options: ResolveTrustOptions = {}): TlsTrust {
  const host = normalizeRegistryHost(profile.url)
  const fromDirs: CertsDirTrust = host === null ? { caPems: [], files: [] } : readCertsDirs(host, options.certsDirs ?? defaultCertsDirs())
  const trust: TlsTrust = { caPems: [...(profile.caPem === undefined ? [] : [profile.caPem]), ...fromDirs.caPems] }
  if (profile.pinnedFingerprint !== undefined) trust.pinnedFingerprint = normalizeFingerprint(profile.pinnedFingerprint)
  if (profile.hostPins !== undefined && profile.hostPins.length > 0) trust.hostPins = profile.hostPins
  if (fromDirs.clientCert !== undefined) trust.clientCert = fromDirs.clientCert
  return trust
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
}

function isSelfIssued(certificate: X509Certificate): boolean {
  try {
    return certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey)
  } catch {
    return false
  }
}

/**
 * Checks that `caPem` holds only certificates that can anchor a chain: CA certificates
 * (basicConstraints CA:TRUE) or a self-signed server certificate (its own anchor). A plain leaf
 * signed by someone else would be accepted by nothing and only confuse; pin its fingerprint instead.
 * Returns the normalized PEM (the certificate blocks, one per line group).
 */
export function validateCaPem(caPem: string): string {
  const blocks = pemBlocks(caPem)
  if (blocks.length === 0) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'No PEM certificate found (expected -----BEGIN CERTIFICATE-----).',
      fix: 'Use the CA certificate file in PEM format (.crt/.pem).',
    })
  }
  for (const block of blocks) {
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(block)
    } catch (error) {
      throw new BerthError(
        { code: 'invalid_input', message: `A certificate in the PEM does not parse as X.509: ${(error as Error).message}` },
        { cause: error },
      )
    }
    if (!certificate.ca && !isSelfIssued(certificate)) {
      throw new BerthError({
        code: 'invalid_input',
        message:
          `${certificate.subject.replace(/\n/g, ', ')} is not a CA certificate ` +
          `(issued by ${certificate.issuer.replace(/\n/g, ', ')}).`,
        fix: "Trust the CA that issued it, or pin this server certificate's SHA-256 fingerprint instead.",
      })
    }
  }
  return `${blocks.join('\n')}\n`
}

/** Trusts `caPem` for this registry only, replacing any CA trusted before. */
export function trustCa(profiles: ProfileStore, id: string, caPem: string): RegistryProfile {
  return profiles.update(id, { caPem: validateCaPem(caPem) })
}

/** Pins the SHA-256 fingerprint of the server certificate the user accepted. */
export function pinFingerprint(profiles: ProfileStore, id: string, fingerprint: string): RegistryProfile {
  return profiles.update(id, { pinnedFingerprint: normalizeFingerprint(fingerprint) })
}

/**
 * Pins the certificate the user accepted for a host this registry sends Berth to (its token realm,
 * GitLab's API), replacing an earlier pin for that host:port; the registry's own host gets
 * `pinnedFingerprint`. The pin is for this registry only.
 */
export function pinHost(profiles: ProfileStore, id: string, host: string, fingerprint: string): RegistryProfile {
  const profile = profiles.get(id)
  if (!profile) throw new BerthError({ code: 'not_found', message: `No registry with id "${id}" is configured.` })
  const authority = canonicalAuthority(host)
  if (canonicalAuthority(new URL(profile.url).host) === authority) return pinFingerprint(profiles, id, fingerprint)
  const others = (profile.hostPins ?? []).filter((pin) => canonicalAuthority(pin.host) !== authority)
  return profiles.update(id, { hostPins: [...others, { host: authority, fingerprint: normalizeFingerprint(fingerprint) }] })
}

/** Forgets the profile's CA and pins: back to the system roots (and certs.d). */
export function clearTrust(profiles: ProfileStore, id: string): RegistryProfile {
  return profiles.update(id, { caPem: null, pinnedFingerprint: null, hostPins: null })
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createProfileStore, type ProfileStore } from '../../../electron/stores/profiles/profile-store'
import {
  clearTrust,
  normalizeFingerprint,
  pinFingerprint,
  resolveTrust,
  sameFingerprint,
  trustCa,
  validateCaPem,
} from '../../../electron/stores/profiles/profile-trust'
import { makeTestCertificates, type TestCertificates } from './trust-fixtures'

const upper = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89'
const bare = upper.replace(/:/g, '')

describe('normalizeFingerprint', () => {
  it.each([
    ['upper-case with colons', upper],
    ['lower-case with colons', upper.toLowerCase()],
    ['without colons', bare],
    ['lower-case without colons', bare.toLowerCase()],
    ['with a sha256: prefix', `sha256:${bare.toLowerCase()}`],
    ['as openssl prints it', `SHA256 Fingerprint=${upper}`],
    ['with spaces and surrounding whitespace', `  ${upper.replace(/:/g, ' ')}\n`],
  ])('accepts a fingerprint %s', (_name, input) => {
    expect(normalizeFingerprint(input)).toBe(upper)
  })

  it.each([
    ['too short', upper.slice(0, -3)],
    ['too long', `${upper}:00`],
    ['not hex', upper.replace('AB', 'ZZ')],
    ['empty', ''],
    ['a SHA-1 fingerprint', 'AB:'.repeat(19) + 'AB'],
  ])('rejects a fingerprint that is %s', (_name, input) => {
    expect(() => normalizeFingerprint(input)).toThrow(/not a SHA-256 fingerprint/)
  })

  it('compares fingerprints across notations', () => {
    expect(sameFingerprint(upper, bare.toLowerCase())).toBe(true)
    expect(sameFingerprint(upper, upper.replace(/^AB/, 'AC'))).toBe(false)
  })
})

describe('CA trust and pinning', () => {
  let certs: TestCertificates
  let dir: string
  let profiles: ProfileStore
  beforeAll(() => {
    certs = makeTestCertificates()
  })
  afterAll(() => certs.remove())
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-trust-'))
    profiles = createProfileStore(join(dir, 'profiles.json'))
    return () => rmSync(dir, { recursive: true, force: true })
  })

  it('accepts a CA certificate and a self-signed server certificate as trust anchors', () => {
    expect(validateCaPem(certs.caPem)).toContain('BEGIN CERTIFICATE')
    expect(validateCaPem(certs.selfSignedCertPem)).toContain('BEGIN CERTIFICATE')
    expect(validateCaPem(`${certs.caPem}\n${certs.selfSignedCertPem}`).match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
  })

  it('refuses a server certificate issued by someone else, pointing at pinning instead', () => {
    expect(() => validateCaPem(certs.serverCertPem)).toThrow(/is not a CA certificate/)
  })

  it('refuses text without a certificate and a certificate that does not parse', () => {
    expect(() => validateCaPem('hello')).toThrow(/No PEM certificate found/)
    expect(() => validateCaPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(/does not parse/)
  })

  it('stores a trusted CA and a pin on the profile and resolves them into per-registry trust', () => {
    const profile = profiles.save({ name: 'r', url: 'https://127.0.0.1:5443' })
    trustCa(profiles, profile.id, certs.caPem)
    pinFingerprint(profiles, profile.id, bare.toLowerCase())
    const trust = resolveTrust(profiles.get(profile.id) ?? profile, { certsDirs: [] })
    expect(trust.caPems).toHaveLength(1)
    expect(trust.caPems[0]).toContain('BEGIN CERTIFICATE')
    expect(trust.pinnedFingerprint).toBe(upper)
    expect(trust.clientCert).toBeUndefined()
  })

  it('adds certs.d CAs and the client certificate for the registry host:port', () => {
    const root = join(dir, 'certs.d')
    mkdirSync(join(root, '127.0.0.1:5443'), { recursive: true })
    writeFileSync(join(root, '127.0.0.1:5443', 'ca.crt'), certs.caPem)
    writeFileSync(join(root, '127.0.0.1:5443', 'client.cert'), certs.serverCertPem)
    writeFileSync(join(root, '127.0.0.1:5443', 'client.key'), certs.serverKeyPem)
    const profile = profiles.save({ name: 'r', url: 'https://127.0.0.1:5443' })
    const trust = resolveTrust(profile, { certsDirs: [root] })
    expect(trust.caPems).toEqual([certs.caPem])
    expect(trust.clientCert).toEqual({ certPem: certs.serverCertPem, keyPem: certs.serverKeyPem })
    expect(trust.pinnedFingerprint).toBeUndefined()
  })

  it('forgets the CA and the pin on clearTrust', () => {
    const profile = profiles.save({ name: 'r', url: 'https://127.0.0.1:5443' })
    trustCa(profiles, profile.id, certs.caPem)
    pinFingerprint(profiles, profile.id, upper)
    const cleared = clearTrust(profiles, profile.id)
    expect(cleared.caPem).toBeUndefined()
    expect(cleared.pinnedFingerprint).toBeUndefined()
    expect(resolveTrust(cleared, { certsDirs: [] })).toEqual({ caPems: [] })
  })
})

import { X509Certificate } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isBerthError, type BerthErrorData } from '../../shared/errors'
import type { RegistryProfile } from '../../shared/types'
import { credentialSourceFor } from '../../electron/stores/secrets/credential-source'
import { createProfileStore, type ProfileStore } from '../../electron/stores/profiles/profile-store'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { createRegistryClient } from '../../electron/http/registry-client'
import { parseRegistryAddress } from '../../electron/http/reference'
import type { CredentialSource, TlsTrust } from '../../electron/http/client-types'
import { fetchServerCertificate } from '../../electron/trust/server-certificate'
import { pinFingerprint, resolveTrust, trustCa } from '../../electron/stores/profiles/profile-trust'
import { getLab } from '../lab/lab-client'
import { makeTestCertificates, type TestCertificates } from '../unit/stores/trust-fixtures'

let dir: string
let profiles: ProfileStore

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-trust-it-'))
  profiles = createProfileStore(join(dir, 'profiles.json'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function freshProfile(url = getLab().tls.url): RegistryProfile {
  for (const existing of profiles.list()) profiles.remove(existing.id)
  return profiles.save({ name: 'lab tls', url, kind: 'distribution' })
}

async function ping(url: string, trust: TlsTrust): Promise<BerthErrorData | { auth: string }> {
  const client = createRegistryClient({ endpoint: parseRegistryAddress(url), trust })
  try {
    return { auth: (await client.ping()).auth }
  } catch (error) {
    if (isBerthError(error)) return error.toData()
    throw error
  } finally {
    await client.close()
  }
}

async function listTags(profile: RegistryProfile, credentials: CredentialSource, repository: string): Promise<string[]> {
  const client = createRegistryClient({
    endpoint: parseRegistryAddress(profile.url),
    trust: resolveTrust(profile, { certsDirs: [] }),
    credentials,
  })
  try {
    return await client.listTags(repository)
  } finally {
    await client.close()
  }
}

function seededRepository(): { repository: string; tags: string[] } {
  const entry = Object.entries(getLab().truth.repositories).find(([name]) => !name.startsWith('public/'))
  if (!entry) throw new Error('the lab seeded no private repository')
  return { repository: entry[0], tags: Object.keys(entry[1]).sort() }
}

describe('per-registry TLS trust against the lab TLS registry', () => {
  it('shows the certificate the registry presents before anything is trusted', async () => {
    const { tls } = getLab()
    const url = new URL(tls.url)
    const presented = await fetchServerCertificate(url.hostname, Number(url.port))
    expect(presented.fingerprint256).toBe(tls.fingerprint256)
    expect(presented.issuer).toBe(new X509Certificate(tls.caPem).subject.replace(/\n/g, ', '))
    expect(presented.selfSigned).toBe(false)
  })

  it('refuses the registry before its CA is trusted, naming the certificate', async () => {
    const profile = freshProfile()
    const result = await ping(profile.url, resolveTrust(profile, { certsDirs: [] }))
    expect(result).toMatchObject({ code: 'tls_untrusted' })
    expect((result as BerthErrorData).certificate?.fingerprint256).toBe(getLab().tls.fingerprint256)
  })

  it('accepts the registry once its CA is trusted for this profile, and signs in over it', async () => {
    const lab = getLab()
    const profile = trustCa(profiles, freshProfile().id, lab.tls.caPem)
    expect(await ping(profile.url, resolveTrust(profile, { certsDirs: [] }))).toEqual({ auth: 'bearer' })
    const { repository, tags } = seededRepository()
    const secrets = createMemorySecretStore({ [profile.id]: lab.users.reader.password })
    const withUser = profiles.update(profile.id, { username: lab.users.reader.username })
    expect((await listTags(withUser, credentialSourceFor(withUser, secrets), repository)).sort()).toEqual(tags)
  })

  it('accepts the registry with the fingerprint the user saw pinned, without any CA', async () => {
    const lab = getLab()
    const url = new URL(lab.tls.url)
    const presented = await fetchServerCertificate(url.hostname, Number(url.port))
    const profile = pinFingerprint(profiles, freshProfile().id, presented.fingerprint256.replace(/:/g, '').toLowerCase())
    const trust = resolveTrust(profile, { certsDirs: [] })
    expect(trust).toEqual({ caPems: [], pinnedFingerprint: lab.tls.fingerprint256 })
    expect(await ping(profile.url, trust)).toEqual({ auth: 'bearer' })
    const { repository, tags } = seededRepository()
    const withUser = profiles.update(profile.id, { username: lab.users.reader.username })
    const secrets = createMemorySecretStore({ [profile.id]: lab.users.reader.password })
    expect((await listTags(withUser, credentialSourceFor(withUser, secrets), repository)).sort()).toEqual(tags)
  })

  it('refuses with tls_changed when the pinned fingerprint does not match', async () => {
    const other = 'AB:'.repeat(31) + 'AB'
    const profile = pinFingerprint(profiles, freshProfile().id, other)
    const result = await ping(profile.url, resolveTrust(profile, { certsDirs: [] }))
    expect(result).toMatchObject({ code: 'tls_changed', expectedFingerprint: other })
    expect((result as BerthErrorData).certificate?.fingerprint256).toBe(getLab().tls.fingerprint256)
  })

  it('trusts the CA found in a Docker certs.d directory for that host:port', async () => {
    const lab = getLab()
    const root = join(dir, 'certs.d')
    mkdirSync(join(root, lab.tls.host), { recursive: true })
    writeFileSync(join(root, lab.tls.host, 'ca.crt'), lab.tls.caPem)
    const profile = freshProfile()
    expect(await ping(profile.url, resolveTrust(profile, { certsDirs: [root] }))).toEqual({ auth: 'bearer' })
  })
})

describe('a server whose certificate was swapped after the user pinned it', () => {
  let certs: TestCertificates
  let server: Server
  const sockets = new Set<Socket>()
  let url: string

  beforeAll(async () => {
    certs = makeTestCertificates()
    // A stand-in registry with a different self-signed certificate: answers /v2/ like an open registry.
    server = createServer({ cert: certs.selfSignedCertPem, key: certs.selfSignedKeyPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' }).end('{}')
    })
    server.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    certs.remove()
  })

  it('is refused with tls_changed, carrying both fingerprints, before any request is sent', async () => {
    const lab = getLab()
    const profile = pinFingerprint(profiles, freshProfile(url).id, lab.tls.fingerprint256)
    const result = await ping(profile.url, resolveTrust(profile, { certsDirs: [] }))
    expect(result).toMatchObject({ code: 'tls_changed', expectedFingerprint: lab.tls.fingerprint256 })
    expect((result as BerthErrorData).certificate?.fingerprint256).toBe(new X509Certificate(certs.selfSignedCertPem).fingerprint256)
  })

  it('is accepted once the user pins the new certificate', async () => {
    const presented = await fetchServerCertificate('127.0.0.1', Number(new URL(url).port))
    expect(presented.selfSigned).toBe(true)
    const profile = pinFingerprint(profiles, freshProfile(url).id, presented.fingerprint256)
    expect(await ping(profile.url, resolveTrust(profile, { certsDirs: [] }))).toEqual({ auth: 'open' })
  })
})

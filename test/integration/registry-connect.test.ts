// Adding a registry as the app and the web mode do (probeRegistry, then connectRegistry), against
// the real lab: a bare address is tried over https first and falls back to plain http only where
// allowed; credentials the registry refuses are refused before anything is saved; anonymous access
// is fine where the registry allows it; a keychain that fails leaves no profile behind; and a
// registry whose token realm lives on another host name and port (the lab's `tlsRealm`) shows, and
// gets trusted for, both certificates — pinned one by one, or through a CA that covers both.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BerthError } from '../../shared/errors'
import type { HostTrust } from '../../shared/types'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore, type SecretStore } from '../../electron/stores/secrets/secret-store'
import { getLab } from '../lab/lab-client'
import { rejection } from '../support/rejection'

const dirs: string[] = []
let engine: Engine
let secrets: SecretStore & { stored: () => string[] }

function memorySecrets(failWith?: BerthError): SecretStore & { stored: () => string[] } {
  const inner = createMemorySecretStore()
  const accounts = new Set<string>()
  return {
    get: (account) => inner.get(account),
    async set(account, secret) {
      if (failWith) throw failWith
      accounts.add(account)
      await inner.set(account, secret)
    },
    async delete(account) {
      accounts.delete(account)
      return inner.delete(account)
    },
    stored: () => [...accounts],
  }
}

function start(failWith?: BerthError): void {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-connect-'))
  dirs.push(dataDirectory)
  secrets = memorySecrets(failWith)
  engine = createEngine({ dataDirectory, secrets, certsDirs: [] })
}

beforeEach(() => start())
afterEach(async () => {
  await engine.close()
})
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const keychainDown = new BerthError({ code: 'keychain_unavailable', message: 'The system keychain did not answer within 2 s (write).' })

describe('https first', () => {
  it('finds a TLS registry typed as a bare loopback address over https, and says so', async () => {
    const { tlsRealm } = getLab()
    const probe = await engine.api.probeRegistry({ url: tlsRealm.host, insecure: false })
    expect(probe.url).toBe(tlsRealm.url)
    expect(probe.url.startsWith('https://')).toBe(true)
  })

  it('falls back to plain http for a bare loopback address that answers in plain HTTP', async () => {
    const { open } = getLab()
    const probe = await engine.api.probeRegistry({ url: open.host, insecure: false })
    expect(probe.url).toBe(open.url)
    expect(probe.hosts).toEqual([])
  })

  it('never switches an address that names its scheme', async () => {
    const { open } = getLab()
    const error = await rejection(engine.api.probeRegistry({ url: `https://${open.host}`, insecure: false }))
    expect(error.code).toBe('network')
    expect(error.message).toMatch(/plain HTTP|TLS/)
  })

  it('says what happened, and what to do, when plain http reaches an https registry', async () => {
    const { tls } = getLab()
    const error = await rejection(engine.api.probeRegistry({ url: `http://${tls.host}`, insecure: false }))
    expect(error.message).toBe(
      `${tls.host} serves HTTPS on this port, but Berth spoke plain HTTP to it (the address says http://${tls.host}).`,
    )
    expect(error.fix).toBe(
      `Use https://${tls.host} — or type just ${tls.host}: Berth tries https first. For a saved registry, edit its URL.`,
    )
  })
})

describe('credentials are checked before anything is saved', () => {
  it.each(['basic', 'token'] as const)('refuses a wrong password on the %s registry and saves nothing', async (name) => {
    const lab = getLab()
    const registry = lab[name]
    const probe = await engine.api.probeRegistry({ url: registry.host, insecure: false })
    const error = await rejection(
      engine.api.connectRegistry({
        profile: { name, url: probe.url },
        trust: { pins: [] },
        credential: { username: lab.users.reader.username, secret: `${lab.users.reader.password}-wrong` },
      }),
    )
    expect(error.code).toBe('unauthorized')
    const realmHost = name === 'token' ? new URL(lab.token.realm).host : null
    expect(error.message).toBe(
      realmHost === null
        ? `${registry.host} refused these credentials (HTTP 401: authentication required).`
        : `${registry.host} refused these credentials: its token server ${realmHost} answered HTTP 401: HTTP Basic: Access denied.`,
    )
    expect(error.fix).toMatch(/Nothing was saved\./)
    expect(engine.profiles.list()).toEqual([])
    expect(secrets.stored()).toEqual([])
  })

  it.each(['basic', 'token'] as const)('saves the %s registry with the right password, secret in the keychain only', async (name) => {
    const lab = getLab()
    const probe = await engine.api.probeRegistry({ url: lab[name].host, insecure: false })
    const { view, access } = await engine.api.connectRegistry({
      profile: { name, url: probe.url },
      credential: { username: lab.users.reader.username, secret: lab.users.reader.password },
    })
    expect(access).toBe('signed-in')
    expect(view).toMatchObject({ url: lab[name].url, username: lab.users.reader.username, hasCredential: true })
    expect(JSON.stringify(engine.profiles.list())).not.toContain(lab.users.reader.password)
    expect(await secrets.get(view.id)).toBe(lab.users.reader.password)
    expect((await engine.api.listTags({ registryId: view.id, repository: 'acme/web' })).tags.length).toBeGreaterThan(0)
  })

  it('lets an anonymous registry in without credentials, and refuses anonymity where the registry does', async () => {
    const { token, basic } = getLab()
    const anonymous = await engine.api.connectRegistry({ profile: { name: 'token', url: token.url } })
    expect(anonymous.access).toBe('anonymous')
    expect(anonymous.view.hasCredential).toBe(false)

    const error = await rejection(engine.api.connectRegistry({ profile: { name: 'basic', url: basic.url } }))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toBe(`${basic.host} needs a sign-in: it does not let anyone in anonymously (HTTP 401).`)
    expect(engine.profiles.list().map((p) => p.url)).toEqual([token.url])
  })

  it('checks an edit with the stored secret, and keeps the profile as it was when the new password is refused', async () => {
    const lab = getLab()
    const { view } = await engine.api.connectRegistry({
      profile: { name: 'basic', url: lab.basic.url },
      credential: { username: lab.users.reader.username, secret: lab.users.reader.password },
    })
    const renamed = await engine.api.connectRegistry({ profile: { id: view.id, name: 'renamed', url: view.url, username: view.username } })
    expect(renamed.view.name).toBe('renamed')
    expect(renamed.access).toBe('signed-in')

    const before = engine.profiles.get(view.id)
    await rejection(
      engine.api.connectRegistry({
        profile: { id: view.id, name: 'renamed again', url: view.url },
        credential: { username: lab.users.writer.username, secret: 'not-the-password' },
      }),
    )
    expect(engine.profiles.get(view.id)).toEqual(before)
    expect(await secrets.get(view.id)).toBe(lab.users.reader.password)
  })
})

describe('a keychain that fails', () => {
  it('leaves no profile behind for a new registry, and puts an edited one back', async () => {
    await engine.close()
    start(keychainDown)
    const lab = getLab()
    const credential = { username: lab.users.reader.username, secret: lab.users.reader.password }
    const error = await rejection(engine.api.connectRegistry({ profile: { name: 'basic', url: lab.basic.url }, credential }))
    expect(error.code).toBe('keychain_unavailable')
    expect(engine.profiles.list()).toEqual([])

    // An edit: the profile exists (saved anonymously), the new secret cannot be stored.
    const { view } = await engine.api.connectRegistry({ profile: { name: 'token', url: lab.token.url } })
    const before = engine.profiles.get(view.id)
    await rejection(engine.api.connectRegistry({ profile: { id: view.id, name: 'token as reader', url: view.url }, credential }))
    expect(engine.profiles.get(view.id)).toEqual(before)
  })
})

describe('a token realm on another host name and port (the lab’s tlsRealm)', () => {
  const byRole = (hosts: HostTrust[] | undefined, role: HostTrust['role']): HostTrust | undefined => hosts?.find((h) => h.role === role)

  it('shows both certificates, each untrusted, each naming its own host', async () => {
    const { tlsRealm } = getLab()
    const probe = await engine.api.probeRegistry({ url: tlsRealm.host, insecure: false })
    expect(probe.realm).toBe(tlsRealm.realm)
    const registry = byRole(probe.hosts, 'registry')
    const realm = byRole(probe.hosts, 'token-realm')
    expect(registry).toMatchObject({ host: tlsRealm.host, trusted: false, certificate: { fingerprint256: tlsRealm.fingerprint256 } })
    expect(realm).toMatchObject({ host: tlsRealm.realmHost, trusted: false, certificate: { fingerprint256: tlsRealm.realmFingerprint256 } })
    expect(realm?.host.startsWith('localhost:')).toBe(true)
    expect(registry?.certificate?.fingerprint256).not.toBe(realm?.certificate?.fingerprint256)
  })

  it('refuses to save with only the registry pinned, naming the token server; saves with both pinned', async () => {
    const lab = getLab()
    const { tlsRealm } = lab
    const registryPin = { host: tlsRealm.host, fingerprint: tlsRealm.fingerprint256 }
    const realmPin = { host: tlsRealm.realmHost, fingerprint: tlsRealm.realmFingerprint256 }
    const credential = { username: lab.users.reader.username, secret: lab.users.reader.password }

    const half = await engine.api.probeRegistry({ url: tlsRealm.host, insecure: false, trust: { pins: [registryPin] } })
    expect(half.hosts?.filter((h) => !h.trusted).map((h) => h.host)).toEqual([tlsRealm.realmHost])
    const refused = await rejection(
      engine.api.connectRegistry({ profile: { name: 'split', url: tlsRealm.url }, trust: { pins: [registryPin] }, credential }),
    )
    expect(refused.code).toBe('tls_untrusted')
    expect(refused.message).toBe(
      `The certificate of the token server ${tlsRealm.realmHost} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE). ` +
        `${tlsRealm.host} sends Berth there for its tokens.`,
    )
    expect(refused.data.certificate?.fingerprint256).toBe(tlsRealm.realmFingerprint256)
    expect(engine.profiles.list()).toEqual([])

    const { view } = await engine.api.connectRegistry({
      profile: { name: 'split', url: tlsRealm.url },
      trust: { pins: [registryPin, realmPin] },
      credential,
    })
    expect(view.pinnedFingerprint).toBe(tlsRealm.fingerprint256)
    expect(view.hostPins).toEqual([realmPin])
    const tags = await engine.api.listTags({ registryId: view.id, repository: 'acme/web' })
    expect(tags.tags.sort()).toEqual(Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort())
    // Review certificate… on the saved registry: nothing left to trust.
    const again = await engine.api.probeRegistry({ url: view.url, insecure: false, registryId: view.id })
    expect(again.hosts?.every((h) => h.trusted)).toBe(true)
  })

  it('takes the lab CA as enough for both hosts', async () => {
    const lab = getLab()
    const { tlsRealm } = lab
    const probe = await engine.api.probeRegistry({ url: tlsRealm.host, insecure: false, trust: { pins: [], caPem: tlsRealm.caPem } })
    expect(probe.hosts?.map((h) => [h.role, h.trusted])).toEqual([
      ['registry', true],
      ['token-realm', true],
    ])
    const { view } = await engine.api.connectRegistry({
      profile: { name: 'split', url: tlsRealm.url },
      trust: { pins: [], caPem: tlsRealm.caPem },
      credential: { username: lab.users.reader.username, secret: lab.users.reader.password },
    })
    expect(view.caPem).toBeDefined()
    expect(view.hostPins).toBeUndefined()
    expect((await engine.api.listTags({ registryId: view.id, repository: 'acme/web' })).tags.length).toBeGreaterThan(0)
  })

  it('adds the realm’s pin to a registry saved with only its own, as Review certificate… does', async () => {
    const lab = getLab()
    const { tlsRealm } = lab
    const saved = await engine.api.saveRegistry({ profile: { name: 'split', url: tlsRealm.url, kind: 'distribution' } })
    await engine.api.trustCertificate({ registryId: saved.id, fingerprint: tlsRealm.fingerprint256 })
    const failing = await rejection(engine.api.listTags({ registryId: saved.id, repository: 'public/hello' }))
    expect(failing.message).toContain(`The certificate of the token server ${tlsRealm.realmHost} is not trusted`)
    expect(failing.fix).toContain(`berth trust ${tlsRealm.host} --show`)

    const review = await engine.api.probeRegistry({ url: saved.url, insecure: false, registryId: saved.id })
    expect(review.hosts?.filter((h) => !h.trusted).map((h) => h.role)).toEqual(['token-realm'])
    const realm = review.hosts?.find((h) => h.role === 'token-realm')
    await engine.api.connectRegistry({
      profile: { id: saved.id, name: saved.name, url: saved.url },
      trust: { pins: [{ host: realm?.host ?? '', fingerprint: realm?.certificate?.fingerprint256 ?? '' }] },
    })
    expect((await engine.api.listTags({ registryId: saved.id, repository: 'public/hello' })).tags.length).toBeGreaterThan(0)
  })
})

// Token lifetime, OAuth2 refresh tokens and delete rights against the real lab.
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryClient } from '../../electron/http/registry-client'
import { systemClock, type Clock } from '../../electron/http/http-clock'
import type { RegistryClient, RegistryCredential } from '../../electron/http/client-types'
import { getLab, issuerStats, resetIssuerStats, setTokenTtl, type LabRegistry } from '../lab/lab-client'

const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function clientFor(registry: LabRegistry, credential: RegistryCredential | null, onRefreshToken?: (token: string) => void): RegistryClient {
  const client = createRegistryClient({
    endpoint: { url: registry.url, host: registry.host, insecure: true },
    credentials: () => Promise.resolve(credential),
    ...(onRefreshToken ? { onRefreshToken } : {}),
  })
  clients.push(client)
  return client
}

function basic(user: 'reader' | 'writer' | 'admin'): RegistryCredential {
  const { username, password } = getLab().users[user]
  return { kind: 'basic', username, password }
}

const nested = 'group/subgroup/project/image'

describe('token lifetime', () => {
  afterEach(async () => {
    await setTokenTtl(300)
  })

  it('keeps listing and reading manifests across several short token lifetimes with a bounded number of token requests', async () => {
    const lab = getLab()
    await setTokenTtl(3)
    await resetIssuerStats()
    const client = clientFor(lab.token, basic('reader'))
    const expectedTags = Object.keys(lab.truth.repositories[nested] ?? {}).sort()
    const expectedDigest = lab.truth.repositories[nested]?.latest?.digest
    // Work continuously for more than two token lifetimes (3 s each).
    const until = Date.now() + 7_500
    let rounds = 0
    while (Date.now() < until) {
      expect((await client.listTags(nested)).sort()).toEqual(expectedTags)
      expect((await client.getManifest(nested, 'latest')).digest).toBe(expectedDigest)
      rounds++
    }
    const stats = await issuerStats()
    expect(rounds).toBeGreaterThan(2)
    expect(stats.total).toBeGreaterThanOrEqual(1)
    // Tokens are cached, not fetched per request. (expires_in < 60 counts as 60 per DIST token.md,
    // and distribution 2.8 itself still accepts these tokens: it allows clock-skew leeway on exp.)
    expect(stats.total).toBeLessThanOrEqual(8)
    expect(stats.unauthorized).toBe(0)
  })

  it('renews tokens before they expire when the clock says they are due, with every request succeeding', async () => {
    const lab = getLab()
    await setTokenTtl(3)
    await resetIssuerStats()
    // The client's clock runs 20 s ahead per round, so its 60 s tokens come due every few rounds.
    let offset = 0
    const clock: Clock = { ...systemClock, now: () => Date.now() + offset }
    const client = createRegistryClient({
      endpoint: { url: lab.token.url, host: lab.token.host, insecure: true },
      credentials: () => Promise.resolve(basic('reader')),
      clock,
    })
    clients.push(client)
    const expectedTags = Object.keys(lab.truth.repositories[nested] ?? {}).sort()
    for (let round = 0; round < 12; round++) {
      expect((await client.listTags(nested)).sort()).toEqual(expectedTags)
      expect((await client.headManifest(nested, 'latest')).digest).toBe(lab.truth.repositories[nested]?.latest?.digest)
      offset += 20_000
    }
    const stats = await issuerStats()
    // 12 rounds × 20 s = 240 s of client time with 60 s tokens renewed 5 s early: a handful of
    // renewals, far fewer than the 24 requests.
    expect(stats.total).toBeGreaterThanOrEqual(3)
    expect(stats.total).toBeLessThanOrEqual(9)
    expect(stats.unauthorized).toBe(0)
  })
})

describe('OAuth2 refresh token', () => {
  it('lists tags with a refresh-token credential through the OAuth2 POST', async () => {
    const lab = getLab()
    const { username, password } = lab.users.reader
    const form = new URLSearchParams({
      grant_type: 'password',
      username,
      password,
      client_id: 'berth-test',
      access_type: 'offline',
      service: lab.token.service,
      scope: `repository:${nested}:pull`,
    })
    const response = await fetch(lab.token.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    const body = (await response.json()) as { refresh_token?: string }
    expect(typeof body.refresh_token).toBe('string')
    await resetIssuerStats()
    const seen: string[] = []
    const client = clientFor(lab.token, { kind: 'refresh_token', refreshToken: body.refresh_token ?? '' }, (t) => seen.push(t))
    expect((await client.listTags(nested)).sort()).toEqual(Object.keys(lab.truth.repositories[nested] ?? {}).sort())
    const stats = await issuerStats()
    expect(stats.refresh_token).toBeGreaterThanOrEqual(1)
    expect(stats.get).toBe(0)
    // The lab hands back the same refresh token: nothing new to store.
    expect(seen).toEqual([])
  })
})

describe('delete rights', () => {
  it('answers forbidden to the reader deleting a manifest, and the manifest stays', async () => {
    const lab = getLab()
    const client = clientFor(lab.token, basic('reader'))
    const { digest } = await client.headManifest(nested, 'latest')
    expect(digest).not.toBeNull()
    await expect(client.deleteManifest(nested, digest ?? '')).rejects.toMatchObject({ code: 'forbidden' })
    expect((await client.headManifest(nested, digest ?? '')).digest).toBe(digest)
    expect(await client.listTags(nested)).toContain('latest')
  })

  it('answers delete_disabled where the registry has deletes turned off', async () => {
    const lab = getLab()
    const client = clientFor(lab.noDelete, null)
    const { digest } = await client.headManifest(nested, 'latest')
    await expect(client.deleteManifest(nested, digest ?? '')).rejects.toMatchObject({ code: 'delete_disabled' })
    expect((await client.headManifest(nested, 'latest')).digest).toBe(digest)
  })
})

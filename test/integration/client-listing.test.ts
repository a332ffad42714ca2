// The registry client against the real lab (distribution 2.8 + the token issuer): ping, catalog and
// tags in every auth mode, tag pagination through the paging front, catalog rights per role.
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryClient, type RegistryClientOptions } from '../../electron/http/registry-client'
import type { RegistryClient, RegistryCredential } from '../../electron/http/client-types'
import { getLab, type LabRegistry, type LabUser } from '../lab/lab-client'

const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function clientFor(registry: LabRegistry, user?: LabUser, extra: Partial<RegistryClientOptions> = {}): RegistryClient {
  const credential: RegistryCredential | null = user ? { kind: 'basic', username: user.username, password: user.password } : null
  const client = createRegistryClient({
    endpoint: { url: registry.url, host: registry.host, insecure: registry.url.startsWith('http:') },
    credentials: () => Promise.resolve(credential),
    ...extra,
  })
  clients.push(client)
  return client
}

function truthTags(repository: string): string[] {
  return Object.keys(getLab().truth.repositories[repository] ?? {}).sort()
}

const nested = 'group/subgroup/project/image'

describe('open registry', () => {
  it('pings as open and lists the catalog and the tags of every seeded repository', async () => {
    const client = clientFor(getLab().open)
    expect((await client.ping()).auth).toBe('open')
    const listing = await client.catalog()
    expect(listing.catalog).toBe('available')
    // Other tests may push scratch repositories to the shared lab: every seeded one must be listed.
    expect(listing.repositories).toEqual(expect.arrayContaining(getLab().open.repositories))
    expect((await client.listTags('acme/web')).sort()).toEqual(truthTags('acme/web'))
  })

  it('lists a catalog larger than one page when asked for small pages', async () => {
    const client = clientFor(getLab().open)
    const paged = await client.catalog({ pageSize: 2 })
    expect(paged.repositories).toEqual((await client.catalog()).repositories)
    expect(new Set(paged.repositories).size).toBe(paged.repositories.length)
  })
})

describe('basic registry', () => {
  it('pings as basic, then lists catalog and tags as the writer', async () => {
    const lab = getLab()
    const client = clientFor(lab.basic, lab.users.writer)
    expect((await client.ping()).auth).toBe('basic')
    expect((await client.catalog()).repositories).toContain(nested)
    expect((await client.listTags(nested)).sort()).toEqual(truthTags(nested))
  })

  it('answers unauthorized without credentials', async () => {
    await expect(clientFor(getLab().basic).listTags(nested)).rejects.toMatchObject({ code: 'unauthorized' })
  })
})

describe('token registry', () => {
  it('pings as bearer with the realm and service of the issuer', async () => {
    const lab = getLab()
    const ping = await clientFor(lab.token).ping()
    expect(ping).toMatchObject({ auth: 'bearer', realm: lab.token.realm, service: lab.token.service })
  })

  it('gives the admin the full catalog including nested repositories', async () => {
    const lab = getLab()
    const listing = await clientFor(lab.token, lab.users.admin).catalog()
    expect(listing.catalog).toBe('available')
    expect(listing.repositories).toContain(nested)
    expect(listing.repositories).toEqual(expect.arrayContaining(lab.token.repositories))
  })

  it('reports the catalog as unavailable for the reader, saying why', async () => {
    const lab = getLab()
    const listing = await clientFor(lab.token, lab.users.reader).catalog()
    expect(listing.catalog).toBe('unavailable')
    expect(listing.reason).toMatch(/catalog/)
  })

  it('lists tags as the reader and as the admin', async () => {
    const lab = getLab()
    expect((await clientFor(lab.token, lab.users.reader).listTags(nested)).sort()).toEqual(truthTags(nested))
    expect((await clientFor(lab.token, lab.users.admin).listTags('acme/web')).sort()).toEqual(truthTags('acme/web'))
  })

  it('lets anonymous users pull public/ repositories and nothing else', async () => {
    const client = clientFor(getLab().token)
    expect((await client.listTags('public/hello')).sort()).toEqual(truthTags('public/hello'))
    await expect(client.listTags(nested)).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('reads a manifest by tag and by digest with the digest of its bytes', async () => {
    const lab = getLab()
    const client = clientFor(lab.token, lab.users.reader)
    const truth = lab.truth.repositories['acme/web']?.latest
    const byTag = await client.getManifest('acme/web', 'latest')
    expect(byTag.digest).toBe(truth?.digest)
    expect(byTag.mediaType).toBe(truth?.mediaType)
    expect((await client.getManifest('acme/web', byTag.digest)).digest).toBe(truth?.digest)
    expect((await client.headManifest('acme/web', 'latest')).digest).toBe(truth?.digest)
  })
})

describe('paging front', () => {
  it('reads every tag through pages of 7 with relative Links', async () => {
    const client = clientFor(getLab().paging)
    expect(await client.listTags('acme/web', { pageSize: 7 })).toEqual(truthTags('acme/web'))
    const many = await client.listTags('perf/many', { pageSize: 7 })
    expect(many).toEqual(truthTags('perf/many'))
    expect(new Set(many).size).toBe(many.length)
  })
})

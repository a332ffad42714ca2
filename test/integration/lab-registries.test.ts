import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { getLab } from '../lab/lab-client'
import { MANIFEST_ACCEPT, basicAuthorization, catalogSchema, fetchToken, tagListSchema } from '../lab/test-helpers'

const lab = getLab()
const fixtureRepositories = Object.keys(lab.truth.repositories).sort()
const webTags = Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort()

async function getJson(url: string, authorization?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url, authorization === undefined ? {} : { headers: { authorization } })
  return { status: response.status, body: await response.json(), headers: response.headers }
}

describe('the open registry', () => {
  it('answers the ping without credentials', async () => {
    const response = await fetch(`${lab.open.url}/v2/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0')
  })

  it('lists every fixture repository in its catalog', async () => {
    const { status, body } = await getJson(`${lab.open.url}/v2/_catalog`)
    expect(status).toBe(200)
    // Tests that push their own content do it under e2e/ (the hostile-content test) or scratch/
    // (client-push, the copy tests): the shared lab's catalog is the fixtures plus those.
    const listed = catalogSchema.parse(body).repositories
    expect(listed.filter((r) => !r.startsWith('e2e/') && !r.startsWith('scratch/'))).toEqual(fixtureRepositories)
    expect([...lab.open.repositories].sort()).toEqual(fixtureRepositories)
  })

  it('lists the tags of acme/web and all 1,000 tags of perf/many', async () => {
    const web = tagListSchema.parse((await getJson(`${lab.open.url}/v2/acme/web/tags/list`)).body)
    expect([...web.tags].sort()).toEqual(webTags)
    expect(webTags.length).toBeGreaterThanOrEqual(30)
    const many = tagListSchema.parse((await getJson(`${lab.open.url}/v2/perf/many/tags/list`)).body)
    expect(many.tags).toHaveLength(1000)
  })
})

describe('the basic-auth registry', () => {
  it('challenges with Basic and rejects a wrong password', async () => {
    const anonymous = await fetch(`${lab.basic.url}/v2/`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    const wrong = await fetch(`${lab.basic.url}/v2/`, {
      headers: { authorization: basicAuthorization({ username: 'writer', password: 'nope' }) },
    })
    expect(wrong.status).toBe(401)
  })

  it('serves the catalog and tags to the writer', async () => {
    const authorization = basicAuthorization(lab.users.writer)
    expect((await fetch(`${lab.basic.url}/v2/`, { headers: { authorization } })).status).toBe(200)
    const catalog = await getJson(`${lab.basic.url}/v2/_catalog`, authorization)
    // The copy tests push throw-away repositories under scratch/ to this shared registry too.
    const seeded = catalogSchema.parse(catalog.body).repositories.filter((name) => !name.startsWith('scratch/'))
    expect(seeded).toEqual([...lab.basic.repositories].sort())
    expect(lab.basic.repositories).not.toContain('perf/many')
    const tags = await getJson(`${lab.basic.url}/v2/public/hello/tags/list`, authorization)
    expect([...tagListSchema.parse(tags.body).tags].sort()).toEqual(['1.0', 'latest'])
  })
})

describe('the token-auth registry', () => {
  it('challenges with a Bearer realm on the lab issuer', async () => {
    const response = await fetch(`${lab.token.url}/v2/`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${lab.token.realm}",service="${lab.token.service}"`)
  })

  it('accepts a token fetched by hand for ping, catalog and tags', async () => {
    const { token } = await fetchToken(
      lab.token.realm,
      lab.token.service,
      ['registry:catalog:*', 'repository:acme/web:pull'],
      lab.users.admin,
    )
    const authorization = `Bearer ${token}`
    expect((await fetch(`${lab.token.url}/v2/`, { headers: { authorization } })).status).toBe(200)
    const catalog = await getJson(`${lab.token.url}/v2/_catalog`, authorization)
    expect(catalog.status).toBe(200)
    // Other tests of the run push throw-away repositories under scratch/ to this shared registry.
    const seeded = catalogSchema.parse(catalog.body).repositories.filter((name) => !name.startsWith('scratch/'))
    expect(seeded).toEqual([...lab.token.repositories].sort())
    const tags = await getJson(`${lab.token.url}/v2/acme/web/tags/list`, authorization)
    expect([...tagListSchema.parse(tags.body).tags].sort()).toEqual(webTags)
  })

  it('refuses the catalog to a reader, whose token carries no registry scope', async () => {
    const { token } = await fetchToken(lab.token.realm, lab.token.service, ['registry:catalog:*'], lab.users.reader)
    const response = await fetch(`${lab.token.url}/v2/_catalog`, { headers: { authorization: `Bearer ${token}` } })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
  })
})

describe('the seeded content', () => {
  it('matches the truth digests byte for byte for every tag outside perf/many', async () => {
    for (const [repository, tags] of Object.entries(lab.truth.repositories)) {
      if (repository === 'perf/many') continue
      for (const [tag, truth] of Object.entries(tags)) {
        const response = await fetch(`${lab.open.url}/v2/${repository}/manifests/${tag}`, { headers: { accept: MANIFEST_ACCEPT } })
        expect(response.status, `${repository}:${tag}`).toBe(200)
        const bytes = Buffer.from(await response.arrayBuffer())
        expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, `${repository}:${tag}`).toBe(truth.digest)
        expect(response.headers.get('content-type')).toBe(truth.mediaType)
      }
    }
  })

  it('holds the shapes the Berth tests rely on', () => {
    const web = lab.truth.repositories['acme/web'] ?? {}
    expect(web.latest?.digest).toBe(web['2.3.0']?.digest)
    expect(web.stable?.digest).toBe(web['2.3.0']?.digest)
    expect(web.reproducible?.created).toBeNull()
    expect(web['1.0.0']?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    const multiarch = lab.truth.repositories['acme/multiarch']?.['1.0']
    expect(multiarch?.platforms.map((p) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ])
    expect(multiarch?.attestations).toBe(1)
    // The shared assets layer is counted once for the index, once in each platform.
    const platformSum = (multiarch?.platforms ?? []).reduce((sum, p) => sum + p.size, 0)
    expect(multiarch?.size).toBeLessThan(platformSum)
    expect(lab.truth.repositories['acme/legacy-list']?.['1.0']?.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(lab.truth.repositories['charts/demo']?.['0.1.0']?.artifactType).toBe('application/vnd.cncf.helm.config.v1+json')
    expect(Object.keys(lab.truth.repositories['group/subgroup/project/image'] ?? {})).toHaveLength(3)
    expect(Object.keys(lab.truth.repositories['perf/many'] ?? {})).toHaveLength(1000)
    expect(new Set(Object.values(lab.truth.repositories['perf/many'] ?? {}).map((t) => t.digest)).size).toBe(1000)
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isDockerHub, resolvesByHead } from '../../../electron/operations/content-loader'
import { createDigestCache } from '../../../electron/stores/cache/digest-cache'
import { loadTagDetails } from '../../../electron/operations/tag-details'
import { createTagIndex } from '../../../electron/stores/cache/tag-index'
import type { RegistryEndpoint } from '../../../electron/http/client-types'
import type { TagDetailsResult } from '../../../shared/types'
import { FakeRegistryClient } from './fake-registry-client'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const repo = 'acme/web'

class DockerHubFake extends FakeRegistryClient {
  override readonly endpoint: RegistryEndpoint = { url: 'https://registry-1.docker.io', host: 'registry-1.docker.io', insecure: false }
}

function seed(fake: FakeRegistryClient) {
  const layer = fake.addLayer(repo, 100)
  const one = fake.addImage(repo, '1.0', { created: '2025-03-01T10:00:00Z', layers: [layer] })
  const two = fake.addImage(repo, '2.0', { created: '2025-04-01T10:00:00Z', layers: [layer] })
  return { one, two }
}

function digests(results: TagDetailsResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.tag, r.ok ? r.details.digest : `error:${r.error.code}`]))
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-hints-'))
  dirs.push(dir)
  return dir
}

describe('loadTagDetails with tag digest hints', () => {
  it('revalidates a hinted tag with one HEAD and takes its manifest and config from the cache', async () => {
    const fake = new FakeRegistryClient()
    seed(fake)
    const cache = createDigestCache({})
    await loadTagDetails(fake, repo, ['1.0', '2.0'], { cache })
    fake.calls.length = 0
    await loadTagDetails(fake, repo, ['1.0', '2.0'], { cache })
    expect(fake.calls.map((c) => `${c.method} ${c.reference}`).sort()).toEqual(['HEAD 1.0', 'HEAD 2.0'])
  })

  it('reports the digest the registry answers now when a tag moved since its hint', async () => {
    const fake = new FakeRegistryClient()
    const { one, two } = seed(fake)
    const cache = createDigestCache({})
    await loadTagDetails(fake, repo, ['1.0'], { cache })
    fake.tag(repo, '1.0', two.digest)
    fake.calls.length = 0
    const moved = await loadTagDetails(fake, repo, ['1.0'], { cache })
    expect(digests(moved)).toEqual({ '1.0': two.digest })
    expect(one.digest).not.toBe(two.digest)
    // HEAD saw the new digest; its manifest and config were not cached yet, so they are fetched by digest.
    expect(fake.calls.map((c) => `${c.method} ${c.kind} ${c.reference}`)).toEqual([
      `HEAD manifest 1.0`,
      `GET manifest ${two.digest}`,
      `GET blob ${two.configDigest}`,
    ])
    fake.calls.length = 0
    await loadTagDetails(fake, repo, ['1.0'], { cache })
    expect(fake.calls.map((c) => c.method)).toEqual(['HEAD'])
  })

  it('forgets the hint of a deleted tag so it is asked for with a GET again', async () => {
    const fake = new FakeRegistryClient()
    seed(fake)
    const cache = createDigestCache({})
    await loadTagDetails(fake, repo, ['2.0'], { cache })
    fake.repo(repo).tags.delete('2.0')
    const gone = await loadTagDetails(fake, repo, ['2.0'], { cache })
    expect(digests(gone)).toEqual({ '2.0': 'error:not_found' })
    const { two } = seed(fake)
    fake.calls.length = 0
    const back = await loadTagDetails(fake, repo, ['2.0'], { cache })
    expect(digests(back)).toEqual({ '2.0': two.digest })
    expect(fake.calls.map((c) => `${c.method} ${c.kind}`)).toEqual(['GET manifest'])
  })

  it('keeps HEAD first on Docker Hub even for a tag it has never seen', async () => {
    const fake = new DockerHubFake()
    seed(fake)
    await loadTagDetails(fake, repo, ['1.0', '2.0'], { cache: createDigestCache({}) })
    expect(fake.count('HEAD', 'manifest')).toBe(2)
    // GETs by digest only: a GET by tag would be a second pull of the same tag.
    expect(fake.calls.filter((c) => c.method === 'GET' && c.kind === 'manifest').every((c) => c.reference.startsWith('sha256:'))).toBe(true)
  })

  it('uses no hints when asked not to', async () => {
    const fake = new FakeRegistryClient()
    seed(fake)
    const cache = createDigestCache({})
    await loadTagDetails(fake, repo, ['1.0'], { cache, tagIndex: null })
    fake.calls.length = 0
    await loadTagDetails(fake, repo, ['1.0'], { cache, tagIndex: null })
    expect(fake.calls.map((c) => `${c.method} ${c.kind}`)).toEqual(['GET manifest'])
  })

  it('hands hints to a fresh process through the cache directory', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    const { one } = seed(fake)
    const first = await loadTagDetails(fake, repo, ['1.0'], { cache: createDigestCache({ directory: dir }) })
    fake.calls.length = 0
    const second = await loadTagDetails(fake, repo, ['1.0'], { cache: createDigestCache({ directory: dir }) })
    expect(second).toEqual(first)
    expect(digests(second)).toEqual({ '1.0': one.digest })
    expect(fake.calls.map((c) => c.method)).toEqual(['HEAD'])
  })

  it('keeps hints of one repository away from another repository of the same name elsewhere', async () => {
    const index = createTagIndex({ directory: await tempDir() })
    const fake = new FakeRegistryClient()
    seed(fake)
    await loadTagDetails(fake, repo, ['1.0'], { tagIndex: index })
    const other = (await index.open('other.example:5000', repo)).get('1.0')
    expect(other).toBeUndefined()
    expect((await index.open(fake.endpoint.host, repo)).get('1.0')).toMatch(/^sha256:/)
  })
})

describe('choosing HEAD or GET for a reference', () => {
  const digest = `sha256:${'c'.repeat(64)}`
  it.each([
    ['an unknown tag on a private registry', 'registry.example:5000', '1.0', undefined, false],
    ['a hinted tag', 'registry.example:5000', '1.0', digest, true],
    ['a digest', 'registry.example:5000', digest, undefined, true],
    ['an unknown tag on Docker Hub', 'registry-1.docker.io', '1.0', undefined, true],
    ['an unknown tag on docker.io', 'docker.io', '1.0', undefined, true],
  ])('resolves %s with a HEAD first only when that saves a GET or a pull', (_what, host, reference, hint, head) => {
    expect(resolvesByHead(host, reference, hint)).toBe(head)
  })

  it('does not take a look-alike host for Docker Hub', () => {
    expect(isDockerHub('notdocker.io')).toBe(false)
    expect(isDockerHub('docker.io.example')).toBe(false)
    expect(isDockerHub('INDEX.DOCKER.IO:443')).toBe(true)
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cachedTagDetails as packedCachedTagDetails } from '../../../electron/operations/cached-details'
import { unpackCachedTagDetails } from '../../../shared/cached-details'
import { createDigestCache } from '../../../electron/stores/cache/digest-cache'
import { ociManifest } from '../../../electron/http/media-types'
import { loadTagDetails } from '../../../electron/operations/tag-details'
import { createTagIndex } from '../../../electron/stores/cache/tag-index'
import type { TagDetails } from '../../../shared/types'
import { FakeRegistryClient } from './fake-registry-client'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cached-details-'))
  dirs.push(dir)
  return dir
}

const repo = 'acme/web'

function seed(fake: FakeRegistryClient) {
  const layer = fake.addLayer(repo, 100)
  const one = fake.addImage(repo, '1.0', { created: '2025-03-01T10:00:00Z', layers: [layer] })
  const two = fake.addImage(repo, '2.0', {
    created: '2025-04-01T10:00:00Z',
    layers: [layer],
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  })
  const amd = fake.addImage(repo, undefined, { created: '2025-05-01T10:00:00Z', layers: [layer] })
  const arm = fake.addImage(repo, undefined, {
    created: '2025-05-02T10:00:00Z',
    layers: [layer],
    platform: { os: 'linux', architecture: 'arm64' },
  })
  const index = fake.addIndex(repo, 'multi', [
    { mediaType: ociManifest, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: ociManifest, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64' } },
  ])
  return { one, two, amd, arm, index }
}

const cachedTagDetails = async (...args: Parameters<typeof packedCachedTagDetails>): Promise<TagDetails[]> =>
  unpackCachedTagDetails(await packedCachedTagDetails(...args))

const byTag = (rows: TagDetails[]): Record<string, TagDetails> => Object.fromEntries(rows.map((r) => [r.tag, r]))

describe('cachedTagDetails', () => {
  it('gives a fresh process the same details the registry verified last time, with no request', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    seed(fake)
    const verified = await loadTagDetails(fake, repo, ['1.0', '2.0', 'multi'], { cache: createDigestCache({ directory: dir }) })
    fake.calls.length = 0

    const cached = await cachedTagDetails(createDigestCache({ directory: dir }), fake.endpoint.host, repo)

    expect(fake.calls).toEqual([])
    expect(byTag(cached)).toEqual(Object.fromEntries(verified.map((r) => [r.tag, r.ok ? r.details : null])))
  })

  it('shows the details kept with the hints even when the content itself is no longer cached', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    seed(fake)
    const verified = await loadTagDetails(fake, repo, ['1.0', 'multi'], { cache: createDigestCache({ directory: dir }) })
    await rm(join(dir, 'packs'), { recursive: true })
    const cached = await cachedTagDetails(createDigestCache({ directory: dir }), fake.endpoint.host, repo)
    expect(byTag(cached)).toEqual(Object.fromEntries(verified.map((r) => [r.tag, r.ok ? r.details : null])))
  })

  it('derives from cached content for hints without kept details, leaving out what is not all cached', async () => {
    const fake = new FakeRegistryClient()
    const { one, two, amd, arm, index } = seed(fake)
    // Hints alone, as an index file from before details were kept would give.
    const tagIndex = createTagIndex({})
    const hints = await tagIndex.open(fake.endpoint.host, repo)
    hints.set('1.0', one.digest)
    hints.set('2.0', two.digest)
    hints.set('multi', index.digest)
    // Every manifest, but only the configs of 1.0 and of the index's amd64 child.
    const partial = createDigestCache({})
    for (const m of [one, two, amd, arm, index]) await partial.put(m.digest, m.bytes)
    for (const config of [one.configDigest, amd.configDigest])
      await partial.put(config, await fake.getBlob(repo, config, { maxBytes: 1 << 20 }))

    const cached = await cachedTagDetails(partial, fake.endpoint.host, repo, tagIndex)
    expect(cached.map((r) => r.tag)).toEqual(['1.0'])
    expect(cached[0]?.created).toBe('2025-03-01T10:00:00.000Z')
  })

  it('keeps what a Helm chart is in cached rows, kept with the hints or derived again from cached content', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    const config = fake.addBlob('charts/demo', new TextEncoder().encode('{"name":"demo","version":"0.1.0","appVersion":"1.0.0"}'))
    const layer = fake.addLayer('charts/demo', 300)
    fake.addManifest(
      'charts/demo',
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', ...config },
        layers: [{ ...layer, mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' }],
      },
      ociManifest,
      '0.1.0',
    )
    await loadTagDetails(fake, 'charts/demo', ['0.1.0'], { cache: createDigestCache({ directory: dir }) })
    const chart = { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.0.0' }
    const kept = await cachedTagDetails(createDigestCache({ directory: dir }), fake.endpoint.host, 'charts/demo')
    expect(kept[0]?.artifact).toEqual(chart)

    // Hints without details (a file from before kinds were kept): derived from the cached manifest and config.
    const tagIndex = createTagIndex({})
    ;(await tagIndex.open(fake.endpoint.host, 'charts/demo')).set('0.1.0', kept[0]?.digest ?? '')
    const derived = await cachedTagDetails(createDigestCache({ directory: dir }), fake.endpoint.host, 'charts/demo', tagIndex)
    expect(derived[0]?.artifact).toEqual(chart)
  })

  it('knows nothing about a repository it never loaded, or one on another host', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    seed(fake)
    await loadTagDetails(fake, repo, ['1.0'], { cache: createDigestCache({ directory: dir }) })
    const cache = createDigestCache({ directory: dir })
    expect(await cachedTagDetails(cache, fake.endpoint.host, 'acme/other')).toEqual([])
    expect(await cachedTagDetails(cache, 'elsewhere.example:5000', repo)).toEqual([])
  })

  it('reports the digest the tag had when verified, even after the registry moved it', async () => {
    const dir = await tempDir()
    const fake = new FakeRegistryClient()
    const { one, two } = seed(fake)
    await loadTagDetails(fake, repo, ['1.0'], { cache: createDigestCache({ directory: dir }) })
    fake.tag(repo, '1.0', two.digest)
    // The cache cannot know: that is why the UI shows these rows as "checking" until verified.
    const cached = await cachedTagDetails(createDigestCache({ directory: dir }), fake.endpoint.host, repo)
    expect(byTag(cached)['1.0']?.digest).toBe(one.digest)
  })
})

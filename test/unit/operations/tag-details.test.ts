import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createDigestCache } from '../../../electron/stores/cache/digest-cache'
import {
  dockerManifest,
  dockerManifestList,
  dockerSchema1Signed,
  helmChartLayer,
  helmConfig,
  inTotoLayer,
  ociManifest,
} from '../../../electron/http/media-types'
import { loadTagDetails } from '../../../electron/operations/tag-details'
import type { ManifestResponse } from '../../../electron/http/client-types'
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import { FakeRegistryClient } from './fake-registry-client'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const repo = 'acme/web'

function details(results: TagDetailsResult[], tag: string): TagDetails {
  const r = results.find((x) => x.tag === tag)
  if (!r?.ok) throw new Error(`no details for ${tag}: ${JSON.stringify(r)}`)
  return r.details
}

/** Two images sharing a base layer, one with three tags, one epoch-0. */
function seedImages(fake: FakeRegistryClient) {
  const base = fake.addLayer(repo, 1000)
  const app1 = fake.addLayer(repo, 200)
  const app2 = fake.addLayer(repo, 300)
  const one = fake.addImage(repo, '1.0', { created: '2025-03-01T10:00:00Z', layers: [base, app1] })
  fake.tag(repo, 'latest', one.digest)
  fake.tag(repo, 'stable', one.digest)
  const two = fake.addImage(repo, '2.0', { created: '1970-01-01T00:00:00Z', layers: [base, app2], mediaType: dockerManifest })
  return { base, app1, app2, one, two }
}

function seedMultiarch(fake: FakeRegistryClient, listType = 'application/vnd.oci.image.index.v1+json') {
  const shared = fake.addLayer('acme/multiarch', 500)
  const amdOnly = fake.addLayer('acme/multiarch', 100)
  const armOnly = fake.addLayer('acme/multiarch', 150)
  const amd = fake.addImage('acme/multiarch', undefined, { created: '2025-05-01T09:00:00Z', layers: [shared, amdOnly] })
  const arm = fake.addImage('acme/multiarch', undefined, {
    created: '2025-05-01T10:00:00Z',
    layers: [shared, armOnly],
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  })
  const statement = fake.addBlob('acme/multiarch', new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v0.1"}'))
  const att = fake.addImage('acme/multiarch', undefined, {
    layers: [{ mediaType: inTotoLayer, ...statement }],
    platform: { os: 'unknown', architecture: 'unknown' },
  })
  const index = fake.addIndex(
    'acme/multiarch',
    '1.0',
    [
      { mediaType: ociManifest, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: ociManifest, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      {
        mediaType: ociManifest,
        digest: att.digest,
        size: att.size,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.digest },
      },
    ],
    listType,
  )
  return { shared, amdOnly, armOnly, amd, arm, att, index }
}

describe('loadTagDetails', () => {
  it('reports an image as config + compressed layers with its build date from the config', async () => {
    const fake = new FakeRegistryClient()
    const { base, app1, one } = seedImages(fake)
    const [row] = await loadTagDetails(fake, repo, ['1.0'])
    expect(row?.ok).toBe(true)
    const d = details([row as TagDetailsResult], '1.0')
    const configSize = fake.repo(repo).blobs.get(one.configDigest)?.byteLength ?? 0
    expect(d).toMatchObject({
      tag: '1.0',
      digest: one.digest,
      mediaType: ociManifest,
      kind: 'image',
      configDigest: one.configDigest,
      size: configSize + base.size + app1.size,
      sizeNote: 'compressed layers + config',
      created: '2025-03-01T10:00:00.000Z',
      createdSource: 'config',
      platforms: [],
      platform: { os: 'linux', architecture: 'amd64' },
      attestations: 0,
      artifactType: null,
    })
  })

  it('calls an epoch-0 build date unknown rather than 1970', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    const d = details(await loadTagDetails(fake, repo, ['2.0']), '2.0')
    expect(d.created).toBeNull()
    expect(d.createdSource).toBe('unknown')
    expect(d.mediaType).toBe(dockerManifest)
  })

  it('falls back to the created annotation when the config has no date', async () => {
    const fake = new FakeRegistryClient()
    fake.addImage(repo, 'annotated', {
      layers: [fake.addLayer(repo, 10)],
      annotations: { 'org.opencontainers.image.created': '2025-02-02T02:02:02Z' },
    })
    const d = details(await loadTagDetails(fake, repo, ['annotated']), 'annotated')
    expect(d.created).toBe('2025-02-02T02:02:02.000Z')
    expect(d.createdSource).toBe('annotation')
  })

  it('sums an index over its platforms with shared layers once and attestations left out', async () => {
    const fake = new FakeRegistryClient()
    const s = seedMultiarch(fake)
    const blobs = fake.repo('acme/multiarch').blobs
    const cfg = (d: string): number => blobs.get(d)?.byteLength ?? 0
    const d = details(await loadTagDetails(fake, 'acme/multiarch', ['1.0']), '1.0')
    const amdSize = cfg(s.amd.configDigest) + s.shared.size + s.amdOnly.size
    const armSize = cfg(s.arm.configDigest) + s.shared.size + s.armOnly.size
    expect(d).toMatchObject({
      kind: 'index',
      digest: s.index.digest,
      configDigest: null,
      size: amdSize + armSize - s.shared.size,
      created: '2025-05-01T10:00:00.000Z',
      createdSource: 'config',
      attestations: 1,
      sizeNote: 'compressed layers + config, 2 platforms, shared layers counted once, 1 attestation excluded',
    })
    expect(d.platforms).toEqual([
      { os: 'linux', architecture: 'amd64', digest: s.amd.digest, mediaType: ociManifest, size: amdSize },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: s.arm.digest, mediaType: ociManifest, size: armSize },
    ])
    // The attestation manifest is never fetched: it is not part of what the user runs.
    expect(fake.calls.some((c) => c.reference === s.att.digest)).toBe(false)
  })

  it('keeps a Docker manifest list a list, with its own digest', async () => {
    const fake = new FakeRegistryClient()
    const s = seedMultiarch(fake, dockerManifestList)
    const d = details(await loadTagDetails(fake, 'acme/multiarch', ['1.0']), '1.0')
    expect(d.kind).toBe('index')
    expect(d.mediaType).toBe(dockerManifestList)
    expect(d.digest).toBe(s.index.digest)
  })

  it('shows a Helm chart as an artifact with its type, size, annotated date, and name and versions from its small config', async () => {
    const fake = new FakeRegistryClient()
    const config = fake.addBlob(
      'charts/demo',
      new TextEncoder().encode('{"name":"demo","version":"0.1.0","appVersion":"1.2.3","apiVersion":"v2"}'),
    )
    const chart = fake.addLayer('charts/demo', 700)
    const m = fake.addManifest(
      'charts/demo',
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: helmConfig, ...config },
        layers: [{ ...chart, mediaType: helmChartLayer }],
        annotations: { 'org.opencontainers.image.created': '2025-06-01T12:00:00Z' },
      },
      ociManifest,
      '0.1.0',
    )
    const d = details(await loadTagDetails(fake, 'charts/demo', ['0.1.0']), '0.1.0')
    expect(d).toMatchObject({
      kind: 'artifact',
      digest: m.digest,
      artifactType: helmConfig,
      configDigest: config.digest,
      size: config.size + chart.size,
      created: '2025-06-01T12:00:00.000Z',
      createdSource: 'annotation',
      artifact: { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.2.3' },
    })
    // Chart.yaml's fields are only in the config: one small blob GET, then the digest cache.
    expect(fake.count('GET', 'blob')).toBe(1)
  })

  it('leaves a chart’s facts unknown when its config is malformed or too large to be one, without failing the row', async () => {
    const fake = new FakeRegistryClient()
    const broken = fake.addBlob('charts/demo', new TextEncoder().encode('{"name":["not","text"],"version":"0.2.0"'))
    const huge = fake.addBlob('charts/demo', new Uint8Array(300 * 1024).fill(0x20))
    const chart = fake.addLayer('charts/demo', 700)
    for (const [tag, config] of [
      ['broken', broken],
      ['huge', huge],
    ] as const) {
      fake.addManifest(
        'charts/demo',
        {
          schemaVersion: 2,
          mediaType: ociManifest,
          config: { mediaType: helmConfig, ...config },
          layers: [{ ...chart, mediaType: helmChartLayer }],
        },
        ociManifest,
        tag,
      )
    }
    const rows = await loadTagDetails(fake, 'charts/demo', ['broken', 'huge'])
    for (const tag of ['broken', 'huge']) {
      expect(details(rows, tag).artifact).toEqual({ kind: 'helm-chart', name: null, version: null, appVersion: null })
    }
    // The oversized one is not even fetched.
    expect(fake.count('GET', 'blob')).toBe(1)
  })

  it('recognises what an artifact or a cosign signature holds, by its types', async () => {
    const fake = new FakeRegistryClient()
    const emptyConfig = fake.addBlob('acme/artifacts', new TextEncoder().encode('{}'))
    const layer = fake.addLayer('acme/artifacts', 300)
    fake.addManifest(
      'acme/artifacts',
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType: 'application/spdx+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', ...emptyConfig },
        layers: [{ ...layer, mediaType: 'application/spdx+json' }],
      },
      ociManifest,
      'sbom',
    )
    const rows = await loadTagDetails(fake, 'acme/artifacts', ['sbom'])
    expect(details(rows, 'sbom')).toMatchObject({ kind: 'artifact', artifact: { kind: 'sbom', format: 'SPDX' } })
  })

  it('recognises a schema 1 manifest without failing', async () => {
    const fake = new FakeRegistryClient()
    fake.addManifest(
      repo,
      { schemaVersion: 1, name: repo, tag: 'ancient', fsLayers: [], history: [], signatures: [] },
      dockerSchema1Signed,
      'ancient',
    )
    const d = details(await loadTagDetails(fake, repo, ['ancient']), 'ancient')
    expect(d.kind).toBe('schema1')
    expect(d.size).toBeNull()
    expect(d.sizeNote).toMatch(/schema 1/)
  })

  it('returns rows in input order, streams each one, and turns a failing tag into an error row', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    const streamed: string[] = []
    const results = await loadTagDetails(fake, repo, ['2.0', 'missing', '1.0', 'latest'], { onResult: (r) => streamed.push(r.tag) })
    expect(results.map((r) => r.tag)).toEqual(['2.0', 'missing', '1.0', 'latest'])
    expect([...streamed].sort()).toEqual(['1.0', '2.0', 'latest', 'missing'])
    const missing = results[1]
    expect(missing?.ok).toBe(false)
    if (missing && !missing.ok) expect(missing.error.code).toBe('not_found')
  })

  it('survives a listener that throws', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    const results = await loadTagDetails(fake, repo, ['1.0'], {
      onResult: () => {
        throw new Error('listener bug')
      },
    })
    expect(results[0]?.ok).toBe(true)
  })

  it('gets each unknown tag with one manifest GET and each shared config once per call', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    await loadTagDetails(fake, repo, ['1.0', 'latest', 'stable', '2.0'], { concurrency: 4 })
    expect(fake.count('HEAD', 'manifest')).toBe(0)
    expect(
      fake.calls
        .filter((c) => c.method === 'GET' && c.kind === 'manifest')
        .map((c) => c.reference)
        .sort(),
    ).toEqual(['1.0', '2.0', 'latest', 'stable'])
    expect(fake.count('GET', 'blob')).toBe(2)
  })

  it('answers a second process from the cache directory with HEADs only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-details-'))
    dirs.push(dir)
    const fake = new FakeRegistryClient()
    seedImages(fake)
    seedMultiarch(fake)
    const first = await loadTagDetails(fake, repo, ['1.0', '2.0'], { cache: createDigestCache({ directory: dir }) })
    const firstIndex = await loadTagDetails(fake, 'acme/multiarch', ['1.0'], { cache: createDigestCache({ directory: dir }) })
    fake.calls.length = 0

    const second = await loadTagDetails(fake, repo, ['1.0', '2.0'], { cache: createDigestCache({ directory: dir }) })
    const secondIndex = await loadTagDetails(fake, 'acme/multiarch', ['1.0'], { cache: createDigestCache({ directory: dir }) })
    expect(second).toEqual(first)
    expect(secondIndex).toEqual(firstIndex)
    expect(fake.calls.map((c) => c.method)).toEqual(['HEAD', 'HEAD', 'HEAD'])
  })

  it('gets the digest from a GET when the registry sends none on HEAD', async () => {
    const fake = new FakeRegistryClient({ headWithoutDigest: true })
    const { one } = seedImages(fake)
    const d = details(await loadTagDetails(fake, repo, ['1.0']), '1.0')
    expect(d.digest).toBe(one.digest)
    // The GET by tag already brought the bytes: no second GET by digest.
    expect(fake.count('GET', 'manifest')).toBe(1)
  })

  it('reports bytes that do not match their digest as an error row and caches nothing', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    const tampering = Object.create(fake) as FakeRegistryClient
    tampering.getManifest = async (repository: string, reference: string): Promise<ManifestResponse> => {
      const real = await fake.getManifest(repository, reference)
      return {
        ...real,
        bytes: new TextEncoder().encode(
          '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:' +
            '0'.repeat(64) +
            '","size":1},"layers":[]}',
        ),
      }
    }
    const cache = createDigestCache({})
    const [row] = await loadTagDetails(tampering, repo, ['1.0'], { cache })
    expect(row?.ok).toBe(false)
    if (row && !row.ok) expect(row.error.code).toBe('digest_mismatch')
    const retry = await loadTagDetails(fake, repo, ['1.0'], { cache })
    expect(retry[0]?.ok).toBe(true)
  })

  it('never has more manifest requests in flight than the concurrency allows', async () => {
    const fake = new FakeRegistryClient()
    const { one } = seedImages(fake)
    const tags = Array.from({ length: 40 }, (_, i) => `t${i}`)
    for (const t of tags) fake.tag(repo, t, one.digest)
    let inFlight = 0
    let peak = 0
    const counting = Object.create(fake) as FakeRegistryClient
    counting.getManifest = async (repository: string, reference: string): Promise<ManifestResponse> => {
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        return await fake.getManifest(repository, reference)
      } finally {
        inFlight--
      }
    }
    const results = await loadTagDetails(counting, repo, tags, { concurrency: 3 })
    expect(results.every((r) => r.ok)).toBe(true)
    expect(peak).toBeLessThanOrEqual(3)
    expect(peak).toBeGreaterThan(1)
  })

  it('turns a cancelled call into cancelled rows instead of a rejection', async () => {
    const fake = new FakeRegistryClient()
    seedImages(fake)
    const controller = new AbortController()
    controller.abort()
    const results = await loadTagDetails(fake, repo, ['1.0', '2.0'], { signal: controller.signal })
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['cancelled', 'cancelled'])
  })
})

import { describe, expect, it } from 'vitest'
import { inspectReference } from '../../../electron/operations/inspect'
import { ociEmptyConfig, ociIndex, ociManifest } from '../../../electron/http/media-types'
import { BerthError } from '../../../shared/errors'
import { FakeRegistryClient } from './fake-registry-client'

const repo = 'acme/app'

function seeded() {
  const fake = new FakeRegistryClient({ referrersApi: true })
  const base = fake.addLayer(repo, 400)
  const app = fake.addLayer(repo, 40)
  const config = {
    config: {
      Env: ['PATH=/bin', 'MODE=prod'],
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['serve'],
      WorkingDir: '/app',
      User: '1000',
      ExposedPorts: { '8080/tcp': {} },
      Labels: { team: 'web' },
    },
    history: [
      { created: '2025-01-01T00:00:00Z', created_by: 'ADD rootfs.tar /' },
      { created_by: 'ENV MODE=prod', empty_layer: true },
    ],
  }
  const image = fake.addImage(repo, '1.0', {
    created: '2025-01-01T00:00:00Z',
    layers: [base, app],
    config,
    annotations: { 'org.opencontainers.image.source': 'https://example.invalid/app' },
  })
  fake.tag(repo, 'latest', image.digest)
  fake.addImage(repo, '0.9', { created: '2024-01-01T00:00:00Z', layers: [base] })
  return { fake, base, app, image }
}

function multiPlatform() {
  const fake = new FakeRegistryClient()
  const armLayers = [fake.addLayer(repo, 10), fake.addLayer(repo, 11)]
  const arm = fake.addImage(repo, undefined, {
    created: '2025-02-01T00:00:00Z',
    layers: armLayers,
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    config: { config: { Cmd: ['arm'] }, history: [{ created_by: 'RUN build-arm' }] },
  })
  const amdLayer = fake.addLayer(repo, 20)
  const amd = fake.addImage(repo, undefined, { created: '2025-01-01T00:00:00Z', layers: [amdLayer], config: { config: { Cmd: ['amd'] } } })
  const attestation = fake.addImage(repo, undefined, {
    layers: [fake.addLayer(repo, 5)],
    platform: { os: 'unknown', architecture: 'unknown' },
  })
  const index = fake.addIndex(repo, 'multi', [
    { mediaType: ociManifest, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: ociManifest, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: ociManifest,
      digest: attestation.digest,
      size: attestation.size,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': amd.digest },
    },
  ])
  const sized = <T extends { configDigest: string }>(image: T) => ({
    ...image,
    configSize: fake.repo(repo).blobs.get(image.configDigest)?.byteLength ?? 0,
  })
  return { fake, index, arm: sized(arm), armLayers, amd: sized(amd), amdLayer, attestation: sized(attestation) }
}

describe('inspectReference', () => {
  it('gathers layers, config, annotations, sharing tags and the manifest text of an image', async () => {
    const { fake, base, app, image } = seeded()
    const empty = fake.addBlob(repo, new TextEncoder().encode('{}'))
    const sig = fake.addManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: ociEmptyConfig, ...empty },
        layers: [],
        subject: { mediaType: ociManifest, digest: image.digest, size: image.size },
      },
      ociManifest,
    )
    const inspection = await inspectReference(fake, repo, 'latest')
    expect(inspection.details).toMatchObject({ tag: 'latest', digest: image.digest, kind: 'image' })
    expect(inspection.layers).toEqual([base, app])
    expect(inspection.config).toEqual({
      os: 'linux',
      architecture: 'amd64',
      env: ['PATH=/bin', 'MODE=prod'],
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['serve'],
      workingDir: '/app',
      user: '1000',
      exposedPorts: ['8080/tcp'],
      labels: { team: 'web' },
      history: [
        { created: '2025-01-01T00:00:00.000Z', createdBy: 'ADD rootfs.tar /' },
        { createdBy: 'ENV MODE=prod', emptyLayer: true },
      ],
    })
    expect(inspection.annotations).toEqual({ 'org.opencontainers.image.source': 'https://example.invalid/app' })
    expect(inspection.tagsSharingDigest.sort()).toEqual(['1.0', 'latest'])
    expect(inspection.referrers.map((r) => [r.digest, r.kind])).toEqual([[sig.digest, 'signature']])
    expect(inspection.manifestJson).toBe(JSON.stringify(JSON.parse(new TextDecoder().decode(image.bytes)), null, 2))
  })

  it('says which platform a single image is, and lists no index entries', async () => {
    const { fake } = seeded()
    const inspection = await inspectReference(fake, repo, 'latest')
    expect(inspection.platform).toEqual({ os: 'linux', architecture: 'amd64' })
    expect(inspection.manifests).toEqual([])
    expect(inspection.platformImage).toBeNull()
  })

  it('shows no platform of an index unless asked, and summarizes every entry, attestations as such', async () => {
    const { fake, index, arm, amd, amdLayer, attestation } = multiPlatform()
    const inspection = await inspectReference(fake, repo, 'multi')
    expect(inspection.details).toMatchObject({ kind: 'index', digest: index.digest })
    expect(inspection.platform).toBeNull()
    expect(inspection.platformImage).toBeNull()
    expect(inspection.layers).toEqual([])
    expect(inspection.config).toBeNull()
    expect(inspection.manifests).toEqual([
      {
        kind: 'platform',
        digest: arm.digest,
        mediaType: ociManifest,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        size: arm.configSize + 10 + 11,
        layerCount: 2,
        created: '2025-02-01T00:00:00.000Z',
        attests: null,
      },
      {
        kind: 'platform',
        digest: amd.digest,
        mediaType: ociManifest,
        platform: { os: 'linux', architecture: 'amd64' },
        size: amd.configSize + amdLayer.size,
        layerCount: 1,
        created: '2025-01-01T00:00:00.000Z',
        attests: null,
      },
      {
        kind: 'attestation',
        digest: attestation.digest,
        mediaType: ociManifest,
        platform: null,
        size: attestation.configSize + 5,
        layerCount: 1,
        created: null,
        attests: amd.digest,
      },
    ])
  })

  it('shows the chosen platform of an index: its layers, config, history and manifest', async () => {
    const { fake, index, arm, armLayers } = multiPlatform()
    const inspection = await inspectReference(fake, repo, 'multi', { platform: { os: 'linux', architecture: 'arm64' } })
    expect(inspection.details.digest).toBe(index.digest)
    expect(inspection.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(inspection.layers).toEqual(armLayers)
    expect(inspection.config?.cmd).toEqual(['arm'])
    expect(inspection.config?.history).toEqual([{ createdBy: 'RUN build-arm' }])
    expect(inspection.platformImage).toEqual({
      digest: arm.digest,
      mediaType: ociManifest,
      configDigest: arm.configDigest,
      size: arm.configSize + 10 + 11,
      created: '2025-02-01T00:00:00.000Z',
      annotations: {},
      manifestJson: JSON.stringify(JSON.parse(new TextDecoder().decode(arm.bytes)), null, 2),
    })
    // The reference's own manifest stays the index's.
    expect(JSON.parse(inspection.manifestJson)).toMatchObject({ mediaType: ociIndex })
    const v8 = await inspectReference(fake, repo, 'multi', { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })
    expect(v8.platformImage?.digest).toBe(arm.digest)
  })

  it('names the platforms an index offers when the one asked for is not there', async () => {
    const { fake } = multiPlatform()
    const asked = inspectReference(fake, repo, 'multi', { platform: { os: 'linux', architecture: 's390x' } })
    await expect(asked).rejects.toMatchObject({ code: 'not_found' })
    await expect(asked).rejects.toThrow('acme/app:multi has no linux/s390x image; it offers linux/arm64/v8, linux/amd64.')
  })

  it("refuses a platform other than a single image's own, and any platform of an artifact", async () => {
    const { fake } = seeded()
    await expect(inspectReference(fake, repo, 'latest', { platform: { os: 'linux', architecture: 'arm64' } })).rejects.toMatchObject({
      code: 'not_found',
      message: 'acme/app:latest is a single-platform image (linux/amd64), not linux/arm64.',
    })
    const own = await inspectReference(fake, repo, 'latest', { platform: { os: 'linux', architecture: 'amd64' } })
    expect(own.platform).toEqual({ os: 'linux', architecture: 'amd64' })
    const chart = fake.addImage(repo, 'chart', {
      layers: [fake.addLayer(repo, 3)],
      configMediaType: 'application/vnd.cncf.helm.config.v1+json',
    })
    expect(chart.digest).toMatch(/^sha256:/)
    await expect(inspectReference(fake, repo, 'chart', { platform: { os: 'linux', architecture: 'amd64' } })).rejects.toMatchObject({
      code: 'invalid_input',
    })
  })

  it('inspects a digest reference without resolving a tag', async () => {
    const { fake, image } = seeded()
    const inspection = await inspectReference(fake, repo, image.digest)
    expect(inspection.details.digest).toBe(image.digest)
    expect(fake.calls.filter((c) => c.method === 'HEAD' && c.reference === image.digest)).toEqual([])
  })

  it('still inspects when the registry will not list tags', async () => {
    const { fake, image } = seeded()
    const noList = Object.create(fake) as FakeRegistryClient
    noList.listTags = () => Promise.reject(new BerthError({ code: 'forbidden', message: 'no listing' }))
    const inspection = await inspectReference(noList, repo, '1.0')
    expect(inspection.details.digest).toBe(image.digest)
    expect(inspection.tagsSharingDigest).toEqual([])
  })

  it('fails clearly for a tag that does not exist', async () => {
    const { fake } = seeded()
    await expect(inspectReference(fake, repo, 'nope')).rejects.toMatchObject({ code: 'not_found' })
  })
})

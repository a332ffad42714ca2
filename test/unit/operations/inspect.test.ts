import { describe, expect, it } from 'vitest'
import { inspectReference } from '../../../electron/operations/inspect'
import { ociEmptyConfig, ociManifest } from '../../../electron/http/media-types'
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

  it('shows the linux/amd64 platform of an index even when it is not listed first', async () => {
    const fake = new FakeRegistryClient()
    const arm = fake.addImage(repo, undefined, {
      created: '2025-01-01T00:00:00Z',
      layers: [fake.addLayer(repo, 10)],
      platform: { os: 'linux', architecture: 'arm64' },
    })
    const amdLayer = fake.addLayer(repo, 20)
    const amd = fake.addImage(repo, undefined, {
      created: '2025-01-01T00:00:00Z',
      layers: [amdLayer],
      config: { config: { Cmd: ['amd'] } },
    })
    const index = fake.addIndex(repo, 'multi', [
      { mediaType: ociManifest, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: ociManifest, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
    ])
    const inspection = await inspectReference(fake, repo, 'multi')
    expect(inspection.details.kind).toBe('index')
    expect(inspection.details.digest).toBe(index.digest)
    expect(inspection.layers).toEqual([amdLayer])
    expect(inspection.config?.cmd).toEqual(['amd'])
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

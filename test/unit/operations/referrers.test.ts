import { describe, expect, it } from 'vitest'
import { ociEmptyConfig, ociIndex, ociManifest } from '../../../electron/http/media-types'
import { classifyReferrer, listReferrers, referrersTagFor } from '../../../electron/operations/referrers'
import { FakeRegistryClient } from './fake-registry-client'

const repo = 'acme/signed'

/** An image plus referrers of several kinds pointing at it through `subject`. */
function seeded(options: { referrersApi: boolean }) {
  const fake = new FakeRegistryClient(options)
  const image = fake.addImage(repo, '1.0', { created: '2025-01-01T00:00:00Z', layers: [fake.addLayer(repo, 50)] })
  const empty = fake.addBlob(repo, new TextEncoder().encode('{}'))
  const subject = { mediaType: ociManifest, digest: image.digest, size: image.size }
  const referrer = (artifactType: string, payload: string, annotations: Record<string, string> = {}) => {
    const layer = fake.addBlob(repo, new TextEncoder().encode(payload))
    const m = fake.addManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType,
        config: { mediaType: ociEmptyConfig, ...empty },
        layers: [{ mediaType: artifactType, ...layer }],
        subject,
        annotations,
      },
      ociManifest,
    )
    return { mediaType: ociManifest, digest: m.digest, size: m.size, artifactType, annotations }
  }
  const sig = referrer('application/vnd.dev.cosign.artifact.sig.v1+json', 'sig')
  const sbom = referrer('application/spdx+json', '{"spdxVersion":"SPDX-2.3"}')
  const notation = referrer('application/vnd.cncf.notary.signature', 'jws')
  return { fake, image, sig, sbom, notation, subject, empty, referrer }
}

describe('listReferrers', () => {
  it('reads the referrers API and names each kind', async () => {
    const { fake, image, sig, sbom, notation } = seeded({ referrersApi: true })
    const referrers = await listReferrers(fake, repo, image.digest)
    expect(referrers.map((r) => [r.digest, r.kind, r.source, r.artifactType])).toEqual(
      expect.arrayContaining([
        [sig.digest, 'signature', 'api', sig.artifactType],
        [sbom.digest, 'sbom', 'api', sbom.artifactType],
        [notation.digest, 'signature', 'api', notation.artifactType],
      ]),
    )
    expect(referrers).toHaveLength(3)
  })

  it('falls back to the sha256-<hex> tag when the registry has no referrers API', async () => {
    const { fake, image, sig, sbom, subject, empty } = seeded({ referrersApi: false })
    // A stale entry (its manifest is gone) and one naming another subject must not be shown.
    const strayDigest = `sha256:${'1'.repeat(64)}`
    const otherSubject = fake.addManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType: 'application/x',
        config: { mediaType: ociEmptyConfig, ...empty },
        layers: [],
        subject: { ...subject, digest: strayDigest },
      },
      ociManifest,
    )
    fake.addIndex(repo, referrersTagFor(image.digest), [
      sig,
      sbom,
      { mediaType: ociManifest, digest: `sha256:${'2'.repeat(64)}`, size: 10, artifactType: 'application/x' },
      { mediaType: ociManifest, digest: otherSubject.digest, size: otherSubject.size, artifactType: 'application/x' },
    ])
    const referrers = await listReferrers(fake, repo, image.digest)
    expect(referrers.map((r) => [r.digest, r.kind, r.source])).toEqual([
      [sig.digest, 'signature', 'tag-schema'],
      [sbom.digest, 'sbom', 'tag-schema'],
    ])
  })

  it('answers no referrers when neither the API nor the tag schema has any', async () => {
    const fake = new FakeRegistryClient({ referrersApi: false })
    const image = fake.addImage(repo, '1.0', { layers: [] })
    expect(await listReferrers(fake, repo, image.digest)).toEqual([])
    expect(await listReferrers(fake, repo, image.digest, { tags: ['1.0'] })).toEqual([])
    // With the tag list known, the missing referrers tag is not even asked for.
    expect(fake.calls.filter((c) => c.reference === referrersTagFor(image.digest))).toHaveLength(1)
  })

  it('recognises cosign .sig, .att and .sbom tags when the tag list is given', async () => {
    const fake = new FakeRegistryClient({ referrersApi: false })
    const image = fake.addImage(repo, '1.0', { layers: [] })
    const prefix = referrersTagFor(image.digest)
    const cosign = (suffix: string, layerType: string) => {
      const layer = fake.addBlob(repo, new TextEncoder().encode(`payload ${suffix}`))
      const config = fake.addBlob(repo, new TextEncoder().encode(`{"suffix":"${suffix}"}`))
      return fake.addManifest(
        repo,
        {
          schemaVersion: 2,
          mediaType: ociManifest,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: layerType, ...layer }],
        },
        ociManifest,
        `${prefix}.${suffix}`,
      )
    }
    const sig = cosign('sig', 'application/vnd.dev.cosign.simplesigning.v1+json')
    const att = cosign('att', 'application/vnd.dsse.envelope.v1+json')
    const sbom = cosign('sbom', 'text/spdx+json')
    const tags = [...fake.repo(repo).tags.keys()]
    const referrers = await listReferrers(fake, repo, image.digest, { tags })
    expect(referrers.map((r) => [r.digest, r.kind, r.source])).toEqual(
      expect.arrayContaining([
        [sig.digest, 'signature', 'cosign-tag'],
        [att.digest, 'attestation', 'cosign-tag'],
        [sbom.digest, 'sbom', 'cosign-tag'],
      ]),
    )
    expect(referrers).toHaveLength(3)
    expect(referrers.find((r) => r.kind === 'signature')?.artifactType).toBe('application/vnd.dev.cosign.simplesigning.v1+json')
  })

  it('rejects a tag where a digest is required', async () => {
    await expect(listReferrers(new FakeRegistryClient(), repo, 'latest')).rejects.toMatchObject({ code: 'invalid_input' })
  })
})

describe('classifyReferrer', () => {
  it.each([
    ['application/vnd.dev.cosign.artifact.sig.v1+json', {}, 'signature'],
    ['application/vnd.cncf.notary.signature', {}, 'signature'],
    ['application/spdx+json', {}, 'sbom'],
    ['application/vnd.cyclonedx+json', {}, 'sbom'],
    ['application/vnd.in-toto+json', {}, 'attestation'],
    ['application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' }, 'sbom'],
    ['application/vnd.dev.cosign.attestation.v1+json', {}, 'attestation'],
    ['application/vnd.example.thing', {}, 'other'],
    [null, {}, 'other'],
    [ociIndex, {}, 'other'],
  ] as const)('classifies %s %j as %s', (type, annotations, kind) => {
    expect(classifyReferrer(type, annotations)).toBe(kind)
  })
})

// Deleting an image with its referrers, through the session's delete safety: the preview names
// them, only confirmed ones go, each is checked again right before its DELETE and audited, and
// nothing of a subject that did not go is touched.
import { describe, expect, it } from 'vitest'
import type { AuditLog } from '../../../electron/stores/audit-log'
import { confirmationFor } from '../../../shared/delete-confirmation'
import type { AuditEntry } from '../../../shared/types'
import { genericSession } from '../../support/generic-session'
import { FakeRegistryClient, jsonBytes } from '../operations/fake-registry-client'

const repo = 'acme/attested'

function memoryAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = []
  return {
    file: ':memory:',
    entries,
    append: (entry) => {
      entries.push(entry)
      return Promise.resolve()
    },
    read: () => Promise.resolve([...entries]),
  }
}

/** An image `1.0` with an OCI 1.1 SBOM (untagged, found by the referrers API) and a cosign `.sig` tag. */
function attested() {
  const fake = new FakeRegistryClient({ referrersApi: true })
  const image = fake.addImage(repo, '1.0', { created: '2025-01-01T00:00:00Z', layers: [fake.addLayer(repo, 100)] })
  const empty = fake.addBlob(repo, jsonBytes({}))
  const sbomLayer = fake.addBlob(repo, jsonBytes({ spdxVersion: 'SPDX-2.3', packages: [{ name: 'a' }] }))
  const sbom = fake.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
      layers: [{ mediaType: 'application/spdx+json', ...sbomLayer }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    },
    'application/vnd.oci.image.manifest.v1+json',
  )
  const sigTag = `sha256-${image.digest.slice(7)}.sig`
  const sig = fake.addImage(repo, sigTag, {
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...fake.addBlob(repo, jsonBytes({ critical: {} })) }],
  })
  return { fake, image, sbom, sig, sigTag }
}

describe('deleting an image with its referrers', () => {
  it('names the referrers that would dangle in the preview, by kind and tag or digest', async () => {
    const { fake, image, sbom, sig, sigTag } = attested()
    const preview = await genericSession(fake).previewDelete(repo, ['1.0'], 'tag')
    expect(preview.referrers).toEqual(
      expect.arrayContaining([
        { subject: image.digest, kind: 'sbom', digest: sbom.digest, tag: null },
        { subject: image.digest, kind: 'signature', digest: sig.digest, tag: sigTag },
      ]),
    )
    expect(preview.referrers).toHaveLength(2)
  })

  it('offers none when another tag keeps the image', async () => {
    const { fake, image } = attested()
    fake.tag(repo, 'latest', image.digest)
    const preview = await genericSession(fake).previewDelete(repo, ['1.0'], 'tag')
    expect(preview.referrers).toEqual([])
  })

  it('deletes the confirmed referrers after the image, by digest, with one audit line each', async () => {
    const { fake, image, sbom, sig, sigTag } = attested()
    const audit = memoryAudit()
    const session = genericSession(fake, audit)
    const preview = await session.previewDelete(repo, ['1.0'], 'digest')
    const results = await session.deleteTags(repo, {
      tags: ['1.0'],
      mode: 'digest',
      expectedDigests: confirmationFor(preview),
      referrers: preview.referrers ?? [],
    })
    expect(results[0]?.ok).toBe(true)
    expect(results[0]?.referrers?.map((r) => [r.digest, r.ok]).sort()).toEqual(
      [
        [sbom.digest, true],
        [sig.digest, true],
      ].sort(),
    )
    const stored = fake.repo(repo)
    expect([...stored.tags.keys()]).toEqual([])
    expect(stored.manifests.has(sbom.digest)).toBe(false)
    expect(stored.manifests.has(sig.digest)).toBe(false)
    expect(audit.entries.map((e) => [e.tag, e.digest, e.result]).sort()).toEqual(
      [
        ['1.0', image.digest, 'ok'],
        [null, sbom.digest, 'ok'],
        [sigTag, sig.digest, 'ok'],
      ].sort(),
    )
  })

  it('refuses a referrer whose digest gained a tag since the preview, and deletes the rest', async () => {
    const { fake, sbom, sig } = attested()
    const audit = memoryAudit()
    const session = genericSession(fake, audit)
    const preview = await session.previewDelete(repo, ['1.0'], 'digest')
    fake.tag(repo, 'keep-me', sbom.digest)
    const results = await session.deleteTags(repo, {
      tags: ['1.0'],
      mode: 'digest',
      expectedDigests: confirmationFor(preview),
      referrers: preview.referrers ?? [],
    })
    const outcome = new Map(results[0]?.referrers?.map((r) => [r.digest, r]))
    expect(outcome.get(sbom.digest)?.ok).toBe(false)
    expect(outcome.get(sbom.digest)?.error?.code).toBe('conflict')
    expect(outcome.get(sbom.digest)?.error?.message).toContain('now also tagged keep-me')
    expect(outcome.get(sig.digest)?.ok).toBe(true)
    expect(fake.repo(repo).manifests.has(sbom.digest)).toBe(true)
    expect(audit.entries.find((e) => e.digest === sbom.digest)?.result).toBe('error')
  })

  it('touches no referrer when its image was not deleted (the tag moved since the preview)', async () => {
    const { fake, sbom, sig } = attested()
    const session = genericSession(fake)
    const preview = await session.previewDelete(repo, ['1.0'], 'digest')
    const other = fake.addImage(repo, undefined, { created: '2025-02-01T00:00:00Z', layers: [fake.addLayer(repo, 50)] })
    fake.tag(repo, '1.0', other.digest)
    const results = await session.deleteTags(repo, {
      tags: ['1.0'],
      mode: 'digest',
      expectedDigests: confirmationFor(preview),
      referrers: preview.referrers ?? [],
    })
    expect(results[0]?.ok).toBe(false)
    expect(results[0]?.referrers).toBeUndefined()
    expect(fake.repo(repo).manifests.has(sbom.digest)).toBe(true)
    expect(fake.repo(repo).manifests.has(sig.digest)).toBe(true)
  })
})

describe('what passes for a referrer', () => {
  it('refuses an untagged manifest that does not name the subject, and a tag not named after it', async () => {
    const { fake, image } = attested()
    const platform = fake.addImage(repo, undefined, { created: '2025-03-01T00:00:00Z', layers: [fake.addLayer(repo, 10)] })
    const other = fake.addImage(repo, 'other', { created: '2025-03-02T00:00:00Z', layers: [fake.addLayer(repo, 20)] })
    const session = genericSession(fake)
    const preview = await session.previewDelete(repo, ['1.0'], 'digest')
    const results = await session.deleteTags(repo, {
      tags: ['1.0'],
      mode: 'digest',
      expectedDigests: confirmationFor(preview),
      referrers: [
        { subject: image.digest, kind: 'sbom', digest: platform.digest, tag: null },
        { subject: image.digest, kind: 'signature', digest: other.digest, tag: 'other' },
      ],
    })
    expect(results[0]?.ok).toBe(true)
    expect(results[0]?.referrers?.map((r) => [r.ok, r.error?.code])).toEqual([
      [false, 'invalid_input'],
      [false, 'invalid_input'],
    ])
    expect(fake.repo(repo).manifests.has(platform.digest)).toBe(true)
    expect(fake.repo(repo).tags.get('other')).toBe(other.digest)
  })
})

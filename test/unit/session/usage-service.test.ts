// Storage usage through a registry session over a fake registry: per tag and per repository, the
// referrers API asked once a run, a warm run that asks for no manifest, untagged images Berth saw
// before, deleting them by digest (never one a tag uses), progress, and a cancel that stays one.
import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../../shared/types'
import { ociManifest } from '../../../electron/http/media-types'
import type { AuditLog } from '../../../electron/stores/audit-log'
import { genericSession } from '../../support/generic-session'
import { rejection } from '../../support/rejection'
import { FakeRegistryClient } from '../operations/fake-registry-client'

const repo = 'acme/web'

function memoryAudit(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = []
  return { file: ':memory:', entries, append: (entry) => Promise.resolve(void entries.push(entry)), read: () => Promise.resolve(entries) }
}

/** Two images sharing a base layer; `1.0` and `latest` on the first. */
function registry(options: { referrersApi?: boolean } = {}) {
  const fake = new FakeRegistryClient(options)
  const base = fake.addLayer(repo, 1_000)
  const one = fake.addImage(repo, '1.0', { created: '2025-01-01T00:00:00Z', layers: [base, fake.addLayer(repo, 200)] })
  fake.tag(repo, 'latest', one.digest)
  const two = fake.addImage(repo, '2.0', { created: '2025-02-01T00:00:00Z', layers: [base, fake.addLayer(repo, 300)] })
  return { fake, one, two, base }
}

function configSize(fake: FakeRegistryClient, digest: string): number {
  return fake.repo(repo).blobs.get(digest)?.byteLength ?? 0
}

describe('storage usage through a session', () => {
  it("counts each tag's bytes, unique and shared bytes from manifests only, asking the referrers API once", async () => {
    const { fake, one, two } = registry()
    const usage = await genericSession(fake).repositoryUsage(repo)
    const oneBytes = one.size + configSize(fake, one.configDigest) + 1_000 + 200
    const twoBytes = two.size + configSize(fake, two.configDigest) + 1_000 + 300
    expect(usage.totalBytes).toBe(oneBytes + twoBytes - 1_000)
    // No config is read, so no date is known yet (dates: true reads them).
    const undated = { date: null, dateSource: null }
    expect(usage.tags).toEqual([
      { tag: '2.0', digest: two.digest, bytes: twoBytes, uniqueBytes: twoBytes - 1_000, sharedBytes: 1_000, ...undated },
      { tag: '1.0', digest: one.digest, bytes: oneBytes, uniqueBytes: 0, sharedBytes: oneBytes, ...undated },
      { tag: 'latest', digest: one.digest, bytes: oneBytes, uniqueBytes: 0, sharedBytes: oneBytes, ...undated },
    ])
    expect(fake.count('GET', 'blob')).toBe(0)
    expect(fake.count('GET', 'referrers')).toBe(1)
    expect(usage.failures).toEqual([])
  })

  it('dates each image by its build date when asked (one config GET per image), and from then on without a request', async () => {
    const { fake, one, two } = registry()
    const session = genericSession(fake)
    const dated = await session.repositoryUsage(repo, { dates: true })
    expect(dated.tags.map((tag) => [tag.tag, tag.date, tag.dateSource])).toEqual([
      ['2.0', '2025-02-01T00:00:00.000Z', 'built'],
      ['1.0', '2025-01-01T00:00:00.000Z', 'built'],
      ['latest', '2025-01-01T00:00:00.000Z', 'built'],
    ])
    const configs = fake.calls.filter((call) => call.method === 'GET' && call.kind === 'blob').map((call) => call.reference)
    expect(configs.sort()).toEqual([one.configDigest, two.configDigest].sort())
    // A later run, asked or not, dates them from what Berth holds: no request for a config.
    const before = fake.calls.length
    const again = await session.repositoryUsage(repo)
    expect(again.tags.every((tag) => tag.date !== null)).toBe(true)
    expect(fake.calls.slice(before).filter((call) => call.kind === 'blob')).toEqual([])
  })

  it('counts referrers the registry lists for a tag, once the API answered', async () => {
    const { fake, one } = registry({ referrersApi: true })
    const sbom = fake.addLayer(repo, 5_000)
    const signature = fake.addManifest(
      repo,
      {
        schemaVersion: 2,
        mediaType: ociManifest,
        artifactType: 'application/spdx+json',
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: fake.addBlob(repo, new TextEncoder().encode('{}')).digest,
          size: 2,
        },
        layers: [sbom],
        subject: { mediaType: ociManifest, digest: one.digest, size: one.size },
      },
      ociManifest,
    )
    const usage = await genericSession(fake).repositoryUsage(repo)
    const latest = usage.tags.find((tag) => tag.tag === 'latest')
    expect(latest?.bytes).toBe(one.size + configSize(fake, one.configDigest) + 1_200 + signature.size + 2 + 5_000)
  })

  it('a second run trusts its cache: no manifest request, the digests marked as last verified; --verify asks again', async () => {
    const { fake } = registry()
    const session = genericSession(fake)
    const cold = await session.repositoryUsage(repo)
    const before = fake.calls.length
    const warm = await session.repositoryUsage(repo)
    const warmCalls = fake.calls.slice(before)
    expect(warmCalls.filter((call) => call.kind === 'manifest' || call.kind === 'blob')).toEqual([])
    expect(warm.tagsFromCache).toBe(3)
    expect(warm.totalBytes).toBe(cold.totalBytes)
    const verified = await session.repositoryUsage(repo, { verify: true })
    expect(verified.tagsFromCache).toBe(0)
    expect(fake.calls.slice(before + warmCalls.length).filter((call) => call.method === 'HEAD' && call.kind === 'manifest')).toHaveLength(3)
  })

  it('lists an image left untagged as seen before, with what deleting it frees, and forgets it once it is gone', async () => {
    const { fake, two } = registry()
    const session = genericSession(fake)
    await session.repositoryUsage(repo)
    // 2.0 is pushed again: its old image stays stored, untagged.
    const newer = fake.addImage(repo, '2.0', { created: '2025-03-01T00:00:00Z', layers: [fake.addLayer(repo, 50)] })
    // Trusting its cache, the session counts 2.0 where it last verified it, and says so…
    const cached = await session.repositoryUsage(repo)
    expect(cached.tags.find((tag) => tag.tag === '2.0')?.digest).toBe(two.digest)
    expect(cached.tagsFromCache).toBe(3)
    // …asked to verify, it finds the move, and the image 2.0 left behind is untagged.
    const usage = await session.repositoryUsage(repo, { verify: true })
    expect(usage.tags.find((tag) => tag.tag === '2.0')?.digest).toBe(newer.digest)
    const untagged = usage.untagged
    expect(untagged.map((image) => ({ digest: image.digest, lastTags: image.lastTags }))).toEqual([
      { digest: two.digest, lastTags: ['2.0'] },
    ])
    expect(untagged[0]?.freesBytes).toBe(two.size + configSize(fake, two.configDigest) + 300)
    expect(usage.untaggedBytes).toBe(untagged[0]?.freesBytes)
    await fake.deleteManifest(repo, two.digest)
    expect((await session.repositoryUsage(repo)).untagged).toEqual([])
    expect((await session.repositoryUsage(repo)).untaggedBytes).toBe(0)
  })

  it('deletes an untagged image by digest, with an audit entry that names no tag; refuses one a tag points at', async () => {
    const { fake, one, two } = registry()
    const audit = memoryAudit()
    const session = genericSession(fake, audit)
    await session.repositoryUsage(repo)
    fake.repo(repo).tags.delete('2.0')
    const preview = await session.previewUntaggedDelete(repo, [two.digest])
    expect(preview.items).toEqual([
      expect.objectContaining({ digest: two.digest, alsoDeleted: [], lastTags: ['2.0'], freesBytes: preview.freesBytes }),
    ])
    expect(preview.keptBytes).toBe(1_000)
    expect(await session.deleteUntagged(repo, [two.digest])).toEqual([{ digest: two.digest, ok: true, deleted: [two.digest] }])
    expect(fake.repo(repo).manifests.has(two.digest)).toBe(false)
    expect(audit.entries).toEqual([expect.objectContaining({ tag: null, digest: two.digest, method: 'digest-delete', result: 'ok' })])
    const refused = await rejection(session.previewUntaggedDelete(repo, [one.digest]))
    expect(refused.code).toBe('conflict')
    expect(refused.message).toContain('1.0, latest')
    expect((await session.deleteUntagged(repo, [one.digest]))[0]).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(fake.repo(repo).manifests.has(one.digest)).toBe(true)
  })

  it('reports progress up to every tag, and a cancelled run rejects as cancelled', async () => {
    const { fake } = registry()
    const session = genericSession(fake)
    const reports: { tagsDone: number; tagsTotal: number }[] = []
    await session.registryUsage('', { onProgress: (progress) => reports.push(progress) })
    expect(reports.at(-1)).toMatchObject({ repositoriesDone: 1, repositoriesTotal: 1, tagsDone: 3, tagsTotal: 3 })
    const controller = new AbortController()
    controller.abort()
    expect((await rejection(session.registryUsage('', { signal: controller.signal }))).code).toBe('cancelled')
  })

  it('counts what it can of an index whose platform manifest is missing, and says the count is incomplete', async () => {
    const { fake, one } = registry()
    fake.addIndex(repo, 'multi', [
      { mediaType: ociManifest, digest: one.digest, size: one.size, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: ociManifest, digest: `sha256:${'9'.repeat(64)}`, size: 777, platform: { os: 'linux', architecture: 'arm64' } },
    ])
    const usage = await genericSession(fake).repositoryUsage(repo)
    expect(usage.incomplete).toBe(true)
    const multi = usage.tags.find((tag) => tag.tag === 'multi')
    expect(multi?.bytes).toBeGreaterThan(777 + one.size)
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDigestCache } from '../../electron/stores/cache/digest-cache'
import { inspectReference } from '../../electron/operations/inspect'
import { dockerManifestList } from '../../electron/http/media-types'
import { createdAnnotation, loadTagDetails } from '../../electron/operations/tag-details'
import type { RegistryClient } from '../../electron/http/client-types'
import type { TagDetails } from '../../shared/types'
import { getLab, type TruthTag } from '../lab/lab-client'
import { countingClient, labClient, tlsClient } from './operations-clients'

const lab = getLab()
const clients: RegistryClient[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})
function keep<T extends RegistryClient>(client: T): T {
  clients.push(client)
  return client
}

/** What the truth records, in the shape Berth reports it. */
function comparable(d: TagDetails) {
  return {
    digest: d.digest,
    mediaType: d.mediaType,
    configDigest: d.configDigest,
    size: d.size,
    created: d.created,
    platforms: d.platforms.map((p) => ({
      os: p.os,
      architecture: p.architecture,
      ...(p.variant !== undefined ? { variant: p.variant } : {}),
      digest: p.digest,
      size: p.size,
    })),
    attestations: d.attestations,
    artifactType: d.artifactType,
  }
}

async function expectTruth(client: RegistryClient, repositories: string[]): Promise<number> {
  let checked = 0
  for (const repository of repositories) {
    const tags = lab.truth.repositories[repository] ?? {}
    const listed = await client.listTags(repository)
    expect(listed.sort()).toEqual(Object.keys(tags).sort())
    const results = await loadTagDetails(client, repository, listed)
    for (const result of results) {
      if (!result.ok) throw new Error(`${repository}:${result.tag}: ${result.error.message}`)
      const truth = tags[result.tag] as TruthTag
      const actual = comparable(result.details)
      let expected: TruthTag = truth
      if (result.details.createdSource === 'annotation') {
        // Artifacts (Helm) date from the org.opencontainers.image.created annotation, which the
        // truth does not read (it only reads image configs): check it against the manifest itself.
        const manifest = await client.getManifest(repository, result.details.digest)
        const annotations =
          (JSON.parse(new TextDecoder().decode(manifest.bytes)) as { annotations?: Record<string, string> }).annotations ?? {}
        expect(result.details.created).toBe(new Date(annotations[createdAnnotation] ?? '').toISOString())
        expected = { ...truth, created: result.details.created }
      }
      expect({ repository, tag: result.tag, ...actual }).toEqual({ repository, tag: result.tag, ...expected })
      checked++
    }
  }
  return checked
}

describe('tag details against the lab', () => {
  it('match the truth for every tag of every repository through the token registry as reader', async () => {
    const client = keep(labClient(lab.token, lab.users.reader))
    expect(lab.token.repositories).toContain('acme/multiarch')
    const checked = await expectTruth(client, lab.token.repositories)
    expect(checked).toBeGreaterThan(35)
  }, 240_000)

  it('match the truth for every tag of every repository through the TLS registry with its CA trusted', async () => {
    const client = keep(tlsClient(lab.tls, lab.users.reader))
    const checked = await expectTruth(client, lab.tls.repositories)
    expect(checked).toBeGreaterThan(35)
  }, 240_000)

  it("match the truth for every tag of every repository, perf/many's 1,000 included, on the open registry", async () => {
    const client = keep(labClient(lab.open))
    expect(lab.open.repositories).toContain('perf/many')
    const checked = await expectTruth(client, lab.open.repositories)
    expect(checked).toBeGreaterThan(1000)
  }, 240_000)

  it('keep a Docker manifest list a list instead of its amd64 child', async () => {
    const client = keep(labClient(lab.token, lab.users.reader))
    const [row] = await loadTagDetails(client, 'acme/legacy-list', ['1.0'])
    if (!row?.ok) throw new Error(JSON.stringify(row))
    expect(row.details.mediaType).toBe(dockerManifestList)
    expect(row.details.kind).toBe('index')
    expect(row.details.digest).toBe(lab.truth.repositories['acme/legacy-list']?.['1.0']?.digest)
    expect(row.details.platforms.map((p) => p.architecture)).toEqual(['amd64', 'arm64'])
  })

  it('come from the cache directory of a previous run with no manifest or blob GETs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-ops-cache-'))
    dirs.push(dir)
    const counted = countingClient(keep(labClient(lab.token, lab.users.reader)))
    const repositories = ['acme/web', 'acme/multiarch', 'acme/legacy-list', 'charts/demo']
    const first: unknown[] = []
    for (const repository of repositories) {
      const tags = await counted.client.listTags(repository)
      first.push(await loadTagDetails(counted.client, repository, tags, { cache: createDigestCache({ directory: dir }) }))
    }
    expect(counted.counts.getManifest).toBeGreaterThan(0)
    counted.reset()

    const second: unknown[] = []
    for (const repository of repositories) {
      const tags = await counted.client.listTags(repository)
      second.push(await loadTagDetails(counted.client, repository, tags, { cache: createDigestCache({ directory: dir }) }))
    }
    expect(second).toEqual(first)
    expect(counted.counts.getManifest).toBe(0)
    expect(counted.counts.getBlob).toBe(0)
    expect(counted.counts.headManifest).toBeGreaterThan(30)
  }, 60_000)
})

describe('inspect against the lab', () => {
  it('shows the amd64 platform asked for of a multi-arch index, its config and the tags sharing its digest', async () => {
    const client = keep(labClient(lab.token, lab.users.reader))
    const inspection = await inspectReference(client, 'acme/multiarch', 'latest', { platform: { os: 'linux', architecture: 'amd64' } })
    const truth = lab.truth.repositories['acme/multiarch']?.latest
    expect(inspection.details.digest).toBe(truth?.digest)
    expect(inspection.details.attestations).toBe(1)
    expect(inspection.tagsSharingDigest.sort()).toEqual(['1.0', 'latest'])
    const amd64 = truth?.platforms.find((p) => p.architecture === 'amd64')
    const layerTotal = inspection.layers.reduce((sum, l) => sum + l.size, 0)
    expect(layerTotal).toBeLessThan(amd64?.size ?? 0)
    expect(inspection.config?.architecture).toBe('amd64')
    expect(inspection.platformImage?.digest).toBe(amd64?.digest)
    expect(inspection.config?.workingDir).toBe('/app')
    expect(inspection.config?.env).toContain('APP_VERSION=1.0')
    expect(JSON.parse(inspection.manifestJson)).toMatchObject({ mediaType: 'application/vnd.oci.image.index.v1+json' })
    expect(inspection.referrers).toEqual([])
  })

  it('lists every tag of acme/web that shares the digest of latest', async () => {
    const client = keep(labClient(lab.token, lab.users.reader))
    const inspection = await inspectReference(client, 'acme/web', 'latest')
    const web = lab.truth.repositories['acme/web'] ?? {}
    const expected = Object.keys(web).filter((t) => web[t]?.digest === web.latest?.digest)
    expect(inspection.tagsSharingDigest.sort()).toEqual(expected.sort())
  })
})

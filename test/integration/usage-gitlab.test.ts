// Storage usage on GitLab, through the GitLab recording (test/fixtures/recordings: written from
// GitLab's API docs, not captured): the app's way (startUsage → usageProgress → usageFinished), with
// the sizes GitLab reports itself beside Berth's own count, their source and the difference.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiEvents, ApiRequests } from '../../shared/ipc'
import type { RegistryUsage, RepositoryUsage, UsageProgress } from '../../shared/usage'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { countRequests, startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'
import type { BuiltImage } from '../fixtures/recordings/recorded-images'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(options: { gitlabV1?: boolean } = {}): Promise<{ core: Engine; gitlab: GitlabRecordingServer; registryId: string }> {
  const gitlab = await startGitlabRecording(options.gitlabV1 === false ? { gitlabV1: false } : {})
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-usage-gitlab-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  cleanups.push(async () => {
    await core.close()
    await gitlab.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const saved = await core.api.saveRegistry({ profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab' } })
  await core.api.login({ registryId: saved.id, username: 'ada', secret: 'glpat-recorded-developer' })
  return { core, gitlab, registryId: saved.id }
}

/** Starts a measurement the app's way and collects its progress until it finishes. */
async function measure(
  core: Engine,
  request: ApiRequests['startUsage'],
  options: { cancel?: boolean } = {},
): Promise<{ finished: ApiEvents['usageFinished']; progress: UsageProgress[] }> {
  const progress: UsageProgress[] = []
  let jobId = ''
  const early: ApiEvents['usageFinished'][] = []
  let finish: (payload: ApiEvents['usageFinished']) => void = (payload) => void early.push(payload)
  const unsubscribe = core.subscribe((event, payload) => {
    if (event === 'usageProgress') progress.push((payload as ApiEvents['usageProgress']).progress)
    if (event === 'usageFinished') finish(payload as ApiEvents['usageFinished'])
  })
  try {
    const finished = new Promise<ApiEvents['usageFinished']>((resolve) => {
      finish = (payload) => {
        if (payload.jobId === jobId || jobId === '') resolve(payload)
      }
    })
    jobId = (await core.api.startUsage(request)).jobId
    if (options.cancel) await core.api.cancelUsage({ jobId })
    const done = early.find((payload) => payload.jobId === jobId) ?? (await finished)
    return { finished: done, progress }
  } finally {
    unsubscribe()
  }
}

/** Berth's count from the recording's own content: every manifest's length, config and layer, once. */
function recordedBerthBytes(gitlab: GitlabRecordingServer, repositories: string[]): number {
  return bytesOf(repositories.flatMap((repository) => gitlab.store.list(repository).map((entry) => entry.image)))
}

function bytesOf(images: readonly BuiltImage[]): number {
  const sizes = new Map<string, number>()
  for (const image of images) {
    for (const [digest, { bytes }] of image.manifests) {
      sizes.set(digest, bytes.length)
      const manifest = JSON.parse(bytes.toString('utf8')) as {
        config?: { digest: string; size: number }
        layers?: { digest: string; size: number }[]
      }
      for (const blob of [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])]) sizes.set(blob.digest, blob.size)
    }
  }
  return [...sizes.values()].reduce((sum, size) => sum + size, 0)
}

describe('storage usage on GitLab, through its recording', () => {
  it("measures a prefix, digests from the /gitlab/v1 pages, with GitLab's own sizes and their difference from Berth's", async () => {
    const { core, gitlab, registryId } = await setup()
    const { finished, progress } = await measure(core, { registryId, prefix: 'platform/api' })
    expect(finished.error).toBeNull()
    if (finished.result?.scope !== 'registry') throw new Error('expected a registry result')
    const usage: RegistryUsage = finished.result.usage
    expect(usage.repositories.map((row) => row.repository).sort()).toEqual(['platform/api', 'platform/api/worker'])
    for (const row of usage.repositories) {
      expect(row.totalBytes).toBe(recordedBerthBytes(gitlab, [row.repository]))
      expect(row.reported?.source).toBe('gitlab-registry-api')
      expect(row.reported?.note).toContain('size=self')
      expect(row.reported?.differenceBytes).toBe((row.reported?.bytes ?? 0) - row.totalBytes)
      // GitLab's figure (as recorded) counts layers alone: Berth's adds configs and manifests.
      expect(row.reported?.differenceBytes).toBeLessThan(0)
    }
    expect(usage.totalBytes).toBe(recordedBerthBytes(gitlab, ['platform/api', 'platform/api/worker']))
    expect(usage.reported?.note).toContain('self_with_descendants')
    expect(usage.reported?.differenceBytes).toBe((usage.reported?.bytes ?? 0) - usage.totalBytes)
    expect(usage.listing.source).toBe('provider-api')
    // Digests came with the listing: no HEAD or GET by tag, one GET per distinct manifest.
    expect(countRequests(gitlab.requests, 'HEAD', /\/manifests\//)).toBe(0)
    expect(countRequests(gitlab.requests, 'GET', /\/blobs\//)).toBe(0)
    expect(countRequests(gitlab.requests, 'GET', /\/gitlab\/v1\/repositories\/platform\/api\/$/)).toBe(2)
    expect(progress.at(-1)).toMatchObject({ repositoriesDone: 2, repositoriesTotal: 2 })
    expect(progress.at(-1)?.tagsDone).toBe(progress.at(-1)?.tagsTotal)
  })

  it("takes GitLab's REST size where the registry has no /gitlab/v1, naming that source", async () => {
    const { core, gitlab, registryId } = await setup({ gitlabV1: false })
    const { finished } = await measure(core, { registryId, repository: 'platform/tools/lint' })
    if (finished.result?.scope !== 'repository') throw new Error(`expected a repository result: ${finished.error?.message ?? ''}`)
    const usage: RepositoryUsage = finished.result.usage
    expect(usage.totalBytes).toBe(recordedBerthBytes(gitlab, ['platform/tools/lint']))
    expect(usage.tags.map((tag) => tag.tag)).toEqual(['stable'])
    expect(usage.reported?.source).toBe('gitlab-rest-api')
    expect(usage.reported?.differenceBytes).toBe((usage.reported?.bytes ?? 0) - usage.totalBytes)
    expect(countRequests(gitlab.requests, 'GET', /^\/api\/v4\/registry\/repositories\/103$/)).toBe(1)
  })

  it('counts a multi-arch tag with its platform manifests, each blob once', async () => {
    const { core, gitlab, registryId } = await setup()
    const { finished } = await measure(core, { registryId, repository: 'platform/api' })
    if (finished.result?.scope !== 'repository') throw new Error('expected a repository result')
    const multiarch = finished.result.usage.tags.find((tag) => tag.tag === 'multiarch')
    const image = gitlab.store.get('platform/api', 'multiarch')?.image
    expect(image?.manifests.size).toBe(3)
    expect(multiarch?.bytes).toBe(bytesOf(image ? [image] : []))
    expect(multiarch?.uniqueBytes).toBe(multiarch?.bytes)
  })

  it('a cancelled measurement finishes with a cancelled error and no result', async () => {
    const { core, registryId } = await setup()
    const { finished } = await measure(core, { registryId, prefix: '' }, { cancel: true })
    expect(finished.result).toBeNull()
    expect(finished.error?.code).toBe('cancelled')
  })
})

// The GitLab provider through the GitLab recording (test/fixtures/recordings: written from GitLab's
// API docs, not captured): the same app core the UI calls, with a PAT in a memory secret store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { rejection } from '../support/rejection'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { createGitlabRegistryApi } from '../../electron/providers/gitlab/gitlab-registry-api'
import { parseRegistryAddress } from '../../electron/http/reference'
import { countRequests, startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'

const developer = 'glpat-recorded-developer'
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(
  options: { token?: string | null; gitlabV1?: boolean; gitlabUrl?: boolean } = {},
): Promise<{ core: Engine; gitlab: GitlabRecordingServer; registryId: string }> {
  const gitlab = await startGitlabRecording(options.gitlabV1 === false ? { gitlabV1: false } : {})
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-gitlab-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  cleanups.push(async () => {
    await core.close()
    await gitlab.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const saved = await core.api.saveRegistry({
    profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab', ...(options.gitlabUrl ? { gitlabUrl: gitlab.gitlabUrl } : {}) },
  })
  if (options.token !== null) await core.api.login({ registryId: saved.id, username: 'ada', secret: options.token ?? developer })
  return { core, gitlab, registryId: saved.id }
}

describe('GitLab through its recording', () => {
  it("browses the repositories of the user's groups and projects with a PAT, never asking the admin-only catalog", async () => {
    const { core, gitlab, registryId } = await setup()
    const listing = await core.api.listRepositories({ registryId })
    expect(listing.repositories).toEqual(['ada/sandbox', 'platform/api', 'platform/api/worker', 'platform/tools/lint'])
    expect(listing.reason).toContain(gitlab.gitlabUrl)
    expect(countRequests(gitlab.requests, 'GET', /^\/v2\/_catalog$/)).toBe(0)
    const rest = gitlab.requests.filter((r) => r.server === 'gitlab' && r.path.startsWith('/api/v4/'))
    expect(rest.length).toBeGreaterThan(0)
    expect(rest.every((r) => r.headers['private-token'] === developer && r.headers.authorization === undefined)).toBe(true)
    // The outer group's listing covers its subgroup; the personal project is asked on its own.
    expect(rest.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v4/groups/7/registry/repositories', '/api/v4/projects/51/registry/repositories']),
    )
    expect(rest.some((r) => r.path === '/api/v4/groups/9/registry/repositories')).toBe(false)
  })

  it('derives the GitLab instance from the token realm when the profile names none, and uses the given one otherwise', async () => {
    const derived = await setup()
    await derived.core.api.listRepositories({ registryId: derived.registryId })
    expect(derived.gitlab.requests.some((r) => r.server === 'gitlab' && r.path === '/api/v4/groups')).toBe(true)
    const given = await setup({ gitlabUrl: true })
    await given.core.api.listRepositories({ registryId: given.registryId })
    expect(countRequests(given.gitlab.requests, 'GET', /^\/v2\/$/)).toBe(0)
  })

  it("lists tags newest-pushed first and reads every tag's details from one /gitlab/v1 request, with no HEAD per tag", async () => {
    const { core, gitlab, registryId } = await setup()
    const { tags } = await core.api.listTags({ registryId, repository: 'platform/api' })
    const recorded = gitlab.store.list('platform/api').map((t) => t.recorded)
    const byPublished = [...recorded].sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '')).map((t) => t.name)
    expect(tags).toEqual(byPublished)
    const results = await core.api.getTagDetails({ registryId, repository: 'platform/api', tags })
    expect(countRequests(gitlab.requests, 'GET', /^\/gitlab\/v1\/repositories\/platform\/api\/tags\/list\/$/)).toBe(1)
    expect(countRequests(gitlab.requests, 'HEAD', /\/manifests\//)).toBe(0)
    for (const result of results) {
      if (!result.ok) throw new Error(`${result.tag}: ${result.error.message}`)
      const entry = gitlab.store.get('platform/api', result.tag)
      expect(result.details.digest).toBe(entry?.image.digest)
      expect(result.details.pushed).toBe(entry?.recorded.published_at)
    }
    const v120 = results.find((r) => r.tag === 'v1.2.0')
    // Built in October, pushed in November: both dates, each labelled by its source.
    expect(v120?.ok && v120.details).toMatchObject({
      created: '2026-10-02T16:45:00.000Z',
      createdSource: 'config',
      pushed: '2026-11-01T09:00:00.000Z',
    })
    const reproducible = results.find((r) => r.tag === 'reproducible')
    expect(reproducible?.ok && reproducible.details.created).toBeNull()
    const multiarch = results.find((r) => r.tag === 'multiarch')
    expect(multiarch?.ok && multiarch.details.platforms.map((p) => p.architecture)).toEqual(['amd64', 'arm64'])
  })

  it('pages /gitlab/v1 through its Link header, one request per page, and filters and sorts on the server', async () => {
    const gitlab = await startGitlabRecording()
    const registryApi = createGitlabRegistryApi({
      endpoint: parseRegistryAddress(gitlab.registryUrl, { insecure: false }),
      credentials: () => Promise.resolve({ kind: 'basic', username: 'ada', password: developer }),
    })
    cleanups.push(async () => {
      await registryApi.close()
      await gitlab.close()
    })
    expect(await registryApi.available()).toBe(true)
    const pages = /^\/gitlab\/v1\/repositories\/platform\/api\/tags\/list\/$/
    const all = await registryApi.listTags('platform/api', { sort: '-published_at', pageSize: 4 })
    expect(countRequests(gitlab.requests, 'GET', pages)).toBe(3)
    expect(all.map((t) => t.publishedAt)).toEqual([...all.map((t) => t.publishedAt)].sort().reverse())
    expect(new Set(all.map((t) => t.name)).size).toBe(10)
    const ascending = await registryApi.listTags('platform/api', { sort: 'published_at', pageSize: 3 })
    expect(ascending.map((t) => t.name)).toEqual([...all.map((t) => t.name)].reverse())
    const filtered = await registryApi.listTags('platform/api', { name: 'main-', sort: 'name' })
    expect(filtered.map((t) => t.name)).toEqual(['main-4f2a9c1', 'main-8b7e6d5'])
    expect(filtered.every((t) => t.sizeBytes !== null && t.digest.startsWith('sha256:'))).toBe(true)
  })

  it('falls back to the REST tag list and /v2 details where /gitlab/v1 does not answer', async () => {
    const { core, gitlab, registryId } = await setup({ gitlabV1: false })
    const { tags } = await core.api.listTags({ registryId, repository: 'platform/api/worker' })
    expect(tags).toEqual(['latest', 'v0.9.0'])
    expect(countRequests(gitlab.requests, 'GET', /^\/api\/v4\/projects\/42\/registry\/repositories\/102\/tags$/)).toBe(1)
    const details = await core.api.getTagDetails({ registryId, repository: 'platform/api/worker', tags })
    expect(details.every((d) => d.ok && d.details.created !== null)).toBe(true)
  })

  it('deletes exactly one tag through the GitLab API and records it as gitlab-api', async () => {
    const { core, gitlab, registryId } = await setup()
    await core.api.listRepositories({ registryId })
    const before = gitlab.store.get('platform/api', 'pr-311')?.image.digest ?? ''
    const { results } = await core.api.deleteTags({
      registryId,
      repository: 'platform/api',
      tags: ['pr-311'],
      mode: 'tag',
      expectedDigests: { 'pr-311': before },
    })
    expect(results).toEqual([{ tag: 'pr-311', digest: before, ok: true, method: 'gitlab-api', removedTags: ['pr-311'] }])
    expect(countRequests(gitlab.requests, 'DELETE', /^\/api\/v4\/projects\/42\/registry\/repositories\/101\/tags\/pr-311$/)).toBe(1)
    expect(gitlab.store.get('platform/api', 'pr-318')).toBeDefined()
    const { tags } = await core.api.listTags({ registryId, repository: 'platform/api' })
    expect(tags).not.toContain('pr-311')
    const audit = await core.api.readAuditLog({ limit: 10 })
    expect(audit.at(-1)).toMatchObject({ repository: 'platform/api', tag: 'pr-311', method: 'gitlab-api', result: 'ok' })
  })

  it("explains a refused delete in GitLab's terms: a protected tag, or a role below Developer", async () => {
    const developerSetup = await setup()
    const protectedTag = await developerSetup.core.api.deleteTags({
      registryId: developerSetup.registryId,
      repository: 'platform/api',
      tags: ['v1.0.0'],
      mode: 'tag',
      expectedDigests: { 'v1.0.0': developerSetup.gitlab.store.get('platform/api', 'v1.0.0')?.image.digest ?? '' },
    })
    expect(protectedTag.results[0]?.error).toMatchObject({ code: 'forbidden', status: 403 })
    expect(protectedTag.results[0]?.error?.message).toMatch(/protected/)
    expect(protectedTag.results[0]?.error?.fix).toMatch(/Developer/)
    const reporter = await setup({ token: 'glpat-recorded-reporter' })
    const refused = await reporter.core.api.deleteTags({
      registryId: reporter.registryId,
      repository: 'platform/api',
      tags: ['pr-318'],
      mode: 'tag',
      expectedDigests: { 'pr-318': reporter.gitlab.store.get('platform/api', 'pr-318')?.image.digest ?? '' },
    })
    expect(refused.results[0]?.error?.code).toBe('forbidden')
    expect(reporter.gitlab.store.get('platform/api', 'pr-318')).toBeDefined()
  })

  it('asks an anonymous user for a token instead of failing, keeping favourites and the refused catalog apart', async () => {
    const { core, gitlab, registryId } = await setup({ token: null })
    await core.api.addFavorite({ registryId, repository: 'platform/api' })
    const listing = await core.api.listRepositories({ registryId })
    expect(listing).toMatchObject({ catalog: 'unavailable', repositories: ['platform/api'] })
    expect(listing.reason).toMatch(/personal access token/)
    expect(gitlab.requests.some((r) => r.path.startsWith('/api/v4/'))).toBe(false)
  })

  it('says an expired token is expired and which scopes a new one needs', async () => {
    const { core, registryId } = await setup({ token: 'glpat-recorded-expired' })
    const error = await rejection(core.api.listRepositories({ registryId }))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toMatch(/expired/)
    expect(error.fix).toMatch(/read_api/)
    expect(error.fix).toMatch(/read_registry/)
  })

  it("submits GitLab's bulk cleanup, which answers 202 and refuses a second one within the hour", async () => {
    const { core, gitlab, registryId } = await setup()
    const accepted = await core.api.submitGitlabBulkDelete({
      registryId,
      repository: 'platform/api',
      nameRegexDelete: 'pr-.*',
      keepN: 0,
      olderThan: '7d',
    })
    expect(accepted).toMatchObject({ repository: 'platform/api', status: 'accepted' })
    expect(accepted.note).toMatch(/once|hour/)
    expect(gitlab.bulkDeletes).toEqual([
      { repositoryId: 101, params: { name_regex_delete: 'pr-.*', keep_n: '0', older_than: '7d' }, status: 202 },
    ])
    expect(gitlab.store.get('platform/api', 'pr-311')).toBeUndefined()
    expect(gitlab.store.get('platform/api', 'latest')).toBeDefined()
    const again = await rejection(core.api.submitGitlabBulkDelete({ registryId, repository: 'platform/api', nameRegexDelete: 'main-.*' }))
    expect(again.code).toBe('rate_limited')
    expect(again.message).toMatch(/hour/)
  })
})

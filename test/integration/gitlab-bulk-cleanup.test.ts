// GitLab's own bulk cleanup, reachable from both doors, through the GitLab recording
// (test/fixtures/recordings: written from GitLab's API docs, not captured; it applies the cleanup at
// once where GitLab runs it later): the rules shown in GitLab's vocabulary, submitted, what GitLab
// accepted printed, the submission in the audit log; and listings reporting their pages as they arrive.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiEvents } from '../../shared/ipc'
import type { AuditEntry } from '../../shared/types'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { rejection } from '../support/rejection'
import { berthInProcess } from '../support/cli-run'
import { startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'

const developer = 'glpat-recorded-developer'
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(): Promise<{ core: Engine; gitlab: GitlabRecordingServer; registryId: string; dataDirectory: string; host: string }> {
  const gitlab = await startGitlabRecording()
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-gitlab-bulk-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  cleanups.push(async () => {
    await core.close()
    await gitlab.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const saved = await core.api.saveRegistry({ profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab', username: 'ada' } })
  await core.api.login({ registryId: saved.id, username: 'ada', secret: developer })
  return { core, gitlab, registryId: saved.id, dataDirectory, host: new URL(gitlab.registryUrl).host }
}

describe("GitLab's bulk cleanup through the recording", () => {
  it('answers with the parameters GitLab accepted and records the submission, and a refusal, in the audit log', async () => {
    const { core, gitlab, registryId, host } = await setup()
    const accepted = await core.api.submitGitlabBulkDelete({
      registryId,
      repository: 'platform/api',
      nameRegexDelete: '(?i)pr-.*',
      keepN: 1,
    })
    expect(accepted).toMatchObject({ repository: 'platform/api', status: 'accepted', accepted: { nameRegexDelete: '(?i)pr-.*', keepN: 1 } })
    expect(accepted.note).toMatch(/background/)
    expect(gitlab.bulkDeletes[0]?.params).toEqual({ name_regex_delete: '(?i)pr-.*', keep_n: '1' })
    await rejection(core.api.submitGitlabBulkDelete({ registryId, repository: 'platform/api', nameRegexDelete: '.*' }))

    const entries = await core.api.readAuditLog({ registryId })
    expect(entries.map((e) => [e.method, e.result, e.repository, e.tag, e.detail, e.account])).toEqual([
      ['gitlab-bulk-delete', 'ok', 'platform/api', null, 'name_regex_delete=(?i)pr-.* keep_n=1', 'ada'],
      ['gitlab-bulk-delete', 'error', 'platform/api', null, 'name_regex_delete=.*', 'ada'],
    ])
    expect(entries[1]?.error).toMatch(/^rate_limited: .*hour/)
    expect(entries.every((e) => e.registry === host)).toBe(true)
    expect(await core.api.readAuditLog({ registryId, repository: 'platform/api/worker' })).toEqual([])
  })

  it('berth cleanup --server-side shows what GitLab would get, submits it with --yes, and berth audit lists it', async () => {
    const { gitlab, dataDirectory, host } = await setup()
    const env = { BERTH_DATA_DIR: dataDirectory }
    const cleanup = (...more: string[]) =>
      berthInProcess(['cleanup', `${host}/platform/api`, '--delete-regex', '^pr-', '--older-than', '2w', '--server-side', ...more], {
        env,
        stdin: `${developer}\n`,
      })
    const login = ['--username', 'ada', '--password-stdin']

    const dry = await cleanup(...login)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(
      /GitLab would be asked to clean up platform\/api with:\n {2}name_regex_delete +\(\?i\)pr-\.\*\n {2}older_than +14d\n/,
    )
    expect(dry.stdout).toMatch(/GitLab runs the cleanup in the background/)
    expect(dry.stdout).toContain('Dry run: nothing was submitted. Run again with --yes to hand this cleanup to GitLab.')
    expect(gitlab.bulkDeletes).toEqual([])

    const run = await cleanup('--yes', '--json', ...login)
    expect(run.code).toBe(0)
    const answer = JSON.parse(run.stdout) as { serverSide: boolean; dryRun: boolean; status: string; accepted: object; note: string }
    expect(answer).toMatchObject({
      serverSide: true,
      dryRun: false,
      status: 'accepted',
      accepted: { nameRegexDelete: '(?i)pr-.*', olderThan: '14d' },
    })
    expect(gitlab.bulkDeletes.map((b) => [b.params, b.status])).toEqual([[{ name_regex_delete: '(?i)pr-.*', older_than: '14d' }, 202]])

    const audit = await berthInProcess(['audit', host, '--json'], { env })
    const entries = JSON.parse(audit.stdout) as AuditEntry[]
    expect(entries.map((e) => [e.method, e.result, e.detail, e.account])).toEqual([
      ['gitlab-bulk-delete', 'ok', 'name_regex_delete=(?i)pr-.* older_than=14d', 'ada'],
    ])
    const table = await berthInProcess(['audit', `${host}/platform/api`], { env })
    expect(table.stdout).toMatch(/GitLab bulk cleanup +\S+ +platform\/api +ok +ada/)
  })

  it('refuses --server-side where the registry does not run cleanups itself, and rules GitLab cannot run', async () => {
    const { gitlab, dataDirectory, host } = await setup()
    const env = { BERTH_DATA_DIR: dataDirectory }
    // By its loopback IP the recording has no saved GitLab profile: Berth treats it as a plain registry.
    const plain = host.replace('127.0.0.1', 'localhost')
    const other = await berthInProcess(['cleanup', `${plain}/platform/api`, '--delete-regex', '.*', '--server-side'], { env })
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/does not run cleanups itself: only GitLab does/)
    expect(other.stderr).toMatch(/Drop --server-side/)
    const lookahead = await berthInProcess(
      ['cleanup', `${host}/platform/api`, '--delete-regex', '^(?!v)', '--server-side', '--username', 'ada', '--password-stdin'],
      { env, stdin: `${developer}\n` },
    )
    expect(lookahead.code).toBe(1)
    expect(lookahead.stderr).toMatch(/--server-side: The remove pattern uses a lookaround/)
    expect(gitlab.bulkDeletes).toEqual([])
  })
})

describe('listing progress through the GitLab recording', () => {
  it('pushes the count of repositories and tags as their pages arrive, for the listing asked', async () => {
    const { core, registryId } = await setup()
    const events: ApiEvents['listingProgress'][] = []
    const stop = core.subscribe((event, payload) => {
      if (event === 'listingProgress') events.push(payload as ApiEvents['listingProgress'])
    })
    cleanups.push(() => Promise.resolve(void stop()))
    const listing = await core.api.listRepositories({ registryId })
    const repositories = events.filter((e) => e.repository === null)
    expect(repositories.length).toBeGreaterThan(0)
    expect(repositories.every((e) => e.registryId === registryId)).toBe(true)
    // Groups and projects are listed on the way, but only repositories are counted.
    expect(repositories.at(-1)?.items).toBeLessThanOrEqual(listing.repositories.length)
    expect(repositories[0]?.pages).toBe(1)

    const { tags } = await core.api.listTags({ registryId, repository: 'platform/api' })
    const tagEvents = events.filter((e) => e.repository === 'platform/api')
    expect(tagEvents.at(-1)).toMatchObject({ registryId, items: tags.length, pages: 1 })
  })
})

// Adding a GitLab registry, against the GitLab recording (test/fixtures/recordings: written from
// GitLab's API documentation, not captured): the probe recognises GitLab by its /jwt/auth realm and
// names the instance; connecting checks the token with the registry and then with GitLab's API
// (GET /personal_access_tokens/self) before anything is saved, and says what the token may do.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describeGitlabToken } from '../../shared/registry-setup'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'
import { rejection } from '../support/rejection'

let gitlab: GitlabRecordingServer
let engine: Engine
let dataDirectory: string

beforeAll(async () => {
  gitlab = await startGitlabRecording()
})
afterAll(async () => {
  await gitlab.close()
})
beforeEach(() => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'berth-gitlab-connect-'))
  engine = createEngine({ dataDirectory, secrets: createMemorySecretStore(), certsDirs: [] })
})
afterEach(async () => {
  await engine.close()
  rmSync(dataDirectory, { recursive: true, force: true })
})

const registryHost = () => new URL(gitlab.registryUrl).host

async function connect(username: string, secret: string) {
  const probe = await engine.api.probeRegistry({ url: registryHost(), insecure: false })
  return engine.api.connectRegistry({ profile: { name: 'GitLab', url: probe.url, kind: probe.kind }, credential: { username, secret } })
}

describe('a GitLab registry', () => {
  it('is recognised by its /jwt/auth realm, with the instance it belongs to', async () => {
    const probe = await engine.api.probeRegistry({ url: registryHost(), insecure: false })
    expect(probe).toMatchObject({ kind: 'gitlab', url: gitlab.registryUrl, gitlabUrl: gitlab.gitlabUrl, service: 'container_registry' })
  })

  it('checks a personal access token with GitLab’s API and says what it may do', async () => {
    const { view, gitlab: report } = await connect('ada', 'glpat-recorded-developer')
    expect(view).toMatchObject({ kind: 'gitlab', hasCredential: true })
    expect(report).toEqual({
      instanceUrl: gitlab.gitlabUrl,
      kind: 'personal',
      scopes: ['api', 'read_registry'],
      canList: true,
      canDelete: true,
      expiresAt: '2027-01-31',
    })
    const asked = gitlab.requests.filter((r) => r.path === '/api/v4/personal_access_tokens/self')
    expect(asked.at(-1)?.headers['private-token']).toBe('glpat-recorded-developer')
  })

  it('says a token without write_registry or api can browse but not delete', async () => {
    const { gitlab: report } = await connect('rex', 'glpat-recorded-reporter')
    expect(report).toMatchObject({ kind: 'personal', canList: true, canDelete: false })
    expect(describeGitlabToken(report ?? { instanceUrl: '', kind: 'job', scopes: null, canList: false, canDelete: null })).toBe(
      'Personal access token (read_api, read_registry; expires 2027-01-31): can browse, list your repositories. ' +
        'It needs write_registry or api to delete.',
    )
  })

  it('refuses an expired token before anything is saved', async () => {
    const error = await rejection(connect('ada', 'glpat-recorded-expired'))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toContain('refused these credentials')
    expect(engine.profiles.list()).toEqual([])
  })

  it('takes a deploy token the registry accepts and GitLab’s API does not know', async () => {
    gitlab.deployTokens.push({
      id: 7,
      name: 'ci-pull',
      username: 'gitlab+deploy-token-7',
      token: 'gldt-recorded-ci-pull',
      scopes: ['read_registry'],
      expiresAt: null,
      owner: { kind: 'group', fullPath: 'platform' },
    })
    const { gitlab: report, view } = await connect('gitlab+deploy-token-7', 'gldt-recorded-ci-pull')
    expect(report).toEqual({ instanceUrl: gitlab.gitlabUrl, kind: 'deploy', scopes: null, canList: false, canDelete: null })
    expect(view.hasCredential).toBe(true)
  })
})

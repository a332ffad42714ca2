// What the app's toast and `berth login` say a GitLab token may do, from what GitLab's API told.
import { describe, expect, it } from 'vitest'
import { describeGitlabToken, hostRoleLabel, type GitlabTokenReport } from '../../../shared/registry-setup'

const base = { instanceUrl: 'https://gitlab.example.com' }

describe('describeGitlabToken', () => {
  it.each<[string, GitlabTokenReport, string]>([
    [
      'a token that may do everything',
      { ...base, kind: 'personal', scopes: ['api'], canList: true, canDelete: true, expiresAt: null },
      'Personal access token (api): can browse, list your repositories, delete tags.',
    ],
    [
      'a registry-only token',
      { ...base, kind: 'personal', scopes: ['read_registry'], canList: false, canDelete: false, expiresAt: '2027-06-30' },
      'Personal access token (read_registry; expires 2027-06-30): can browse. ' +
        'It needs read_api to list repositories (until then, add them by name); write_registry or api to delete.',
    ],
    [
      'a deploy token',
      { ...base, kind: 'deploy', scopes: null, canList: false, canDelete: null },
      'GitLab accepted it for the registry but its API does not know it (a deploy token): ' +
        'add repositories by name; deleting needs the write_registry scope.',
    ],
    [
      'a CI job token',
      { ...base, kind: 'job', scopes: null, canList: true, canDelete: null },
      'A CI job token: it works only while its job runs.',
    ],
  ])('%s', (_, report, text) => {
    expect(describeGitlabToken(report)).toBe(text)
  })
})

describe('hostRoleLabel', () => {
  it('names each host a registry sends Berth to', () => {
    expect(['registry', 'token-realm', 'gitlab-api'].map((role) => hostRoleLabel(role as 'registry'))).toEqual([
      'registry',
      'token server',
      'GitLab API',
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { gitlabError, gitlabMessage } from '../../../electron/providers/gitlab/gitlab-errors'
import { gitlabTokenFor, instanceUrlFromRealm } from '../../../electron/providers/gitlab/gitlab-provider'
import type { HttpResponse } from '../../../electron/http/transport'

function response(status: number, body: unknown, method: HttpResponse['method'] = 'GET'): HttpResponse {
  return {
    status,
    method,
    url: 'https://gitlab.example/api/v4/projects/42/registry/repositories/1/tags/v1',
    headers: {},
    body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
  }
}

describe("GitLab errors in GitLab's terms", () => {
  it("reads GitLab's message, OAuth-style and field-error bodies", () => {
    expect(gitlabMessage('{"message":"403 Forbidden"}')).toBe('403 Forbidden')
    expect(gitlabMessage('{"error":"invalid_token","error_description":"Token has expired."}')).toBe('invalid_token: Token has expired.')
    expect(gitlabMessage('{"message":{"name_regex_delete":["is invalid"]}}')).toContain('name_regex_delete')
    expect(gitlabMessage('<html>proxy error</html>')).toBe('')
  })

  it('calls a 401 an expired or unaccepted token and names the scopes a new one needs', () => {
    const expired = gitlabError(response(401, { error: 'invalid_token', error_description: 'Token has expired.' }), 'list groups')
    expect(expired.code).toBe('unauthorized')
    expect(expired.message).toMatch(/expired/)
    expect(expired.fix).toMatch(/read_api/)
    expect(expired.fix).toMatch(/read_registry/)
    expect(gitlabError(response(401, { message: '401 Unauthorized' }), 'list groups').message).toMatch(/did not accept/)
  })

  it('calls a 403 on delete a role below Developer or a protected tag, and a 403 on reads a missing scope or role', () => {
    const deleted = gitlabError(response(403, { message: '403 Forbidden' }, 'DELETE'), 'delete tag')
    expect(deleted.code).toBe('forbidden')
    expect(deleted.message).toMatch(/protected/)
    expect(deleted.fix).toMatch(/Developer/)
    const scope = gitlabError(
      response(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
      }),
      'list groups',
    )
    expect(scope.message).toMatch(/scope/)
    expect(scope.fix).toMatch(/read_api/)
  })

  it('turns the once-an-hour bulk cleanup refusal into a rate limit with an hour to wait', () => {
    const error = gitlabError(
      response(
        400,
        { message: 'This request has already been made. You can run this at most once an hour for a given container repository' },
        'DELETE',
      ),
      'bulk cleanup',
    )
    expect(error.code).toBe('rate_limited')
    expect(error.data.retryAfterSeconds).toBe(3600)
  })
})

describe('GitLab instance and token', () => {
  it('derives the instance URL from the registry token realm, keeping a relative URL root', () => {
    expect(instanceUrlFromRealm('https://gitlab.example/jwt/auth')).toBe('https://gitlab.example')
    expect(instanceUrlFromRealm('https://corp.example/gitlab/jwt/auth')).toBe('https://corp.example/gitlab')
    expect(instanceUrlFromRealm('https://auth.docker.io/token')).toBeNull()
    expect(instanceUrlFromRealm('not a url')).toBeNull()
  })

  it('sends a personal access token as PRIVATE-TOKEN and a CI job token as JOB-TOKEN', () => {
    expect(gitlabTokenFor('ada', 'glpat-x')).toEqual({ header: 'PRIVATE-TOKEN', value: 'glpat-x' })
    expect(gitlabTokenFor('gitlab-ci-token', 'job')).toEqual({ header: 'JOB-TOKEN', value: 'job' })
  })
})

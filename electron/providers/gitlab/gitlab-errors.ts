// GitLab failures in GitLab's own terms (GLAPI doc/api/container_registry.md, docs/registry-notes.md
// "Errors"): its REST API answers `{"message"}` or OAuth-style `{"error","error_description"}`
// instead of the registry envelope, and a user fixes a 401 or 403 through GitLab settings
// (token scopes, project role, protected tags), not registry configuration.
import { z } from 'zod'
import { BerthError, type BerthErrorData } from '../../../shared/errors'
import { sanitizeForMessage } from '../../http/sanitize'
import { bodyText, responseError, type HttpResponse } from '../../http/transport'

const gitlabErrorBody = z.looseObject({
  message: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
})

/** What GitLab said, from `{"message"}`, `{"message":{field:[…]}}` or `{"error","error_description"}`. */
export function gitlabMessage(text: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return /^\s*</.test(text) ? '' : sanitizeForMessage(text, 300)
  }
  const body = gitlabErrorBody.safeParse(parsed)
  if (!body.success) return ''
  const { message, error, error_description: description } = body.data
  if (typeof message === 'string') return sanitizeForMessage(message, 300)
  if (message) return sanitizeForMessage(JSON.stringify(message), 300)
  return sanitizeForMessage([error, description].filter(Boolean).join(': '), 300)
}

/** GitLab allows one bulk tag cleanup per repository per hour (GLAPI "Delete registry repository tags in bulk"). */
export const bulkDeleteLimitPattern = /at most once an hour/i

export function gitlabError(response: HttpResponse, operation: string): BerthError {
  const said = gitlabMessage(bodyText(response).slice(0, 64 * 1024))
  const host = new URL(response.url).host
  const where = `${host} answered ${response.status} to ${response.method} ${new URL(response.url).pathname} (${operation})`
  const suffix = said ? ` (GitLab says: ${said})` : ''
  const make = (data: Omit<BerthErrorData, 'status'>): BerthError =>
    new BerthError({ ...data, status: response.status, message: `${where} — ${data.message}${suffix}` })
  if (response.status === 401) {
    const expired = /expired|revoked/i.test(said)
    return make({
      code: 'unauthorized',
      message: expired ? 'the access token has expired or was revoked' : 'GitLab did not accept the access token',
      fix:
        'Create a personal access token in GitLab (User settings → Access tokens) ' +
        'with the read_api and read_registry scopes (api to delete tags), and sign in again with it.',
    })
  }
  if (response.status === 403) {
    if (/insufficient_scope|higher privileges/i.test(said)) {
      return make({
        code: 'forbidden',
        message: 'the access token lacks a scope this needs',
        fix: 'Give the token the read_api scope to browse (api to delete), or create a new one with those scopes.',
      })
    }
    return make({
      code: 'forbidden',
      message:
        response.method === 'DELETE'
          ? 'your role does not allow deleting here, or the tag is protected'
          : 'your role in this project or group does not allow this',
      fix:
        response.method === 'DELETE'
          ? 'Deleting tags needs at least the Developer role ' +
            '(Maintainer or Owner for protected tags: Settings → Packages and registries → Protected container tags).'
          : 'Ask a project Owner or Maintainer for at least the Reporter role.',
    })
  }
  if (response.status === 404) {
    return make({
      code: 'not_found',
      message: 'the project, group, repository or tag does not exist or this token cannot see it',
      fix: 'Check the path, and that the token belongs to a member of the project.',
    })
  }
  if (response.status === 400 && bulkDeleteLimitPattern.test(said)) {
    return make({
      code: 'rate_limited',
      message: 'GitLab already accepted a bulk cleanup for this repository within the last hour',
      fix: 'GitLab runs one bulk tag cleanup per repository per hour; submit again later, or delete single tags now.',
      retryAfterSeconds: 3600,
    })
  }
  return responseError(response, operation)
}

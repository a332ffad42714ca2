// What a GitLab token may do, asked of GitLab's API before the token is saved (GLAPI
// doc/api/personal_access_tokens.md "Get details on a personal access token": GET
// /personal_access_tokens/self answers for a personal, project or group access token of any
// scope). The registry has already accepted the token by then (its /jwt/auth), so an API that
// does not know it means a deploy token: those work for the registry only.
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'
import { gitlabScopes, type GitlabTokenReport } from '../../../shared/registry-setup'
import type { TlsTrust } from '../../http/client-types'
import { parseRegistryAddress } from '../../http/reference'
import { createTransport, type Transport } from '../../http/transport'
import { gitlabError } from './gitlab-errors'
import { gitlabTokenFor } from './gitlab-provider'

const tokenSelfSchema = z.looseObject({
  scopes: z.array(z.string()).max(100).default([]),
  active: z.boolean().optional(),
  revoked: z.boolean().optional(),
  expires_at: z.string().nullable().optional(),
})

export interface GitlabTokenCheckOptions {
  /** The instance: `https://gitlab.example.com`, with its relative URL root if it has one. */
  instanceUrl: string
  trust: TlsTrust
  /** Plain http allowed for the instance (the registry was marked insecure). */
  insecure: boolean
  username: string
  secret: string
  /** Tests hand in their own. */
  transport?: Transport
}

const hasAny = (scopes: readonly string[], wanted: readonly string[]): boolean => wanted.some((scope) => scopes.includes(scope))

export async function checkGitlabToken(options: GitlabTokenCheckOptions): Promise<GitlabTokenReport> {
  const instanceUrl = options.instanceUrl.replace(/\/+$/, '')
  // A CI job token only lives while its job runs; the API would answer for the job, not for the user.
  if (options.username === 'gitlab-ci-token') return { instanceUrl, kind: 'job', scopes: null, canList: true, canDelete: null }
  const origin = new URL(instanceUrl).origin
  const transport =
    options.transport ?? createTransport({ endpoint: parseRegistryAddress(origin, { insecure: options.insecure }), trust: options.trust })
  const token = gitlabTokenFor(options.username, options.secret)
  const operation = 'check the access token'
  try {
    const response = await transport.request({
      method: 'GET',
      url: `${instanceUrl}/api/v4/personal_access_tokens/self`,
      headers: { [token.header]: token.value, accept: 'application/json' },
      maxBytes: 64 * 1024,
      operation,
      // The token travels in a custom header the transport does not strip: never follow it elsewhere.
      checkRedirect: (target) => {
        if (target.origin !== origin) {
          throw new BerthError({
            code: 'unsafe_redirect',
            message: `GitLab at ${origin} redirected "${operation}" to ${target.origin}; Berth does not send the access token there.`,
          })
        }
      },
    })
    // 401: not a token the API knows, though the registry took it; newer GitLab answers 400 for a
    // token that is not a personal access token.
    if (response.status === 401 || response.status === 400) {
      return { instanceUrl, kind: 'deploy', scopes: null, canList: false, canDelete: null }
    }
    if (response.status !== 200) throw gitlabError(response, operation)
    let body: unknown
    try {
      body = JSON.parse(new TextDecoder().decode(response.body))
    } catch (error) {
      throw new BerthError(
        { code: 'invalid_response', message: `GitLab at ${origin} answered "${operation}" with something that is not JSON.` },
        { cause: error },
      )
    }
    const parsed = tokenSelfSchema.safeParse(body)
    if (!parsed.success) {
      throw new BerthError({ code: 'invalid_response', message: `GitLab at ${origin} answered "${operation}" without the token's scopes.` })
    }
    const { scopes, active, revoked } = parsed.data
    if (active === false || revoked === true) {
      throw new BerthError({
        code: 'unauthorized',
        message: `GitLab at ${origin} says this access token is ${revoked === true ? 'revoked' : 'no longer active'}.`,
        fix: 'Create a new personal access token in GitLab (User settings → Access tokens) and sign in with it.',
      })
    }
    return {
      instanceUrl,
      kind: 'personal',
      scopes,
      canList: hasAny(scopes, gitlabScopes.list),
      canDelete: hasAny(scopes, gitlabScopes.delete),
      expiresAt: parsed.data.expires_at ?? null,
    }
  } finally {
    if (options.transport === undefined) await transport.close()
  }
}

// One token request to a registry's token server (DIST docs/content/spec/auth/token.md and
// oauth.md): GET with Basic credentials (or anonymous), or — holding a refresh token — an OAuth2
// POST with grant_type=refresh_token, falling back to GET where the server has no POST endpoint.
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import { sanitizeForMessage } from './sanitize'
import { bodyText, responseError, type HttpResponse, type Transport } from './transport'
import type { RegistryCredential } from './client-types'

export interface TokenRequest {
  transport: Transport
  realm: URL
  service: string | undefined
  scopes: string[]
  credential: RegistryCredential | null
  /** A refresh token the server rotated earlier; replaces the credential's. */
  refreshToken: string | undefined
  now: number
  /** The realm guard for every redirect of the token request (it resolves host names, so it may be async). */
  checkRedirect: (target: URL) => void | Promise<void>
  signal?: AbortSignal
}

export interface FetchedToken {
  token: string
  /** Epoch ms. */
  expiresAt: number
  refreshToken?: string
}

/** DIST token.md: "client_id" is required for OAuth2 requests; it names the client. */
export const oauthClientId = 'berth'
const maxTokenResponseBytes = 1024 * 1024
/** DIST token.md: default 60 s, and tokens shorter than 60 s are treated as 60 s. */
const minimumLifetimeSeconds = 60
/**
 * No spec bounds expires_in; an absurd one (1e300) made expiresAt Infinity and cached the token
 * for ever. Real token servers issue minutes (DIST 5 min, GitLab 15 min): a day is generous.
 */
const maximumLifetimeSeconds = 24 * 60 * 60

const tokenResponseSchema = z
  .looseObject({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
    issued_at: z.string().optional(),
    refresh_token: z.string().optional(),
  })
  .refine((r) => (r.token ?? r.access_token ?? '').length > 0, { message: 'neither token nor access_token' })

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

export function parseTokenResponse(response: HttpResponse, now: number): FetchedToken {
  let json: unknown
  try {
    json = JSON.parse(bodyText(response))
  } catch (error) {
    throw new BerthError(
      {
        code: 'invalid_response',
        message: `The token server ${response.url ? new URL(response.url).host : ''} answered something that is not JSON.`,
        fix: "Check the registry's token realm configuration.",
      },
      { cause: error },
    )
  }
  const parsed = tokenResponseSchema.safeParse(json)
  if (!parsed.success) {
    const problems = sanitizeForMessage(parsed.error.issues.map((i) => i.message).join('; '), 200)
    throw new BerthError({
      code: 'invalid_response',
      message: `The token server ${new URL(response.url).host} answered without a usable token (${problems}).`,
      fix: "Check the registry's token realm configuration.",
    })
  }
  const body = parsed.data
  const lifetime = Math.min(
    maximumLifetimeSeconds,
    Math.max(
      minimumLifetimeSeconds,
      body.expires_in !== undefined && Number.isFinite(body.expires_in) ? body.expires_in : minimumLifetimeSeconds,
    ),
  )
  const issued = body.issued_at !== undefined ? Date.parse(body.issued_at) : Number.NaN
  // Missing, unparseable or future issued_at: count from now. So old that the token would have
  // expired before it arrived: that is our clock running ahead of the server's, not a stale token —
  // trusting it would make every request fetch a new token. Count from now too.
  const plausible = Number.isFinite(issued) && issued <= now && now - issued < lifetime * 1000
  const issuedAt = plausible ? issued : now
  const token: FetchedToken = { token: body.token ?? body.access_token ?? '', expiresAt: issuedAt + lifetime * 1000 }
  if (body.refresh_token !== undefined && body.refresh_token.length > 0) token.refreshToken = body.refresh_token
  return token
}

async function getToken(req: TokenRequest, basic: { username: string; password: string } | null): Promise<HttpResponse> {
  const url = new URL(req.realm)
  if (req.service !== undefined) url.searchParams.set('service', req.service)
  for (const scope of req.scopes) url.searchParams.append('scope', scope)
  if (basic && basic.username !== '<token>') url.searchParams.set('account', basic.username)
  return req.transport.request({
    method: 'GET',
    url: url.href,
    ...(basic ? { authorization: basicHeader(basic.username, basic.password) } : {}),
    credentialOrigin: req.realm.origin,
    headers: { accept: 'application/json' },
    maxBytes: maxTokenResponseBytes,
    operation: 'get a registry token',
    checkRedirect: req.checkRedirect,
    ...(req.signal ? { signal: req.signal } : {}),
  })
}

async function postRefreshToken(req: TokenRequest, refreshToken: string): Promise<HttpResponse> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: oauthClientId })
  if (req.service !== undefined) form.set('service', req.service)
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '))
  return req.transport.request({
    method: 'POST',
    url: req.realm.href,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    credentialOrigin: req.realm.origin,
    maxBytes: maxTokenResponseBytes,
    operation: 'refresh a registry token',
    checkRedirect: req.checkRedirect,
    ...(req.signal ? { signal: req.signal } : {}),
  })
}

/** Fetches one token for `scopes`; errors are BerthErrors that never contain the credentials. */
export async function fetchToken(req: TokenRequest): Promise<FetchedToken> {
  const cred = req.credential
  let response: HttpResponse
  if (cred?.kind === 'refresh_token') {
    const refreshToken = req.refreshToken ?? cred.refreshToken
    response = await postRefreshToken(req, refreshToken)
    // DIST oauth.md: servers without the OAuth2 endpoint answer 404/405; the GET flow remains.
    if (response.status === 404 || response.status === 405) {
      response = await getToken(req, { username: cred.username ?? '<token>', password: refreshToken })
    }
  } else {
    response = await getToken(req, cred ? { username: cred.username, password: cred.password } : null)
  }
  if (response.status !== 200) throw responseError(response, 'get a registry token')
  return parseTokenResponse(response, req.now)
}

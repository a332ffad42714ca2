import { z } from 'zod'
import type { LabUser } from './lab-types'

/** Small plain-fetch helpers for the lab's own tests (independent of Berth's registry client). */
export function basicAuthorization(user: LabUser): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
}

const tokenResponseSchema = z.object({
  token: z.string(),
  access_token: z.string(),
  expires_in: z.number(),
  issued_at: z.string(),
})
export type TokenResponse = z.infer<typeof tokenResponseSchema>

export async function fetchToken(
  realm: string,
  service: string,
  scopes: string[],
  user?: LabUser,
  fetchImpl: typeof fetch = fetch,
): Promise<TokenResponse> {
  const url = new URL(realm)
  url.searchParams.set('service', service)
  for (const scope of scopes) url.searchParams.append('scope', scope)
  const response = await fetchImpl(url, user === undefined ? {} : { headers: { authorization: basicAuthorization(user) } })
  if (response.status !== 200) throw new Error(`token request: HTTP ${response.status} ${await response.text()}`)
  return tokenResponseSchema.parse(await response.json())
}

const claimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  exp: z.number(),
  nbf: z.number(),
  iat: z.number(),
  jti: z.string(),
  access: z.array(z.object({ type: z.string(), name: z.string(), actions: z.array(z.string()) })),
})

/** Decodes (without verifying) a JWT's claims, to assert what the issuer granted. */
export function decodeClaims(token: string): z.infer<typeof claimsSchema> {
  const payload = token.split('.')[1] ?? ''
  return claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
}

export const tagListSchema = z.object({ name: z.string(), tags: z.array(z.string()) })
export const catalogSchema = z.object({ repositories: z.array(z.string()) })

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

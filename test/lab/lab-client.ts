import { inject } from 'vitest'
import { z } from 'zod'
import type { LabInfo, LabInstanceName } from './lab-types'
import type {} from './lab-context'

export type * from './lab-types'

/** The running lab, as global setup provided it (test workers only). */
export function getLab(): LabInfo {
  return inject('lab')
}

const statsSchema = z.record(z.string(), z.number())

async function control(path: string, init?: { method: 'POST'; body: unknown }): Promise<unknown> {
  const response = await fetch(`${getLab().issuer.url}/_lab/${path}`, {
    method: init?.method ?? 'GET',
    ...(init === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  })
  const body: unknown = await response.json()
  if (!response.ok) throw new Error(`lab control ${path}: HTTP ${response.status} ${JSON.stringify(body)}`)
  return body
}

/** Token requests the issuer has answered, per grant type: get, anonymous, password, refresh_token, unauthorized, total. */
export async function issuerStats(): Promise<Record<string, number>> {
  return statsSchema.parse(await control('stats'))
}

export async function resetIssuerStats(): Promise<void> {
  await control('stats/reset', { method: 'POST', body: {} })
}

/**
 * Lifetime of tokens issued from now on (the lab starts at 300 s, and global setup's lab is shared:
 * set it back in afterEach). distribution 2.8 accepts tokens for 60 s past `exp`; pass
 * `strictExpiry: true` to backdate `exp` by that leeway so the registry refuses the token as soon
 * as `expires_in` has elapsed (to prove refresh-on-401).
 */
export async function setTokenTtl(seconds: number, options: { strictExpiry?: boolean } = {}): Promise<void> {
  await control('ttl', { method: 'POST', body: { seconds, ...options } })
}

/** Restores `repository` on that registry to its seeded state (call before a test that deletes). */
export async function reseed(registryName: LabInstanceName, repository: string): Promise<void> {
  await control('reseed', { method: 'POST', body: { registry: registryName, repository } })
}

const tokensSchema = z.object({ tokens: z.array(z.string()) })

/** Every access and refresh token the issuer has handed out (most recent 20,000): for leak checks. */
export async function issuedTokens(): Promise<string[]> {
  return tokensSchema.parse(await control('tokens')).tokens
}

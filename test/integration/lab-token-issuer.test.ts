import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { getLab, issuerStats, resetIssuerStats, setTokenTtl } from '../lab/lab-client'
import { basicAuthorization, decodeClaims, fetchToken } from '../lab/test-helpers'

const lab = getLab()
const oauthSchema = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  issued_at: z.string(),
  scope: z.string(),
  refresh_token: z.string().optional(),
})

async function oauth(form: Record<string, string>): Promise<Response> {
  return fetch(lab.token.realm, { method: 'POST', body: new URLSearchParams(form) })
}

afterEach(async () => {
  await setTokenTtl(300)
})

describe('the lab token issuer', () => {
  it('gives an anonymous caller pull on public/ repositories only', async () => {
    const { token } = await fetchToken(lab.token.realm, lab.token.service, [
      'repository:public/hello:pull,push',
      'repository:acme/web:pull',
    ])
    expect(decodeClaims(token).access).toEqual([{ type: 'repository', name: 'public/hello', actions: ['pull'] }])
    const allowed = await fetch(`${lab.token.url}/v2/public/hello/tags/list`, { headers: { authorization: `Bearer ${token}` } })
    expect(allowed.status).toBe(200)
    const refused = await fetch(`${lab.token.url}/v2/acme/web/tags/list`, { headers: { authorization: `Bearer ${token}` } })
    expect(refused.status).toBe(401)
  })

  it('grants the intersection of asked and allowed actions per role without an error', async () => {
    const scope = 'repository:acme/web:pull,push,delete'
    const reader = decodeClaims(
      (await fetchToken(lab.token.realm, lab.token.service, [scope, 'registry:catalog:*'], lab.users.reader)).token,
    )
    expect(reader.access).toEqual([{ type: 'repository', name: 'acme/web', actions: ['pull'] }])
    const writer = decodeClaims(
      (await fetchToken(lab.token.realm, lab.token.service, [scope, 'registry:catalog:*'], lab.users.writer)).token,
    )
    expect(writer.access).toEqual([{ type: 'repository', name: 'acme/web', actions: ['pull', 'push', 'delete'] }])
    const admin = decodeClaims(
      (await fetchToken(lab.token.realm, lab.token.service, [`${scope} registry:catalog:*`], lab.users.admin)).token,
    )
    expect(admin.access).toEqual([
      { type: 'repository', name: 'acme/web', actions: ['pull', 'push', 'delete'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ])
    expect(admin.aud).toBe(lab.token.service)
    expect(admin.sub).toBe('admin')
  })

  it('answers bad credentials with 401 and a JSON error', async () => {
    const response = await fetch(`${lab.token.realm}?service=${lab.token.service}`, {
      headers: { authorization: basicAuthorization({ username: 'writer', password: 'wrong' }) },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] })
  })

  it('serves the OAuth2 password and refresh_token grants', async () => {
    const first = await oauth({
      grant_type: 'password',
      username: 'writer',
      password: 'writer-pass',
      client_id: 'berth-lab-test',
      access_type: 'offline',
      service: lab.token.service,
      scope: 'repository:acme/web:pull,push registry:catalog:*',
    })
    expect(first.status).toBe(200)
    const granted = oauthSchema.parse(await first.json())
    expect(granted.scope).toBe('repository:acme/web:pull,push')
    expect(granted.refresh_token).toBeDefined()
    const refreshed = await oauth({
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token ?? '',
      client_id: 'berth-lab-test',
      service: lab.token.service,
      scope: 'repository:acme/web:pull',
    })
    expect(refreshed.status).toBe(200)
    const token = oauthSchema.parse(await refreshed.json()).access_token
    const tags = await fetch(`${lab.token.url}/v2/acme/web/tags/list`, { headers: { authorization: `Bearer ${token}` } })
    expect(tags.status).toBe(200)
  })

  it('rejects an OAuth2 request without client_id or with a wrong password', async () => {
    expect((await oauth({ grant_type: 'password', username: 'writer', password: 'writer-pass' })).status).toBe(400)
    expect((await oauth({ grant_type: 'password', username: 'writer', password: 'x', client_id: 'c' })).status).toBe(401)
    expect((await oauth({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: 'c' })).status).toBe(401)
  })

  it('counts requests per grant type and honours a new token lifetime', async () => {
    await resetIssuerStats()
    await setTokenTtl(3)
    const short = await fetchToken(lab.token.realm, lab.token.service, ['repository:acme/web:pull'], lab.users.reader)
    expect(short.expires_in).toBe(3)
    const claims = decodeClaims(short.token)
    expect(claims.exp - claims.iat).toBe(3)
    await oauth({ grant_type: 'password', username: 'reader', password: 'reader-pass', client_id: 'c' })
    const stats = await issuerStats()
    expect(stats).toMatchObject({ get: 1, password: 1, refresh_token: 0, total: 2 })
  })

  it('makes the registry refuse a token once its lifetime is over when strict expiry is on', async () => {
    await setTokenTtl(2, { strictExpiry: true })
    const { token, expires_in } = await fetchToken(lab.token.realm, lab.token.service, ['repository:acme/web:pull'], lab.users.reader)
    expect(expires_in).toBe(2)
    const url = `${lab.token.url}/v2/acme/web/tags/list`
    const headers = { authorization: `Bearer ${token}` }
    expect((await fetch(url, { headers })).status).toBe(200)
    const deadline = Date.now() + 10_000
    let status = 200
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = (await fetch(url, { headers })).status
    }
    expect(status).toBe(401)
  })
})

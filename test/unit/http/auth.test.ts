import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rejection } from '../../support/rejection'
import { BerthError } from '../../../shared/errors'
import { checkRealm } from '../../../electron/http/auth'
import { parseTokenResponse } from '../../../electron/http/http-token'
import { createRegistryClient } from '../../../electron/http/registry-client'
import type { HttpResponse } from '../../../electron/http/transport'
import type { CredentialSource, RegistryClient, RegistryCredential } from '../../../electron/http/client-types'
import { fakeClock, json, makeCertificates, startHttpsServer, startServer, type FakeClock, type TestServer } from './transport-servers'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler)
  cleanups.push(() => s.close())
  return s
}

function client(
  registry: TestServer,
  extra: { credentials?: CredentialSource; clock?: FakeClock; onRefreshToken?: (t: string) => void } = {},
): RegistryClient {
  const c = createRegistryClient({ endpoint: { url: registry.url, host: registry.host, insecure: true }, ...extra })
  cleanups.push(() => c.close())
  return c
}

function credentialsOf(credential: RegistryCredential | null): CredentialSource & { calls: number } {
  const source = Object.assign(
    () => {
      source.calls++
      return Promise.resolve(credential)
    },
    { calls: 0 },
  )
  return source
}

const tags = (res: ServerResponse): void => json(res, 200, { name: 'a', tags: ['1'] })

/**
 * A token registry in miniature: tokens are `tok<n>:<space-joined scopes>`; the registry accepts a
 * token that lists the scopes `needs(req)` returns and that the test has not revoked.
 */
async function tokenLab(
  options: {
    needs?: (req: IncomingMessage) => string[]
    realm?: (token: TestServer) => string
    tokenBody?: (n: number) => object
    /** What the token server grants of the scopes asked for (all of them by default). */
    grant?: (scopes: string[]) => string[]
  } = {},
) {
  let issued = 0
  const revoked = new Set<string>()
  const tokenServer = await server((req, res, body) => {
    if (req.method === 'POST') {
      const form = new URLSearchParams(body)
      if (form.get('refresh_token') !== 'refresh-1' && form.get('refresh_token') !== 'refresh-2')
        return json(res, 401, { error: 'invalid_grant' })
      issued++
      return json(res, 200, { access_token: `tok${issued}:${form.get('scope') ?? ''}`, refresh_token: 'refresh-2', expires_in: 300 })
    }
    const url = new URL(req.url ?? '/', 'http://x')
    issued++
    const asked = url.searchParams.getAll('scope')
    const granted = options.grant?.(asked) ?? asked
    json(res, 200, options.tokenBody?.(issued) ?? { token: `tok${issued}:${granted.join(' ')}`, expires_in: 300 })
  })
  const realm = options.realm?.(tokenServer) ?? `${tokenServer.url}/jwt/auth`
  const registry = await server((req, res) => {
    const needed = options.needs?.(req) ?? ['repository:a:pull']
    const auth = req.headers.authorization ?? ''
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    const granted = token.split(':').slice(1).join(':').split(' ')
    const challenge = (error?: string): void =>
      json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': `Bearer realm="${realm}",service="lab",scope="${needed[0] ?? ''}"${error ? `,error="${error}"` : ''}`,
        },
      )
    if (!token || revoked.has(token)) return challenge()
    const missing = needed.find((s) => !granted.includes(s))
    if (missing !== undefined) {
      return json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'insufficient scope' }] },
        {
          'www-authenticate': `Bearer realm="${realm}",service="lab",scope="${missing}",error="insufficient_scope"`,
        },
      )
    }
    tags(res)
  })
  return { tokenServer, registry, revoke: (token: string) => revoked.add(token), issued: () => issued }
}

describe('basic auth', () => {
  it('sends Basic after the first challenge and on every request from then on', async () => {
    const expected = `Basic ${Buffer.from('writer:pw').toString('base64')}`
    const registry = await server((req, res) => {
      if (req.headers.authorization !== expected)
        return json(res, 401, { errors: [] }, { 'www-authenticate': 'Basic realm="Registry Realm"' })
      tags(res)
    })
    const credentials = credentialsOf({ kind: 'basic', username: 'writer', password: 'pw' })
    const c = client(registry, { credentials })
    expect(await c.listTags('a')).toEqual(['1'])
    expect(await c.listTags('a')).toEqual(['1'])
    expect(registry.requests.map((r) => r.headers.authorization ?? null)).toEqual([null, expected, expected])
    expect(credentials.calls).toBe(1)
  })

  it('asks for credentials only when the registry challenges', async () => {
    const registry = await server((_req, res) => tags(res))
    const credentials = credentialsOf({ kind: 'basic', username: 'u', password: 'p' })
    await client(registry, { credentials }).listTags('a')
    expect(credentials.calls).toBe(0)
  })

  it('asks the credential source again after it failed once', async () => {
    const expected = `Basic ${Buffer.from('u:p').toString('base64')}`
    const registry = await server((req, res) => {
      if (req.headers.authorization !== expected) return json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' })
      tags(res)
    })
    let calls = 0
    const credentials: CredentialSource = () => {
      calls++
      return calls === 1
        ? Promise.reject(new BerthError({ code: 'keychain_unavailable', message: 'locked' }))
        : Promise.resolve({ kind: 'basic', username: 'u', password: 'p' })
    }
    const c = client(registry, { credentials })
    expect((await rejection(c.listTags('a'))).code).toBe('keychain_unavailable')
    expect(await c.listTags('a')).toEqual(['1'])
    expect(calls).toBe(2)
  })

  it('surfaces a rejected password as unauthorized without the password in the message', async () => {
    const registry = await server((_req, res) =>
      json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'nope' }] }, { 'www-authenticate': 'Basic realm="r"' }),
    )
    const error = await rejection(
      client(registry, { credentials: credentialsOf({ kind: 'basic', username: 'u', password: 'hunter2' }) }).listTags('a'),
    )
    expect(error.code).toBe('unauthorized')
    expect(JSON.stringify(error.toData())).not.toContain('hunter2')
    expect(registry.requests).toHaveLength(2)
  })
})

describe('bearer tokens', () => {
  it('gets a token by GET with service, one scope parameter per scope, Basic credentials and account', async () => {
    const lab = await tokenLab()
    await client(lab.registry, { credentials: credentialsOf({ kind: 'basic', username: 'reader', password: 'pw' }) }).listTags('a')
    const tokenRequest = lab.tokenServer.requests[0]
    const url = new URL(tokenRequest?.url ?? '', 'http://x')
    expect(url.pathname).toBe('/jwt/auth')
    expect(url.searchParams.get('service')).toBe('lab')
    expect(url.searchParams.getAll('scope')).toEqual(['repository:a:pull'])
    expect(url.searchParams.get('account')).toBe('reader')
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from('reader:pw').toString('base64')}`)
  })

  it('gets an anonymous token without Authorization when there are no credentials', async () => {
    const lab = await tokenLab()
    expect(await client(lab.registry).listTags('a')).toEqual(['1'])
    expect(lab.tokenServer.requests[0]?.headers.authorization).toBeUndefined()
    expect(new URL(lab.tokenServer.requests[0]?.url ?? '', 'http://x').searchParams.has('account')).toBe(false)
  })

  it('resolves a relative realm against the request URL', async () => {
    const lab = await tokenLab({ realm: () => '/token-on-registry' })
    const error = await rejection(client(lab.registry).listTags('a'))
    // The registry itself served the "token endpoint": its answer (a 401 challenge) proves the realm resolved there.
    expect(lab.registry.requests.some((r) => r.url.startsWith('/token-on-registry?service=lab'))).toBe(true)
    expect(error.code).toBe('unauthorized')
  })

  it('shares one token request among concurrent requests needing the same scopes', async () => {
    const lab = await tokenLab()
    const c = client(lab.registry)
    await Promise.all(Array.from({ length: 6 }, () => c.listTags('a')))
    expect(lab.issued()).toBe(1)
  })

  it('lists many repositories on one token asked for all of them at once (prepareRepositories)', async () => {
    const lab = await tokenLab({ needs: (req) => [`repository:${(req.url ?? '').split('/')[2] ?? ''}:pull`] })
    const c = client(lab.registry)
    await c.listTags('a') // the 401 that says the registry wants tokens, as the catalog does in a measurement
    await c.prepareRepositories?.(['b', 'c', 'd', 'NOT A NAME'])
    await Promise.all(['b', 'c', 'd'].map((name) => c.listTags(name)))
    const scopes = lab.tokenServer.requests.map((r) => new URL(r.url, 'http://x').searchParams.getAll('scope'))
    expect(scopes).toEqual([['repository:a:pull'], ['repository:b:pull', 'repository:c:pull', 'repository:d:pull']])
  })

  it('asks for the exact scope when the token server granted less than a prepared token asked for', async () => {
    const lab = await tokenLab({
      needs: (req) => [`repository:${(req.url ?? '').split('/')[2] ?? ''}:pull`],
      grant: (scopes) => scopes.filter((scope) => scope !== 'repository:secret:pull' || scopes.length === 1),
    })
    const c = client(lab.registry)
    await c.listTags('a')
    await c.prepareRepositories?.(['b', 'secret'])
    expect(await c.listTags('secret')).toEqual(['1'])
    const scopes = lab.tokenServer.requests.map((r) => new URL(r.url, 'http://x').searchParams.getAll('scope'))
    expect(scopes.at(-1)).toEqual(['repository:secret:pull'])
  })

  it('adds the challenged scope first on insufficient_scope and retries once', async () => {
    const lab = await tokenLab({ needs: () => ['repository:a:pull', 'repository:b:pull'] })
    expect(await client(lab.registry).listTags('a')).toEqual(['1'])
    const scopes = lab.tokenServer.requests.map((r) => new URL(r.url, 'http://x').searchParams.getAll('scope'))
    expect(scopes).toEqual([['repository:a:pull'], ['repository:b:pull', 'repository:a:pull']])
  })

  it('replaces a token the registry rejects with a fresh one, invisibly to the caller', async () => {
    const lab = await tokenLab()
    const c = client(lab.registry)
    await c.listTags('a')
    lab.revoke('tok1:repository:a:pull')
    expect(await c.listTags('a')).toEqual(['1'])
    expect(lab.issued()).toBe(2)
  })

  it('renews a cached token shortly before it expires without waiting for a 401', async () => {
    const lab = await tokenLab()
    const clock = fakeClock()
    const c = client(lab.registry, { clock })
    await c.listTags('a')
    clock.advance(290_000)
    await c.listTags('a')
    expect(lab.issued()).toBe(1)
    clock.advance(8_000)
    const before = lab.registry.requests.length
    await c.listTags('a')
    expect(lab.issued()).toBe(2)
    expect(lab.registry.requests.length - before).toBe(1)
  })

  it('refuses an http realm for an https registry and a private realm for a public registry', () => {
    const registry = { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }
    const codeOf = (realm: string): string | null => {
      try {
        checkRealm(new URL(realm), registry)
        return null
      } catch (error) {
        return error instanceof BerthError ? error.code : 'other'
      }
    }
    expect(codeOf('http://auth.example.com/token')).toBe('unsafe_realm')
    expect(codeOf('https://127.0.0.1/token')).toBe('unsafe_realm')
    expect(codeOf('https://169.254.169.254/latest')).toBe('unsafe_realm')
    expect(codeOf('https://10.1.2.3/token')).toBe('unsafe_realm')
    expect(codeOf('https://auth.example.com/token')).toBeNull()
    const loopbackRegistry = { url: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', insecure: true }
    expect(() => checkRealm(new URL('http://127.0.0.1:5001/jwt/auth'), loopbackRegistry)).not.toThrow()
    const privateRegistry = { url: 'https://10.0.0.5', host: '10.0.0.5', insecure: false }
    expect(() => checkRealm(new URL('https://127.0.0.1/jwt/auth'), privateRegistry)).toThrow(BerthError)
  })

  it('refuses an http realm of an https registry and an https→http redirect of the token request', async () => {
    const { certs, dispose } = await makeCertificates()
    cleanups.push(dispose)
    const plainRealm = await server((_req, res) => json(res, 200, { token: 'leaked' }))
    let realm = `${plainRealm.url}/jwt/auth`
    const registry = await startHttpsServer(certs, (req, res) => {
      if (req.url?.startsWith('/jwt/auth')) {
        res.writeHead(302, { location: `${plainRealm.url}/jwt/auth` })
        return res.end()
      }
      json(res, 401, {}, { 'www-authenticate': `Bearer realm="${realm}",service="s"` })
    })
    cleanups.push(() => registry.close())
    const c = createRegistryClient({
      endpoint: { url: registry.url, host: registry.host, insecure: false },
      trust: { caPems: [certs.caPem] },
      credentials: credentialsOf({ kind: 'basic', username: 'u', password: 'p' }),
    })
    cleanups.push(() => c.close())
    expect((await rejection(c.listTags('a'))).code).toBe('unsafe_realm')
    realm = '/jwt/auth'
    expect((await rejection(c.listTags('a'))).code).toBe('unsafe_redirect')
    expect(plainRealm.requests).toHaveLength(0)
  }, 60_000)
})

describe('OAuth2 refresh tokens', () => {
  it('posts grant_type=refresh_token with client_id, service and space-joined scopes, and hands back a rotated refresh token', async () => {
    const lab = await tokenLab()
    const rotated: string[] = []
    const c = client(lab.registry, {
      credentials: credentialsOf({ kind: 'refresh_token', refreshToken: 'refresh-1' }),
      onRefreshToken: (t) => rotated.push(t),
    })
    expect(await c.listTags('a')).toEqual(['1'])
    const form = new URLSearchParams(lab.tokenServer.requests[0]?.body)
    expect(lab.tokenServer.requests[0]?.method).toBe('POST')
    expect(form.get('grant_type')).toBe('refresh_token')
    expect(form.get('client_id')).toBe('berth')
    expect(form.get('service')).toBe('lab')
    expect(form.get('scope')).toBe('repository:a:pull')
    expect(rotated).toEqual(['refresh-2'])
  })

  it('falls back to GET when the token server has no POST endpoint', async () => {
    let gets = 0
    const tokenServer = await server((req, res) => {
      if (req.method === 'POST') return json(res, 404, { errors: [] })
      gets++
      json(res, 200, { token: 'tok:repository:a:pull' })
    })
    const registry = await server((req, res) => {
      if (req.headers.authorization !== 'Bearer tok:repository:a:pull')
        return json(res, 401, {}, { 'www-authenticate': `Bearer realm="${tokenServer.url}/auth",service="s"` })
      tags(res)
    })
    expect(
      await client(registry, { credentials: credentialsOf({ kind: 'refresh_token', refreshToken: 'identity' }) }).listTags('a'),
    ).toEqual(['1'])
    expect(gets).toBe(1)
    expect(tokenServer.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('<token>:identity').toString('base64')}`)
  })
})

describe('token responses', () => {
  const response = (body: unknown): HttpResponse => ({
    status: 200,
    headers: {},
    body: new TextEncoder().encode(JSON.stringify(body)),
    url: 'https://auth.example.com/token',
    method: 'GET',
  })
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('treats a missing or short expires_in as 60 seconds', () => {
    expect(parseTokenResponse(response({ token: 't' }), now).expiresAt).toBe(now + 60_000)
    expect(parseTokenResponse(response({ token: 't', expires_in: 3 }), now).expiresAt).toBe(now + 60_000)
    expect(parseTokenResponse(response({ access_token: 't', expires_in: 600 }), now)).toEqual({ token: 't', expiresAt: now + 600_000 })
  })

  it('counts from now when issued_at is missing, in the future, or older than the lifetime (clock skew)', () => {
    expect(parseTokenResponse(response({ token: 't', expires_in: 60, issued_at: '2025-12-31T23:00:00Z' }), now).expiresAt).toBe(
      now + 60_000,
    )
    expect(parseTokenResponse(response({ token: 't', expires_in: 120, issued_at: '2030-01-01T00:00:00Z' }), now).expiresAt).toBe(
      now + 120_000,
    )
    expect(parseTokenResponse(response({ token: 't', expires_in: 120, issued_at: '2025-12-31T23:59:00Z' }), now).expiresAt).toBe(
      now + 60_000,
    )
  })

  it('rejects a response without a token as invalid_response', () => {
    expect(() => parseTokenResponse(response({ expires_in: 60 }), now)).toThrow(expect.objectContaining({ code: 'invalid_response' }))
    expect(() => parseTokenResponse({ ...response({}), body: new TextEncoder().encode('<html>') }, now)).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    )
  })
})

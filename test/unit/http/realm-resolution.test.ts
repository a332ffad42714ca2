// The realm guard for host names (docs/registry-notes.md "Auth", realm guard): a realm named by a
// host name is resolved before anything is sent to it, and every address it resolves to is judged
// like a literal one. An injected resolver stands in for DNS, so names like realm.example.test can
// "resolve" to 127.0.0.1 or 10.0.0.7 here; the transport then connects to the judged address only.
import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rejection } from '../../support/rejection'
import { checkRealmAddresses, systemHostResolver, type HostResolver } from '../../../electron/http/auth'
import { createRegistryClient } from '../../../electron/http/registry-client'
import type { RegistryClient, RegistryEndpoint } from '../../../electron/http/client-types'
import { json, startServer, type TestServer } from './transport-servers'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

/** A resolver from a table; names not in it fail like DNS does. Records every name asked. */
function resolverOf(table: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = []
  const resolve = (hostname: string): Promise<string[]> => {
    asked.push(hostname)
    const addresses = table[hostname]
    if (addresses === undefined) return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }))
    return Promise.resolve(addresses)
  }
  return Object.assign(resolve, { asked })
}

const publicRegistry: RegistryEndpoint = { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }

async function verdict(realm: string, resolver: HostResolver, registry: RegistryEndpoint = publicRegistry): Promise<string> {
  try {
    const pinned = await checkRealmAddresses(new URL(realm), registry, resolver)
    return pinned === null ? 'allowed' : `allowed ${pinned.join(' ')}`
  } catch (error) {
    return error instanceof Error && 'code' in error ? String(error.code) : 'other'
  }
}

describe('checkRealmAddresses', () => {
  it('refuses a realm name that resolves to a loopback, private or link-local address', async () => {
    const resolver = resolverOf({
      'loop.example.test': ['127.0.0.1'],
      'loop6.example.test': ['::1'],
      'lan.example.test': ['10.0.0.7'],
      'home.example.test': ['192.168.1.20'],
      'metadata.example.test': ['169.254.169.254'],
      'mapped.example.test': ['::ffff:169.254.169.254'],
      'ula.example.test': ['fd12:3456::1'],
      'zero.example.test': ['0.0.0.0'],
    })
    for (const name of ['loop', 'loop6', 'lan', 'home', 'metadata', 'mapped', 'ula', 'zero']) {
      expect(await verdict(`https://${name}.example.test/token`, resolver), name).toBe('unsafe_realm')
    }
  })

  it('judges a name by every address it resolves to', async () => {
    const resolver = resolverOf({ 'mixed.example.test': ['203.0.113.5', '2001:db8::5', '192.168.1.1'] })
    const error = await rejection(checkRealmAddresses(new URL('https://mixed.example.test/token'), publicRegistry, resolver))
    expect(error.code).toBe('unsafe_realm')
    expect(error.message).toContain('mixed.example.test that resolves to a local or private address (192.168.1.1)')
  })

  it('allows a name that resolves only to public addresses and returns them for the connection', async () => {
    const resolver = resolverOf({ 'auth.example.test': ['203.0.113.5', '2001:db8::5'] })
    expect(await verdict('https://auth.example.test/token', resolver)).toBe('allowed 203.0.113.5 2001:db8::5')
  })

  it('refuses to send credentials to a realm name that does not resolve', async () => {
    const error = await rejection(checkRealmAddresses(new URL('https://gone.example.test/token'), publicRegistry, resolverOf({})))
    expect(error.code).toBe('network')
    expect(error.message).toMatch(/gone\.example\.test .* could not be resolved/)
  })

  it("allows the registry's own host: by name without resolving, by address when the realm is on the registry's machine", async () => {
    const resolver = resolverOf({
      'registry.corp.test': ['10.0.0.5'],
      'gitlab.corp.test': ['10.0.0.5'],
      'other.corp.test': ['10.0.0.6'],
    })
    const corpRegistry: RegistryEndpoint = { url: 'https://registry.corp.test', host: 'registry.corp.test', insecure: false }
    expect(await verdict('https://registry.corp.test:5051/jwt/auth', resolver, corpRegistry)).toBe('allowed')
    expect(resolver.asked).toEqual([])
    expect(await verdict('https://gitlab.corp.test/jwt/auth', resolver, corpRegistry)).toBe('allowed 10.0.0.5')
    expect(await verdict('https://other.corp.test/jwt/auth', resolver, corpRegistry)).toBe('unsafe_realm')
  })

  it('allows a loopback realm name for a loopback registry, and nothing private beyond it', async () => {
    const resolver = resolverOf({ 'auth.local.test': ['127.0.0.1', '::1'], 'lan.local.test': ['10.0.0.7'] })
    const loopback: RegistryEndpoint = { url: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', insecure: true }
    expect(await verdict('http://auth.local.test:5001/jwt/auth', resolver, loopback)).toBe('allowed 127.0.0.1 ::1')
    expect(await verdict('http://lan.local.test/jwt/auth', resolver, loopback)).toBe('unsafe_realm')
  })

  it('judges address literals as before, without resolving', async () => {
    const resolver = resolverOf({})
    expect(await verdict('https://127.0.0.1/token', resolver)).toBe('unsafe_realm')
    expect(await verdict('https://203.0.113.9/token', resolver)).toBe('allowed')
    expect(await verdict('https://localhost/token', resolver)).toBe('unsafe_realm')
    expect(resolver.asked).toEqual([])
  })

  it('resolves localhost with the system resolver to loopback addresses only', async () => {
    const addresses = await systemHostResolver('localhost')
    expect(addresses.length).toBeGreaterThan(0)
    for (const address of addresses) expect(['127.0.0.1', '::1']).toContain(address)
  })
})

describe('a registry whose realm name resolves to a local address', () => {
  async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
    const started = await startServer(handler)
    cleanups.push(() => started.close())
    return started
  }

  function client(registry: TestServer, resolver: HostResolver): RegistryClient {
    const created = createRegistryClient({
      endpoint: { url: registry.url, host: registry.host, insecure: true },
      credentials: () => Promise.resolve({ kind: 'basic', username: 'u', password: 'secret-password' }),
      resolveHost: resolver,
    })
    cleanups.push(() => created.close())
    return created
  }

  async function tokenRegistry(realmHost: string): Promise<{ registry: TestServer; tokenServer: TestServer }> {
    const tokenServer = await server((_req, res) => json(res, 200, { token: 'issued', expires_in: 300 }))
    const registry = await server((req, res: ServerResponse) => {
      if (req.headers.authorization === 'Bearer issued') return json(res, 200, { name: 'a', tags: ['1'] })
      json(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${realmHost}:${tokenServer.port}/jwt/auth",service="s"` })
    })
    return { registry, tokenServer }
  }

  it('sends nothing to a realm name that resolves to a private address', async () => {
    const { registry, tokenServer } = await tokenRegistry('realm.example.test')
    const resolver = resolverOf({ 'realm.example.test': ['10.0.0.7'] })
    const error = await rejection(client(registry, resolver).listTags('a'))
    expect(error.code).toBe('unsafe_realm')
    expect(error.message).toContain('realm.example.test')
    expect(tokenServer.requests).toHaveLength(0)
  })

  it('refuses the realm in ping too, since callers hand it on (GitLab REST lives there)', async () => {
    const { registry } = await tokenRegistry('realm.example.test')
    expect((await rejection(client(registry, resolverOf({ 'realm.example.test': ['192.168.9.9'] })).ping())).code).toBe('unsafe_realm')
  })

  it('connects to the judged address only: a name only the resolver knows reaches the token server on loopback', async () => {
    const { registry, tokenServer } = await tokenRegistry('realm.example.test')
    expect(await client(registry, resolverOf({ 'realm.example.test': ['127.0.0.1'] })).listTags('a')).toEqual(['1'])
    expect(tokenServer.requests).toHaveLength(1)
    expect(tokenServer.requests[0]?.headers.host).toBe(`realm.example.test:${tokenServer.port}`)
  })

  it('judges a redirect of the token request by its resolved addresses too', async () => {
    const target = await server((_req, res) => json(res, 200, { token: 'leaked' }))
    const tokenServer = await server((_req, res) => {
      res.writeHead(302, { location: `http://inner.example.test:${target.port}/jwt/auth` })
      res.end()
    })
    const registry = await server((_req, res) =>
      json(res, 401, {}, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${tokenServer.port}/jwt/auth",service="s"` }),
    )
    const resolver = resolverOf({ 'inner.example.test': ['169.254.10.10'] })
    expect((await rejection(client(registry, resolver).listTags('a'))).code).toBe('unsafe_realm')
    expect(target.requests).toHaveLength(0)
  })
})

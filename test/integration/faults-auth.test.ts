// Hostile or broken WWW-Authenticate challenges through a fault proxy in front of the real token
// registry: each ends in a typed error naming the cause, and credentials never go to a realm
// Berth will not trust (docs/registry-notes.md "Auth": realm guard, RFC 7235 parsing).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../shared/errors'
import { getLab, issuerStats, resetIssuerStats } from '../lab/lab-client'
import { expectBerthError, faultSession, type FaultSession } from './faults-support'

const lab = getLab()
const webTags = Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort()

const sessions: FaultSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()))
})
async function session(value: string): Promise<FaultSession> {
  const s = await faultSession({
    upstream: lab.token.url,
    user: lab.users.reader,
    rules: [{ path: /^\/v2\//, fault: { kind: 'www-authenticate', value } }],
  })
  sessions.push(s)
  return s
}

const hostile: [string, string, ErrorCode, RegExp][] = [
  [
    'an over-long (200 KB) challenge',
    `Bearer realm="${lab.issuer.url}/jwt/auth",service="x",scope="${'a'.repeat(200 * 1024)}"`,
    'invalid_response',
    /sent response headers larger than Berth accepts/,
  ],
  [
    'an unterminated quoted string',
    'Bearer realm="http://127.0.0.1:1/jwt/auth',
    'invalid_response',
    /asked for a bearer token without saying where to get one/,
  ],
  ['only separators', 'Bearer ,,, = ,', 'invalid_response', /asked for a bearer token without saying where to get one/],
  ['a scheme Berth does not speak', 'Negotiate abc==', 'unauthorized', /answered 401/],
  [
    'a realm on a private address that is not the registry',
    'Bearer realm="http://10.1.2.3/jwt/auth",service="s"',
    'unsafe_realm',
    /token realm on a local or private address \(10\.1\.2\.3\)/,
  ],
  [
    'a realm on another private network',
    'Bearer realm="http://192.168.77.1:8080/jwt/auth",service="s"',
    'unsafe_realm',
    /192\.168\.77\.1:8080/,
  ],
  ['a realm with a non-http scheme', 'Bearer realm="file:///etc/passwd",service="s"', 'unsafe_realm', /file/],
]

describe('hostile WWW-Authenticate challenges', () => {
  it("lists through the proxy with a token when the challenge is the registry's own", async () => {
    const s = await faultSession({ upstream: lab.token.url, user: lab.users.reader })
    sessions.push(s)
    expect((await s.client.listTags('acme/web')).sort()).toEqual(webTags)
  })

  it.each(hostile)('ends a listing with a typed error for %s and asks no token server for a token', async (_what, value, code, cause) => {
    await resetIssuerStats()
    const { client } = await session(value)
    await expectBerthError(client.listTags('acme/web'), code, cause)
    expect((await issuerStats()).total ?? 0).toBe(0)
  })

  it.each(hostile)('ends a ping with a typed error or a bearer result for %s, never a crash', async (_what, value) => {
    const { client } = await session(value)
    const outcome = await client.ping().then(
      (ping) => ping.auth,
      (error: unknown) => (error instanceof Error && error.name === 'BerthError' ? 'error' : `crash: ${String(error)}`),
    )
    expect(['bearer', 'basic', 'error']).toContain(outcome)
  })
})

describe('the realm guard behind a proxy', () => {
  it('refuses a plain-http realm for an https registry with unsafe_realm before sending credentials anywhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-faults-auth-'))
    try {
      const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      )
      const certPem = readFileSync(cert, 'utf8')
      await resetIssuerStats()
      const s = await faultSession({
        upstream: lab.token.url,
        user: lab.users.reader,
        tls: { certPem, keyPem: readFileSync(key, 'utf8') },
        caPems: [certPem],
        rules: [
          {
            path: /^\/v2\//,
            fault: { kind: 'www-authenticate', value: `Bearer realm="${lab.issuer.url}/jwt/auth",service="${lab.token.service}"` },
          },
        ],
      })
      sessions.push(s)
      await expectBerthError(
        s.client.listTags('acme/web'),
        'unsafe_realm',
        /uses https but its token realm http:\/\/127\.0\.0\.1:\d+ is plain http/,
      )
      expect((await issuerStats()).total ?? 0).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

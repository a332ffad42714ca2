import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import {
  assertRealmAllowed,
  maxChallengeHeaderLength,
  parseChallenges,
  pickChallenge,
  resolveRealm,
} from '../../../electron/http/challenge'
import type { Challenge } from '../../../electron/http/client-types'

const cases: { name: string; header: string | string[] | null | undefined; expected: Challenge[] }[] = [
  {
    name: 'Docker Hub sends realm, service and a scope with colons',
    header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
    expected: [
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
      },
    ],
  },
  {
    name: 'GitLab insufficient_scope keeps the comma inside the quoted scope',
    header:
      'Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",' +
      'scope="repository:group/project:pull,push",error="insufficient_scope"',
    expected: [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://gitlab.example.com/jwt/auth',
          service: 'container_registry',
          scope: 'repository:group/project:pull,push',
          error: 'insufficient_scope',
        },
      },
    ],
  },
  {
    name: 'Quay sends realm and service only',
    header: 'Bearer realm="https://quay.example.com/v2/auth",service="quay.example.com"',
    expected: [{ scheme: 'bearer', params: { realm: 'https://quay.example.com/v2/auth', service: 'quay.example.com' } }],
  },
  {
    name: 'GHCR sends a token realm on its own host',
    header: 'Bearer realm="https://ghcr.example.com/token",service="ghcr.example.com",scope="repository:user/image:pull"',
    expected: [
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.example.com/token', service: 'ghcr.example.com', scope: 'repository:user/image:pull' },
      },
    ],
  },
  {
    name: 'ECR is Basic only',
    header: 'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
    expected: [
      { scheme: 'basic', params: { realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' } },
    ],
  },
  {
    name: 'Harbor uses its /service/token realm',
    header: 'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry"',
    expected: [{ scheme: 'bearer', params: { realm: 'https://harbor.example.com/service/token', service: 'harbor-registry' } }],
  },
  {
    name: 'distribution with htpasswd sends a realm with spaces',
    header: 'Basic realm="Registry Realm"',
    expected: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }],
  },
  {
    name: 'a relative realm is kept verbatim for resolveRealm',
    header: 'Bearer realm="/jwt/auth",service="container_registry"',
    expected: [{ scheme: 'bearer', params: { realm: '/jwt/auth', service: 'container_registry' } }],
  },
  {
    name: 'scheme and parameter names are case-insensitive',
    header: 'BEARER Realm="https://a.example/token", SERVICE="svc"',
    expected: [{ scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'svc' } }],
  },
  {
    name: 'escaped quotes and backslashes are unescaped',
    header: String.raw`Basic realm="say \"hi\" \\ ok"`,
    expected: [{ scheme: 'basic', params: { realm: 'say "hi" \\ ok' } }],
  },
  {
    name: 'several challenges in one header',
    header: 'Basic realm="basic realm", Bearer realm="https://t.example/token",service="reg"',
    expected: [
      { scheme: 'basic', params: { realm: 'basic realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'reg' } },
    ],
  },
  {
    name: 'challenges across several headers',
    header: ['Basic realm="one"', 'Bearer realm="https://t.example/token"'],
    expected: [
      { scheme: 'basic', params: { realm: 'one' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token' } },
    ],
  },
  {
    name: 'unquoted token values and whitespace around "="',
    header: 'Bearer realm = "https://t.example/token" ,\tservice=registry ,  scope = "repository:a:pull"',
    expected: [{ scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'registry', scope: 'repository:a:pull' } }],
  },
  {
    name: 'a token68 credential form',
    header: 'Negotiate YIIB9wYGKwYBBQUCoIIB7TCCAek==, Basic realm="r"',
    expected: [
      { scheme: 'negotiate', params: { token68: 'YIIB9wYGKwYBBQUCoIIB7TCCAek==' } },
      { scheme: 'basic', params: { realm: 'r' } },
    ],
  },
  {
    name: 'bare schemes without parameters',
    header: 'Basic, Bearer',
    expected: [
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: {} },
    ],
  },
  {
    name: 'empty list elements and stray commas',
    header: ' , ,Bearer realm="x",, ,service="s",',
    expected: [{ scheme: 'bearer', params: { realm: 'x', service: 's' } }],
  },
  {
    name: 'the first occurrence of a duplicated parameter wins',
    header: 'Bearer realm="first", realm="second"',
    expected: [{ scheme: 'bearer', params: { realm: 'first' } }],
  },
  {
    name: 'an unterminated quoted value is dropped, the challenge kept',
    header: 'Bearer service="svc", realm="https://t.example/tok',
    expected: [{ scheme: 'bearer', params: { service: 'svc' } }],
  },
  {
    name: 'garbage before a valid challenge is skipped',
    header: '"junk", =x, Bearer realm="ok"',
    expected: [{ scheme: 'bearer', params: { realm: 'ok' } }],
  },
  { name: 'an empty header', header: '', expected: [] },
  { name: 'a missing header', header: null, expected: [] },
  { name: 'an undefined header', header: undefined, expected: [] },
]

describe('parseChallenges', () => {
  it.each(cases)('parses $name', ({ header, expected }) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  it('ignores a header longer than 16 KiB', () => {
    const long = `Bearer realm="${'a'.repeat(maxChallengeHeaderLength)}"`
    expect(parseChallenges(long)).toEqual([])
    expect(parseChallenges([long, 'Basic realm="r"'])).toEqual([{ scheme: 'basic', params: { realm: 'r' } }])
  })

  it('does not let a __proto__ parameter change the params prototype', () => {
    const [challenge] = parseChallenges('Bearer __proto__="x", realm="r"')
    expect(Object.getPrototypeOf(challenge?.params)).toBe(Object.prototype)
    expect(challenge?.params.realm).toBe('r')
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z ="\\,;:/.]{0,60}$/)), (header) => {
        const result = parseChallenges(header)
        for (const c of result) expect(c.scheme).toBe(c.scheme.toLowerCase())
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips quoted parameter values with quotes, backslashes and commas', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const quoted = `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
        expect(parseChallenges(`Bearer realm=${quoted}, service="s"`)).toEqual([
          { scheme: 'bearer', params: { realm: value, service: 's' } },
        ])
      }),
      { numRuns: 300 },
    )
  })
})

describe('pickChallenge', () => {
  it('prefers Bearer over Basic whatever the order', () => {
    expect(pickChallenge(parseChallenges('Basic realm="b", Bearer realm="t"'))?.scheme).toBe('bearer')
  })

  it('falls back to Basic', () => {
    expect(pickChallenge(parseChallenges('Negotiate abc, Basic realm="b"'))?.scheme).toBe('basic')
  })

  it('returns null when neither is offered', () => {
    expect(pickChallenge(parseChallenges('Negotiate abc'))).toBeNull()
    expect(pickChallenge([])).toBeNull()
  })
})

describe('resolveRealm', () => {
  it.each([
    ['/jwt/auth', 'https://registry.example.com:5050/v2/', 'https://registry.example.com:5050/jwt/auth'],
    ['token', 'https://registry.example.com/v2/', 'https://registry.example.com/v2/token'],
    ['https://auth.example.com/token', 'https://registry.example.com/v2/', 'https://auth.example.com/token'],
    ['http://127.0.0.1:5001/auth', 'http://127.0.0.1:5000/v2/', 'http://127.0.0.1:5001/auth'],
  ])('resolves realm %s against %s', (realm, requestUrl, expected) => {
    expect(resolveRealm(realm, requestUrl).href).toBe(expected)
  })

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ftp://auth.example.com/token', 'https://user:pw@auth.example.com/token'])(
    'refuses the realm %s with unsafe_realm',
    (realm) => {
      expect(() => resolveRealm(realm, 'https://registry.example.com/v2/')).toThrow(
        expect.objectContaining({ code: 'unsafe_realm' }) as Error,
      )
    },
  )

  it('throws only BerthError on arbitrary realms', () => {
    fc.assert(
      fc.property(fc.string(), (realm) => {
        try {
          resolveRealm(realm, 'https://registry.example.com/v2/')
        } catch (error) {
          expect(error).toBeInstanceOf(BerthError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('assertRealmAllowed', () => {
  it.each([
    ['another public https host (Docker Hub)', 'https://auth.docker.io/token', 'https://registry-1.docker.io'],
    ['the GitLab host for its registry', 'https://gitlab.example.com/jwt/auth', 'https://registry.gitlab.example.com'],
    ['the registry host itself on a private address', 'https://10.0.0.5:8443/auth', 'https://10.0.0.5:5000'],
    ['a loopback token server for a loopback registry', 'http://localhost:5001/auth', 'http://127.0.0.1:5000'],
    ['an https realm for an http registry', 'https://auth.example.com/token', 'http://127.0.0.1:5000'],
  ])('allows %s', (_name, realm, registry) => {
    expect(() => assertRealmAllowed(new URL(realm), registry)).not.toThrow()
  })

  it.each([
    ['an http realm for an https registry', 'http://auth.example.com/token', 'https://registry.example.com'],
    ['a cloud metadata address', 'https://169.254.169.254/latest', 'https://registry.example.com'],
    ['a private address', 'https://10.0.0.1/token', 'https://registry.example.com'],
    ['loopback for a public registry', 'https://127.0.0.1:8080/token', 'https://registry.example.com'],
    ['an IPv6 unique-local address', 'https://[fd00::1]/token', 'https://registry.example.com'],
  ])('refuses %s with unsafe_realm', (_name, realm, registry) => {
    expect(() => assertRealmAllowed(new URL(realm), registry)).toThrow(expect.objectContaining({ code: 'unsafe_realm' }) as Error)
  })
})

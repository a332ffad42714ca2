// Fuzzing the protocol parsers with structured hostile input (header soup built from the
// grammar's own tokens, error envelopes and token responses of any shape) plus Retry-After
// round-trips. The per-parser random-string properties live next to each parser's unit tests.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { errorCodes } from '../../../shared/errors'
import { parseChallenges, pickChallenge, resolveRealm } from '../../../electron/http/challenge'
import { parseTokenResponse } from '../../../electron/http/http-token'
import { nextPageUrl, parseLinkHeader } from '../../../electron/http/link'
import { parseImageReference, parseRegistryAddress } from '../../../electron/http/reference'
import { errorFromResponse, parseErrorEnvelope, parseRateLimitHeaders, parseRetryAfter } from '../../../electron/http/registry-errors'
import { formatScope, mergeScopes, parseScope, scopesFromChallenge } from '../../../electron/http/scope'
import { fuzzParameters, fuzzTimeoutMs } from '../../fuzz/settings'
import { onlyBerthErrors } from '../../fuzz/only-berth-errors'

/** Strings made of a grammar's own punctuation and words, which reach deeper than random text. */
function soup(tokens: string[], maxLength = 30): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 4 })), { maxLength }).map((parts) => parts.join(''))
}
const challengeSoup = soup([
  'Bearer',
  'Basic',
  ' ',
  ',',
  '=',
  '"',
  '\\',
  'realm',
  'service',
  'scope',
  'error',
  'insufficient_scope',
  'http://127.0.0.1:5000/auth',
  '/token',
  'repository:a/b:pull,push',
  'token68==',
])
const linkSoup = soup([
  '<',
  '>',
  ';',
  ',',
  ' ',
  '=',
  '"',
  'rel',
  'next',
  'previous',
  '/v2/a/tags/list?n=1&last=x',
  'http://127.0.0.1:1',
  'https://other.test',
  '%',
  '?',
])
const referenceSoup = soup([
  '/',
  ':',
  '@',
  '.',
  '-',
  '_',
  'sha256:',
  'a'.repeat(64),
  'localhost',
  '127.0.0.1:5000',
  'docker.io',
  'library',
  'latest',
  'A',
  '[::1]',
])

describe('header and reference parsers on grammar soup', () => {
  it(
    'parses any WWW-Authenticate soup into challenges, scopes and a realm or a BerthError',
    () => {
      fc.assert(
        fc.property(fc.oneof(challengeSoup, fc.array(challengeSoup, { maxLength: 3 })), (header) => {
          const challenges = parseChallenges(header)
          const picked = pickChallenge(challenges)
          for (const challenge of challenges) mergeScopes(scopesFromChallenge(challenge))
          const realm = picked?.params.realm
          if (realm !== undefined) onlyBerthErrors(() => resolveRealm(realm, 'http://127.0.0.1:5000/v2/'))
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'parses any Link soup without throwing, and a next page is always an absolute http(s) URL',
    () => {
      fc.assert(
        fc.property(linkSoup, (header) => {
          parseLinkHeader(header)
          const next = onlyBerthErrors(() => nextPageUrl(header, 'http://127.0.0.1:5000/v2/a/tags/list?n=1'))
          if (typeof next === 'string') expect(new URL(next).protocol).toMatch(/^https?:$/)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'parses any reference or address soup to a value or a BerthError',
    () => {
      fc.assert(
        fc.property(referenceSoup, fc.boolean(), (input, insecure) => {
          onlyBerthErrors(() => parseImageReference(input))
          onlyBerthErrors(() => parseRegistryAddress(input, { insecure }))
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'round-trips well-formed scopes, including names with host:port colons',
    () => {
      const word = fc.stringMatching(/^[a-z0-9]{1,8}$/)
      const name = fc
        .array(
          fc.oneof(
            word,
            word.map((w) => `${w}:5000`),
          ),
          { minLength: 1, maxLength: 3 },
        )
        .map((parts) => parts.join('/'))
      fc.assert(
        fc.property(
          word,
          fc.option(word, { nil: undefined }),
          name,
          fc.array(fc.constantFrom('pull', 'push', 'delete', '*'), { minLength: 1, maxLength: 3 }),
          (type, cls, n, actions) => {
            const scope = { type, name: n, actions, ...(cls !== undefined ? { class: cls } : {}) }
            expect(parseScope(formatScope(scope))).toEqual(scope)
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

const envelope = fc.oneof(
  fc.record(
    {
      errors: fc.array(
        fc.record(
          {
            code: fc.oneof(fc.constantFrom('DENIED', 'UNAUTHORIZED', 'MANIFEST_UNKNOWN', 'TOOMANYREQUESTS', 'UNSUPPORTED'), fc.jsonValue()),
            message: fc.jsonValue(),
            detail: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record({ message: fc.jsonValue(), error: fc.jsonValue(), error_description: fc.jsonValue() }, { requiredKeys: [] }),
  fc.jsonValue(),
)

describe('error envelopes, rate limits and Retry-After', () => {
  it(
    'turns any status, envelope and headers into a BerthError with a known code and a message naming the host',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 100, max: 599 }),
          fc.constantFrom('GET', 'HEAD', 'DELETE', 'PUT'),
          envelope,
          fc.dictionary(
            fc.constantFrom('retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'www-authenticate'),
            fc.string({ maxLength: 30 }),
          ),
          (status, method, body, headers) => {
            const text = JSON.stringify(body)
            expect(Array.isArray(parseErrorEnvelope(text))).toBe(true)
            parseRateLimitHeaders(headers)
            const error = errorFromResponse({
              status,
              method,
              url: 'http://127.0.0.1:5000/v2/a/b/manifests/latest',
              headers,
              bodyText: text,
              operation: 'fuzz',
            })
            expect(errorCodes).toContain(error.code)
            expect(error.message).toContain('127.0.0.1:5000')
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'round-trips Retry-After delay-seconds',
    () => {
      fc.assert(
        fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
          expect(parseRetryAfter(String(seconds), new Date())).toBe(seconds)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'round-trips Retry-After HTTP-dates to the seconds left, and past dates to 0',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: -100_000, max: 100_000 }), (nowSeconds, delta) => {
          const now = new Date(nowSeconds * 1000)
          const date = new Date((nowSeconds + delta) * 1000).toUTCString()
          expect(parseRetryAfter(date, now)).toBe(Math.max(0, delta))
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'parses any Retry-After text to a non-negative whole number of seconds or null',
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), soup(['Mon, ', 'GMT', '-', '1', '0', '.', ' ', 'Nov', '2026', ':'])), (value) => {
          const seconds = parseRetryAfter(value, new Date())
          if (seconds !== null) expect(Number.isInteger(seconds) && seconds >= 0).toBe(true)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

describe('token responses', () => {
  it('caps an absurd expires_in at one day instead of caching the token for ever', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    const response = {
      status: 200,
      headers: {},
      body: new TextEncoder().encode('{"token":"t","expires_in":1e300}'),
      url: 'http://127.0.0.1:5001/jwt/auth',
      method: 'GET' as const,
    }
    expect(parseTokenResponse(response, now).expiresAt).toBe(now + 24 * 60 * 60 * 1000)
  })

  it(
    'turns any token-server JSON into a token with a future expiry or a BerthError',
    () => {
      const body = fc.oneof(
        fc.record(
          {
            token: fc.jsonValue(),
            access_token: fc.jsonValue(),
            expires_in: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
            issued_at: fc.oneof(
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              fc.jsonValue(),
            ),
            refresh_token: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      )
      fc.assert(
        fc.property(body, (json) => {
          const now = Date.now()
          const response = {
            status: 200,
            headers: {},
            body: new TextEncoder().encode(JSON.stringify(json)),
            url: 'http://127.0.0.1:5001/jwt/auth',
            method: 'GET' as const,
          }
          const token = onlyBerthErrors(() => parseTokenResponse(response, now))
          if (token === undefined) return
          expect(token.token.length).toBeGreaterThan(0)
          expect(Number.isFinite(token.expiresAt)).toBe(true)
          expect(token.expiresAt).toBeGreaterThan(now)
          // Bounded: an absurd expires_in once made the expiry Infinity (a token cached for ever).
          expect(token.expiresAt).toBeLessThanOrEqual(now + 24 * 60 * 60 * 1000)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

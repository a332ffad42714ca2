import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import type { ErrorCode } from '../../../shared/errors'
import { errorFromResponse, parseErrorEnvelope, parseRateLimitHeaders, parseRetryAfter } from '../../../electron/http/registry-errors'

const envelope = (code: string, message = 'details', detail?: unknown): string => JSON.stringify({ errors: [{ code, message, detail }] })

describe('parseErrorEnvelope', () => {
  it.each([
    {
      name: 'a distribution envelope',
      body: envelope('MANIFEST_UNKNOWN', 'manifest unknown', { Tag: 'x' }),
      expected: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'x' } }],
    },
    {
      name: 'several errors',
      body: JSON.stringify({
        errors: [
          { code: 'DENIED', message: 'a' },
          { code: 'UNAUTHORIZED', message: 'b' },
        ],
      }),
      expected: [
        { code: 'DENIED', message: 'a' },
        { code: 'UNAUTHORIZED', message: 'b' },
      ],
    },
    {
      name: 'an entry without a code',
      body: JSON.stringify({ errors: [{ message: 'odd' }] }),
      expected: [{ code: 'UNKNOWN', message: 'odd' }],
    },
    {
      name: 'a GitLab REST message',
      body: JSON.stringify({ message: '404 Not found' }),
      expected: [{ code: 'UNKNOWN', message: '404 Not found' }],
    },
    {
      name: 'a GitLab validation message object',
      body: JSON.stringify({ message: { name: ['is invalid'] } }),
      expected: [{ code: 'UNKNOWN', message: '{"name":["is invalid"]}' }],
    },
    {
      name: 'an OAuth error',
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'bad password' }),
      expected: [{ code: 'UNKNOWN', message: 'invalid_grant: bad password' }],
    },
    { name: 'HTML', body: '<html><body>Bad Gateway</body></html>', expected: [] },
    { name: 'plain text', body: 'not found', expected: [] },
    { name: 'an empty body', body: '', expected: [] },
    { name: 'JSON that is not an object', body: '[1,2]', expected: [] },
  ])('reads $name', ({ body, expected }) => {
    expect(parseErrorEnvelope(body)).toEqual(expected)
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        parseErrorEnvelope(body)
      }),
      { numRuns: 500 },
    )
  })
})

describe('parseRetryAfter', () => {
  const now = new Date('2025-01-01T00:00:00Z')
  it.each([
    ['120', 120],
    [' 5 ', 5],
    ['0', 0],
    ['-3', 0],
    ['Wed, 01 Jan 2025 00:01:30 GMT', 90],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['soon', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%j → %j seconds', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })
})

describe('parseRateLimitHeaders', () => {
  it('reads Docker Hub headers from a Headers object', () => {
    const headers = new Headers({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })
    expect(parseRateLimitHeaders(headers)).toEqual({ limit: 100, remaining: 76, windowSeconds: 21600 })
  })

  it('reads them from a record with any case', () => {
    expect(parseRateLimitHeaders({ 'RateLimit-Remaining': '0;w=21600' })).toEqual({ remaining: 0, windowSeconds: 21600 })
  })

  it('accepts a limit without a window', () => {
    expect(parseRateLimitHeaders({ 'ratelimit-limit': '200' })).toEqual({ limit: 200 })
  })

  it('returns null without rate-limit headers or with garbage', () => {
    expect(parseRateLimitHeaders({})).toBeNull()
    expect(parseRateLimitHeaders({ 'ratelimit-limit': 'lots' })).toBeNull()
  })
})

interface Case {
  name: string
  status: number
  method?: string
  url?: string
  body?: string
  headers?: Record<string, string>
  code: ErrorCode
  message: RegExp
  fix?: RegExp
  registryCode?: string
}

const cases: Case[] = [
  {
    name: '401 means credentials',
    status: 401,
    body: envelope('UNAUTHORIZED', 'authentication required'),
    code: 'unauthorized',
    message: /credentials missing, wrong or expired/,
    registryCode: 'UNAUTHORIZED',
  },
  {
    name: '401 with insufficient_scope says so',
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="r",error="insufficient_scope"' },
    code: 'unauthorized',
    message: /lacks the scope/,
  },
  {
    name: '403 on GET',
    status: 403,
    body: envelope('DENIED', 'requested access to the resource is denied'),
    code: 'forbidden',
    message: /not allowed.*denied/,
  },
  {
    name: '403 on DELETE',
    status: 403,
    method: 'DELETE',
    url: 'https://r.example/v2/a/manifests/sha256:' + 'a'.repeat(64),
    code: 'forbidden',
    message: /can read but not delete/,
  },
  {
    name: '404 NAME_UNKNOWN names the repository',
    status: 404,
    url: 'https://r.example/v2/team/app/tags/list',
    body: envelope('NAME_UNKNOWN', 'repository name not known to registry'),
    code: 'not_found',
    message: /repository team\/app not found/,
  },
  {
    name: '404 MANIFEST_UNKNOWN names the manifest',
    status: 404,
    url: 'https://r.example/v2/team/app/manifests/1.0',
    body: envelope('MANIFEST_UNKNOWN'),
    code: 'not_found',
    message: /manifest team\/app:1\.0 not found/,
  },
  {
    name: '404 BLOB_UNKNOWN names the blob',
    status: 404,
    url: `https://r.example/v2/team/app/blobs/sha256:${'b'.repeat(64)}`,
    body: envelope('BLOB_UNKNOWN'),
    code: 'not_found',
    message: /blob sha256:b+ in team\/app not found/,
  },
  {
    name: '404 from GitLab REST',
    status: 404,
    url: 'https://gitlab.example/api/v4/projects/1/registry/repositories',
    body: '{"message":"404 Not found"}',
    code: 'not_found',
    message: /not found/,
  },
  {
    name: '405 on DELETE is delete_disabled',
    status: 405,
    method: 'DELETE',
    body: envelope('UNSUPPORTED', 'The operation is unsupported.'),
    code: 'delete_disabled',
    message: /deletion is disabled/,
    fix: /storage\.delete\.enabled: true/,
  },
  {
    name: 'UNSUPPORTED on DELETE with another status is delete_disabled',
    status: 400,
    method: 'DELETE',
    body: envelope('UNSUPPORTED'),
    code: 'delete_disabled',
    message: /deletion is disabled/,
    fix: /storage\.delete\.enabled: true/,
  },
  { name: '405 on GET is unsupported', status: 405, code: 'unsupported', message: /does not support/ },
  { name: '501 is unsupported', status: 501, method: 'PUT', code: 'unsupported', message: /does not support/ },
  {
    name: '429 carries Retry-After',
    status: 429,
    headers: { 'Retry-After': '30', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' },
    body: envelope('TOOMANYREQUESTS'),
    code: 'rate_limited',
    message: /too many requests \(limit 100 per 21600 s, 0 remaining\)/,
    fix: /Wait 30 s/,
  },
  { name: '500 is a server error', status: 500, body: 'boom', code: 'server_error', message: /500.*boom/ },
  {
    name: '503 UNAVAILABLE is a server error',
    status: 503,
    body: envelope('UNAVAILABLE', 'service unavailable'),
    code: 'server_error',
    message: /service unavailable/,
  },
  {
    name: '400 PAGINATION_NUMBER_INVALID keeps its code',
    status: 400,
    url: 'https://r.example/v2/_catalog?n=5000',
    body: envelope('PAGINATION_NUMBER_INVALID', 'invalid number of results requested'),
    code: 'invalid_input',
    message: /invalid number/,
    fix: /at most 1000/,
    registryCode: 'PAGINATION_NUMBER_INVALID',
  },
  { name: '409 is a conflict', status: 409, code: 'conflict', message: /conflict/ },
  { name: 'an unusual 4xx is an invalid response', status: 418, code: 'invalid_response', message: /418/ },
]

describe('errorFromResponse', () => {
  it.each(cases)('maps $name', (c) => {
    const error = errorFromResponse({
      status: c.status,
      method: c.method ?? 'GET',
      url: c.url ?? 'https://registry.example.com/v2/a/manifests/latest',
      headers: c.headers ?? {},
      bodyText: c.body ?? '',
      operation: 'test operation',
    })
    expect(error).toBeInstanceOf(BerthError)
    expect(error.code).toBe(c.code)
    expect(error.data.status).toBe(c.status)
    expect(error.message).toMatch(c.message)
    expect(error.fix).toBeTruthy()
    if (c.fix) expect(error.fix).toMatch(c.fix)
    if (c.registryCode) expect(error.data.registryCode).toBe(c.registryCode)
  })

  it('sets retryAfterSeconds from an HTTP-date', () => {
    const inOneMinute = new Date(Date.now() + 61_000).toUTCString()
    const error = errorFromResponse({
      status: 429,
      method: 'GET',
      url: 'https://r.example/v2/',
      headers: new Headers({ 'retry-after': inOneMinute }),
      bodyText: '',
      operation: 'ping',
    })
    expect(error.data.retryAfterSeconds).toBeGreaterThanOrEqual(55)
    expect(error.data.retryAfterSeconds).toBeLessThanOrEqual(61)
  })

  it('names the host, method, path and operation but never the query string', () => {
    const error = errorFromResponse({
      status: 403,
      method: 'get',
      url: 'https://bucket.s3.example.com/blob?X-Amz-Signature=secret123&X-Amz-Credential=abc',
      headers: {},
      bodyText: '',
      operation: 'download blob',
    })
    expect(error.message).toContain('bucket.s3.example.com answered 403 to GET /blob (download blob)')
    expect(error.message).not.toContain('secret123')
  })

  it('never echoes credentials, even when the registry does', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2lnbmF0dXJl'
    const body = envelope('UNAUTHORIZED', `bad header Authorization: Bearer ${jwt} and Basic dXNlcjpwYXNzd29yZA== token=abc123`)
    const error = errorFromResponse({
      status: 401,
      method: 'GET',
      url: 'https://user:pw@r.example/v2/',
      headers: { authorization: `Bearer ${jwt}` },
      bodyText: body,
      operation: 'ping',
    })
    for (const secret of [jwt, 'dXNlcjpwYXNzd29yZA', 'abc123', 'pw@']) expect(error.message).not.toContain(secret)
  })

  it('caps long bodies and strips control characters', () => {
    const error = errorFromResponse({
      status: 500,
      method: 'GET',
      url: 'https://r.example/v2/',
      headers: {},
      bodyText: `\u001b[31mred\u0007${'x'.repeat(5000)}`,
      operation: 'ping',
    })
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f]/)
    expect(error.message.length).toBeLessThan(500)
  })

  it('does not quote HTML error pages', () => {
    const error = errorFromResponse({
      status: 502,
      method: 'GET',
      url: 'https://r.example/v2/',
      headers: {},
      bodyText: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      operation: 'ping',
    })
    expect(error.message).not.toContain('<html>')
  })

  it('always returns a BerthError for arbitrary responses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        fc.constantFrom('GET', 'HEAD', 'DELETE', 'PUT'),
        fc.string(),
        fc.string(),
        (status, method, url, bodyText) => {
          const error = errorFromResponse({ status, method, url, headers: { 'retry-after': bodyText }, bodyText, operation: 'fuzz' })
          expect(error).toBeInstanceOf(BerthError)
        },
      ),
      { numRuns: 500 },
    )
  })
})

// Listings through a fault proxy in front of the real lab: every fault ends in the right list or a
// precise BerthError, and a page that fails is never passed off as the end of the list.
import { afterEach, describe, expect, it } from 'vitest'
import { getLab } from '../lab/lab-client'
import { expectBerthError, faultSession, matching, timed, type FaultSession } from './faults-support'

const lab = getLab()
const manyTags = Object.keys(lab.truth.repositories['perf/many'] ?? {}).sort()
const webTags = Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort()
const tagsPath = /^\/v2\/perf\/many\/tags\/list/
const secondPage = /^\/v2\/perf\/many\/tags\/list\?.*last=/

const sessions: FaultSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()))
})
async function session(...args: Parameters<typeof faultSession>): Promise<FaultSession> {
  const s = await faultSession(...args)
  sessions.push(s)
  return s
}

describe('a tag listing under faults', () => {
  it('lists every tag through the proxy when no fault is armed', async () => {
    const { client } = await session({ upstream: lab.paging.url })
    expect((await client.listTags('perf/many', { pageSize: 300 })).sort()).toEqual(manyTags)
  })

  it('throws server_error instead of returning a short list when a later page keeps failing with 500', async () => {
    const { client, proxy } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: secondPage, fault: { kind: 'status', status: 500 } }],
    })
    await expectBerthError(
      client.listTags('perf/many', { pageSize: 300 }),
      'server_error',
      /answered 500 to GET \/v2\/perf\/many\/tags\/list.*the registry failed/,
    )
    // 500 is not retried (only 429/503 are): one request for the first page, one for the second.
    expect(proxy.requests.filter((r) => tagsPath.test(r.path))).toHaveLength(2)
  })

  it('retries a 503 page and completes the listing when the registry recovers', async () => {
    const { client, proxy } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: secondPage, times: 2, fault: { kind: 'status', status: 503, headers: { 'retry-after': '0' } } }],
    })
    expect((await client.listTags('perf/many', { pageSize: 300 })).sort()).toEqual(manyTags)
    expect(proxy.requests.filter((r) => r.fault === 'status')).toHaveLength(2)
  })

  it('gives up on a page that answers 503 on every retry with server_error', async () => {
    const { client } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: secondPage, fault: { kind: 'status', status: 503, headers: { 'retry-after': '0' } } }],
    })
    await expectBerthError(client.listTags('perf/many', { pageSize: 300 }), 'server_error', /answered 503 .*the registry failed/)
  })

  it('throws network when a later page resets the connection', async () => {
    const { client } = await session({ upstream: lab.paging.url, rules: [{ method: 'GET', path: secondPage, fault: { kind: 'reset' } }] })
    await expectBerthError(
      client.listTags('perf/many', { pageSize: 300 }),
      'network',
      /127\.0\.0\.1:\d+ closed the connection unexpectedly/,
    )
  })

  it('throws rather than returning part of a page when the body is truncated', async () => {
    const { client } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: secondPage, fault: { kind: 'truncate', keepBytes: 100 } }],
    })
    await expectBerthError(client.listTags('perf/many', { pageSize: 300 }), 'network', /closed the connection unexpectedly/)
  })

  it('waits for Retry-After in seconds on a 429, then completes', async () => {
    const { client, proxy } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, times: 1, fault: { kind: 'rate-limit', retryAfter: '1' } }],
    })
    const { value, ms } = await timed(() => client.listTags('acme/web'))
    expect(value.sort()).toEqual(webTags)
    expect(ms).toBeGreaterThanOrEqual(900)
    expect(proxy.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(1)
  })

  it('waits for a Retry-After HTTP-date on a 429, then completes', async () => {
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString()
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, times: 1, fault: { kind: 'rate-limit', retryAfter: inTwoSeconds } }],
    })
    const { value, ms } = await timed(() => client.listTags('acme/web'))
    expect(value.sort()).toEqual(webTags)
    // HTTP-dates have one-second resolution: at least the whole seconds left must have passed.
    expect(ms).toBeGreaterThanOrEqual(900)
  })

  it('ends with rate_limited and the Retry-After when the registry keeps answering 429', async () => {
    const { client, proxy } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'rate-limit', retryAfter: '0' } }],
    })
    const error = await expectBerthError(client.listTags('acme/web'), 'rate_limited', /answered 429 .*too many requests/)
    expect(error.data.retryAfterSeconds).toBe(0)
    // One try and three bounded retries, never an endless loop.
    expect(proxy.requests.filter((r) => r.fault === 'rate-limit')).toHaveLength(4)
  })

  it('completes a listing whose answer is delayed', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'delay', ms: 700 } }],
    })
    expect((await client.listTags('acme/web')).sort()).toEqual(webTags)
  })

  it('throws invalid_response for a garbage tag list', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'garbage', bytes: 4096 } }],
    })
    await expectBerthError(client.listTags('acme/web'), 'invalid_response', /tag list/)
  })

  it.each([true, false])('refuses a 20 MB tag list (Content-Length declared: %s) with invalid_response', async (declareLength) => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'huge', bytes: 20 * 1024 * 1024, declareLength } }],
    })
    await expectBerthError(client.listTags('acme/web'), 'invalid_response', /answered more than 8388608 bytes; Berth stopped reading/)
  })

  it('refuses a pagination Link to another host with invalid_response and never contacts that host', async () => {
    const { client: _unused, proxy: other } = await session({ upstream: lab.open.url })
    const { client } = await session({
      upstream: lab.paging.url,
      rules: [
        {
          method: 'GET',
          path: tagsPath,
          fault: { kind: 'link', target: `http://localhost:${other.host.split(':')[1]}/v2/perf/many/tags/list?n=300&last=x` },
        },
      ],
    })
    await expectBerthError(client.listTags('perf/many', { pageSize: 300 }), 'invalid_response', /another host|different host|foreign|Link/i)
    expect(other.requests).toHaveLength(0)
  })

  it('stops a Link that loops back to a page already read with invalid_response', async () => {
    const { client } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: tagsPath, fault: { kind: 'link', target: '/v2/perf/many/tags/list?n=300' } }],
    })
    await expectBerthError(client.listTags('perf/many', { pageSize: 300 }), 'invalid_response', /already read/)
  })
})

describe('a catalog listing under faults', () => {
  it('throws server_error rather than reporting "no catalog" when the catalog answers 502', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /_catalog/, fault: { kind: 'status', status: 502 } }],
    })
    await expectBerthError(client.catalog(), 'server_error', /answered 502 to GET \/v2\/_catalog/)
  })

  it('throws network rather than a partial catalog when the second page resets', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /_catalog\?.*last=/, fault: { kind: 'reset' } }],
    })
    await expectBerthError(client.catalog({ pageSize: 2 }), 'network', /closed the connection unexpectedly/)
  })

  // Only the first page can say "no catalog here": once page 1 arrived, a later 404 or 401 means
  // the listing is incomplete, never "this registry offers no catalog" with page 1 dropped.
  it.each([
    [404, 'invalid_response', 'NAME_UNKNOWN'],
    [401, 'unauthorized', 'UNAUTHORIZED'],
  ] as const)('throws an error naming page 2 when page 2 of the catalog answers %i', async (status, code, registryCode) => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [
        {
          method: 'GET',
          path: /_catalog\?.*last=/,
          fault: { kind: 'status', status, body: JSON.stringify({ errors: [{ code: registryCode, message: 'fault proxy' }] }) },
        },
      ],
    })
    await expectBerthError(
      client.catalog({ pageSize: 2 }),
      code,
      new RegExp(
        `^Page 2 of the catalog of 127\\.0\\.0\\.1:\\d+ failed after 2 repositories had arrived .*answered ${status} to GET /v2/_catalog`,
      ),
    )
  })

  it('still reports "no catalog" when the first page answers 404', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /_catalog/, fault: { kind: 'status', status: 404 } }],
    })
    expect(await client.catalog({ pageSize: 2 })).toEqual({
      repositories: [],
      catalog: 'unavailable',
      reason: matching(/HTTP 404/),
    })
  })

  it('throws an error naming the page when page 3 of a tag listing answers 404', async () => {
    const { client } = await session({
      upstream: lab.paging.url,
      rules: [{ method: 'GET', path: secondPage, skip: 1, fault: { kind: 'status', status: 404 } }],
    })
    await expectBerthError(
      client.listTags('perf/many', { pageSize: 300 }),
      'invalid_response',
      /^Page 3 of the tags of perf\/many on 127\.0\.0\.1:\d+ failed after 600 tags had arrived .*answered 404/,
    )
  })
})

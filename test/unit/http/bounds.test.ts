// Issue 17, "Bounded everything", in the HTTP layer, against small local servers: total deadlines
// for headers and body (a trickle no longer holds a request open), listing budgets and deadlines
// for the v2 client and the GitLab and Docker Hub listings, no argument spreads over registry-sized
// pages, and a failure on a later page named as such (docs/registry-notes.md "Listing").
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rejection } from '../../support/rejection'
import { BerthError } from '../../../shared/errors'
import { createHubApi } from '../../../electron/providers/dockerhub/hub-api'
import { createGitlabRegistryApi } from '../../../electron/providers/gitlab/gitlab-registry-api'
import { createGitlabRest } from '../../../electron/providers/gitlab/gitlab-rest'
import { bodyAllowanceMs } from '../../../electron/http/http-deadline'
import {
  defaultHttpDeadlines,
  defaultListingLimits,
  resolveHttpDeadlines,
  resolveListingLimits,
  type HttpDeadlines,
} from '../../../electron/http/http-limits'
import { startListingGuard } from '../../../electron/http/listing-guard'
import { createRegistryClient } from '../../../electron/http/registry-client'
import { createTransport, type HttpRequest } from '../../../electron/http/transport'
import type { RegistryEndpoint } from '../../../electron/http/client-types'
import { json, startServer, type TestServer } from './transport-servers'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function server(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const started = await startServer(handler)
  cleanups.push(() => started.close())
  return started
}

function endpointOf(target: TestServer): RegistryEndpoint {
  return { url: target.url, host: target.host, insecure: true }
}

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url, maxBytes: 1024 * 1024, operation: 'list tags of a', ...extra }
}

/** Headers at once, then one space every `intervalMs` until the client hangs up. */
function trickle(res: ServerResponse, intervalMs: number, contentLength?: number): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(contentLength !== undefined ? { 'content-length': contentLength } : {}) })
  res.flushHeaders()
  const timer = setInterval(() => res.write(' '), intervalMs)
  res.on('close', () => clearInterval(timer))
}

async function elapsed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await promise
  return { value, ms: performance.now() - started }
}

const quick: HttpDeadlines = { headersMs: 300, bodyBaseMs: 300, bodyMinBytesPerSecond: 64 * 1024 }

describe('limits', () => {
  it('takes options first, then BERTH_* variables, then the defaults, ignoring values that are not positive whole numbers', () => {
    expect(resolveHttpDeadlines(undefined, {})).toEqual(defaultHttpDeadlines)
    expect(resolveListingLimits(undefined, {})).toEqual(defaultListingLimits)
    const environment = { BERTH_HEADERS_TIMEOUT_MS: '1500', BERTH_BODY_TIMEOUT_MS: 'soon', BERTH_LISTING_MAX_ITEMS: '-5' }
    expect(resolveHttpDeadlines({ bodyMinBytesPerSecond: 1024 }, environment)).toEqual({
      headersMs: 1500,
      bodyBaseMs: defaultHttpDeadlines.bodyBaseMs,
      bodyMinBytesPerSecond: 1024,
    })
    expect(resolveHttpDeadlines({ headersMs: 10 }, environment).headersMs).toBe(10)
    expect(resolveListingLimits({ maxBytes: 0 }, { BERTH_LISTING_MAX_BYTES: '4096', BERTH_LISTING_MAX_ITEMS: '0' })).toEqual({
      ...defaultListingLimits,
      maxBytes: 4096,
    })
  })

  it('gives a body its base time plus a second per minimum-rate worth of bytes', () => {
    expect(bodyAllowanceMs(defaultHttpDeadlines, 0)).toBe(60_000)
    expect(bodyAllowanceMs(defaultHttpDeadlines, 64 * 1024 * 1024)).toBe(60_000 + 1024_000)
  })
})

describe('request deadlines', () => {
  it('ends a body that trickles forever with a timeout naming the host, the body step and the knob', async () => {
    const registry = await server((_req, res) => trickle(res, 50))
    const transport = createTransport({ endpoint: endpointOf(registry), deadlines: quick })
    cleanups.push(() => transport.close())
    const { value: error, ms } = await elapsed(rejection(transport.request(get(`${registry.url}/v2/a/tags/list`))))
    expect(error.code).toBe('timeout')
    expect(error.message).toMatch(
      new RegExp(`^${registry.host} was still sending the response body after 0\\.\\d s \\(list tags of a; \\d+ bytes so far\\)`),
    )
    expect(error.fix).toMatch(/BERTH_BODY_TIMEOUT_MS \(milliseconds, now 300\)/)
    expect(ms).toBeLessThan(3_000)
  })

  it('scales the body deadline to the Content-Length: a slow but steady body completes, a trickle does not', async () => {
    // 32 KiB at 32 KiB/s minimum earns 1 s on top of the 300 ms base.
    const deadlines: HttpDeadlines = { headersMs: 1_000, bodyBaseMs: 300, bodyMinBytesPerSecond: 32 * 1024 }
    const size = 32 * 1024
    const registry = await server((req, res) => {
      if (req.url === '/trickle') return trickle(res, 50, size)
      res.writeHead(200, { 'content-length': size })
      let sent = 0
      // 8 chunks over ~700 ms: slower than the 300 ms base alone would allow.
      const timer = setInterval(() => {
        res.write(Buffer.alloc(size / 8, 0x20))
        sent += size / 8
        if (sent >= size) {
          clearInterval(timer)
          res.end()
        }
      }, 90)
    })
    const transport = createTransport({ endpoint: endpointOf(registry), deadlines })
    cleanups.push(() => transport.close())
    expect((await transport.request(get(`${registry.url}/steady`))).body.byteLength).toBe(size)
    const { value: error, ms } = await elapsed(rejection(transport.request(get(`${registry.url}/trickle`))))
    expect(error.message).toMatch(/after 1\.\d s .*\d+ of 32768 bytes/)
    expect(ms).toBeGreaterThanOrEqual(1_200)
  })

  it('ends a request whose headers never come at the headers deadline', async () => {
    const registry = await server(() => undefined)
    const transport = createTransport({ endpoint: endpointOf(registry), deadlines: quick })
    cleanups.push(() => transport.close())
    const error = await rejection(transport.request(get(`${registry.url}/v2/`)))
    expect(error.code).toBe('timeout')
    expect(error.message).toBe(`${registry.host} sent no response headers within 0.3 s (list tags of a); Berth stopped waiting.`)
    expect(error.fix).toMatch(/BERTH_HEADERS_TIMEOUT_MS/)
  })

  it('still reports a cancellation by the caller as cancelled', async () => {
    const registry = await server((_req, res) => trickle(res, 50))
    const transport = createTransport({ endpoint: endpointOf(registry), deadlines: { ...quick, bodyBaseMs: 10_000 } })
    cleanups.push(() => transport.close())
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    expect((await rejection(transport.request(get(`${registry.url}/v2/`, { signal: controller.signal })))).code).toBe('cancelled')
  })
})

describe('the listing guard', () => {
  it('counts pages against the item and byte budgets and names the knob to raise', () => {
    const guard = startListingGuard({
      what: 'the tags of a',
      entry: ['tag', 'tags'],
      limits: { deadlineMs: 60_000, maxItems: 10, maxBytes: 1000 },
    })
    cleanups.push(() => Promise.resolve(guard.finish()))
    guard.addPage(100, 6)
    expect(guard.page).toBe(2)
    const items = (() => {
      try {
        guard.addPage(100, 5)
        return null
      } catch (error) {
        return error instanceof BerthError ? error : null
      }
    })()
    expect(items?.message).toBe(
      'Listing the tags of a passed 10 tags: 11 tags (200 bytes) had arrived over 2 pages; ' +
        'Berth stopped listing rather than exhaust memory.',
    )
    expect(items?.fix).toMatch(/BERTH_LISTING_MAX_ITEMS \(now 10\)/)
    expect(() => guard.addPage(901, 1)).toThrow(/passed 1,000 bytes/)
    expect(guard.items).toBe(6)
  })

  it('names the page of a later failure, leaves page 1 and cancellations alone, and reads 404 later on as broken pagination', () => {
    const guard = startListingGuard({ what: 'the catalog of r', entry: ['repository', 'repositories'], limits: defaultListingLimits })
    cleanups.push(() => Promise.resolve(guard.finish()))
    const notFound = new BerthError({ code: 'not_found', status: 404, message: 'r answered 404 to GET /v2/_catalog' })
    expect(guard.pageFailure(notFound)).toBe(notFound)
    guard.addPage(10, 1)
    const later = guard.pageFailure(notFound)
    expect(later.code).toBe('invalid_response')
    expect(later.message).toMatch(
      /^Page 2 of the catalog of r failed after 1 repository had arrived \(\d+(\.\d)? s\), so the listing is incomplete: r answered 404/,
    )
    const cancelled = new BerthError({ code: 'cancelled', message: 'cancelled' })
    expect(guard.pageFailure(cancelled)).toBe(cancelled)
  })

  it('aborts its signal with a timeout at the listing deadline', async () => {
    const guard = startListingGuard({ what: 'the tags of a', entry: ['tag', 'tags'], limits: { ...defaultListingLimits, deadlineMs: 50 } })
    cleanups.push(() => Promise.resolve(guard.finish()))
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(guard.signal.aborted).toBe(true)
    expect(() => guard.throwIfStopped()).toThrow(/Listing the tags of a did not finish within 0\.1 s/)
  })
})

/** `count` names tag-0 … as one JSON array of strings. */
function names(count: number, prefix = 'tag-'): string[] {
  const out: string[] = []
  for (let index = 0; index < count; index++) out.push(`${prefix}${index}`)
  return out
}

describe('the v2 client', () => {
  it('lists a single tags/list answer of 200,000 names', async () => {
    const body = JSON.stringify({ name: 'a', tags: names(200_000) })
    const registry = await server((_req, res) => json(res, 200, JSON.parse(body)))
    const client = createRegistryClient({ endpoint: endpointOf(registry) })
    cleanups.push(() => client.close())
    const tags = await client.listTags('a')
    expect(tags).toHaveLength(200_000)
    expect(tags[199_999]).toBe('tag-199999')
  })

  it('stops an endless Link chain at the item budget', async () => {
    let served = 0
    const registry = await server((_req, res) => {
      served++
      json(res, 200, { name: 'a', tags: names(1000, `p${served}-`) }, { link: `</v2/a/tags/list?last=p${served}>; rel="next"` })
    })
    const client = createRegistryClient({ endpoint: endpointOf(registry), listingLimits: { maxItems: 5_500 } })
    cleanups.push(() => client.close())
    const error = await rejection(client.listTags('a'))
    expect(error.code).toBe('invalid_response')
    expect(error.message).toMatch(
      /^Listing the tags of a on 127\.0\.0\.1:\d+ passed 5,500 tags: 6,000 tags \(\d[\d,]* bytes\) had arrived over 6 pages/,
    )
    expect(served).toBe(6)
  })

  it('throws for a 401 on page 2 of the catalog instead of reporting no catalog', async () => {
    const registry = await server((req, res) => {
      if (req.url?.includes('last=')) return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'expired' }] })
      json(res, 200, { repositories: ['a', 'b'] }, { link: '</v2/_catalog?n=2&last=b>; rel="next"' })
    })
    const client = createRegistryClient({ endpoint: endpointOf(registry) })
    cleanups.push(() => client.close())
    const error = await rejection(client.catalog({ pageSize: 2 }))
    expect(error.code).toBe('unauthorized')
    expect(error.message).toMatch(/^Page 2 of the catalog of 127\.0\.0\.1:\d+ failed after 2 repositories had arrived .*answered 401/)
  })
})

describe('provider listings', () => {
  it('lists a GitLab REST page of 200,000 tags, and stops an endless one at the byte budget', async () => {
    const bigPage = JSON.stringify(names(200_000).map((name) => ({ name })))
    let endlessPages = 0
    const gitlab = await server((req, res) => {
      if (req.url?.includes('/repositories/1/')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(bigPage)
      }
      endlessPages++
      json(
        res,
        200,
        names(1000).map((name) => ({ name })),
        { 'x-next-page': String(endlessPages + 1) },
      )
    })
    const rest = createGitlabRest({
      endpoint: endpointOf(gitlab),
      token: () => Promise.resolve({ header: 'PRIVATE-TOKEN', value: 't' }),
      listingLimits: { maxBytes: 64 * 1024 },
    })
    cleanups.push(() => rest.close())
    const restUnbounded = createGitlabRest({
      endpoint: endpointOf(gitlab),
      token: () => Promise.resolve({ header: 'PRIVATE-TOKEN', value: 't' }),
    })
    cleanups.push(() => restUnbounded.close())
    expect(await restUnbounded.listTags({ id: 1, projectId: 1, path: 'g/p' })).toHaveLength(200_000)
    const error = await rejection(rest.listTags({ id: 2, projectId: 1, path: 'g/q' }))
    expect(error.message).toMatch(/^Listing GitLab's answer to "list the tags of g\/q" passed 65,536 bytes: 4,000 tags/)
    expect(endlessPages).toBe(4)
  })

  it('lists a Docker Hub page of 200,000 tags, and stops an endless `next` chain at the item budget', async () => {
    const bigPage = JSON.stringify({ next: null, results: names(200_000).map((name) => ({ name })) })
    const hub = await server((req, res) => {
      if (req.url?.includes('/repositories/big/')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(bigPage)
      }
      const page = Number(new URL(req.url ?? '/', 'http://hub').searchParams.get('page') ?? '1')
      json(res, 200, {
        next: `/v2/namespaces/library/repositories/endless/tags?page=${page + 1}`,
        results: names(500).map((name) => ({ name })),
      })
    })
    const api = createHubApi({ endpoint: endpointOf(hub), account: () => Promise.resolve(null), listingLimits: { maxItems: 1_200 } })
    const unbounded = createHubApi({ endpoint: endpointOf(hub), account: () => Promise.resolve(null) })
    cleanups.push(
      () => api.close(),
      () => unbounded.close(),
    )
    expect(await unbounded.listTags('big')).toHaveLength(200_000)
    const error = await rejection(api.listTags('endless'))
    expect(error.message).toMatch(/^Listing Docker Hub's answer to .* passed 1,200 entries: 1,500 entries/)
  })

  it("stops an endless GitLab registry API listing at its deadline and names a later page's failure", async () => {
    let served = 0
    const registry = await server((req, res) => {
      if (req.url?.includes('/broken/')) {
        if (req.url.includes('last=')) return json(res, 500, { errors: [{ code: 'UNKNOWN', message: 'boom' }] })
        return json(res, 200, [{ name: '1', digest: 'sha256:x' }], { link: `<${req.url}&last=1>; rel="next"` })
      }
      served++
      setTimeout(() => {
        json(res, 200, [{ name: `t${served}`, digest: 'sha256:x' }], {
          link: `</gitlab/v1/repositories/a/tags/list/?n=1&last=t${served}>; rel="next"`,
        })
      }, 30)
    })
    const api = createGitlabRegistryApi({ endpoint: endpointOf(registry), listingLimits: { deadlineMs: 300 } })
    cleanups.push(() => api.close())
    const timeout = await rejection(api.listTags('a'))
    expect(timeout.code).toBe('timeout')
    expect(timeout.message).toMatch(/^Listing the tags of a \(GitLab registry API\) did not finish within 0\.3 s: \d+ tags had arrived/)
    const broken = await rejection(api.listTags('broken'))
    expect(broken.code).toBe('server_error')
    expect(broken.message).toMatch(/^Page 2 of the tags of broken \(GitLab registry API\) failed after 1 tag had arrived/)
  })
})

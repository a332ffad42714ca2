// The web mode's guards, through a real socket and a real browser: a local server that holds
// registry credentials must refuse anything that is not its own page (see electron/doors/web/web-server.ts).
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import type { Api } from '../../shared/ipc'
import { launchChromium, startBerthWeb, type BerthWeb } from './e2e-helpers'

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** node:http, not fetch: fetch will not send a forged Host header. */
function raw(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

let web: BerthWeb
let browser: Browser
let evil: Server
let evilUrl: string
let apiCalls = 0
let port: number
let origin: string

beforeAll(async () => {
  web = await startBerthWeb()
  port = web.server.port
  origin = `http://127.0.0.1:${port}`
  // Count calls that reach the core, to prove a refused request never ran.
  const api = web.core.api
  const original = api.listRegistries.bind(api)
  ;(api as { listRegistries: Api['listRegistries'] }).listRegistries = (req) => {
    apiCalls += 1
    return original(req)
  }
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end('<!doctype html><title>another local site</title><p>hello</p>')
  })
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()))
  await web?.close()
})

const apiHeaders = (extra: Record<string, string>): Record<string, string> => ({
  'content-type': 'application/json',
  origin,
  host: `127.0.0.1:${port}`,
  ...extra,
})

describe('web mode guards', () => {
  it('answers an API call with the right token, Origin and Host (the baseline the refusals differ from)', async () => {
    const before = apiCalls
    const res = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ 'x-berth-token': web.server.token }),
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: [] })
    expect(apiCalls).toBe(before + 1)
  })

  it('refuses an API call without the token with 401 and says how to fix it', async () => {
    const before = apiCalls
    const res = await raw(port, '/api/listRegistries', { method: 'POST', headers: apiHeaders({}), body: '{}' })
    expect(res.status).toBe(401)
    const body = JSON.parse(res.body) as { ok: boolean; error: { message: string } }
    expect(body.ok).toBe(false)
    expect(body.error.message).toMatch(/token is missing or wrong/)
    expect(apiCalls).toBe(before)
  })

  it('refuses an API call with a wrong token with 401', async () => {
    const before = apiCalls
    const res = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ 'x-berth-token': `${web.server.token}x` }),
      body: '{}',
    })
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/token/) as unknown } })
    expect(apiCalls).toBe(before)
  })

  it('refuses a call from another Origin with 403 even when it carries the right token', async () => {
    const before = apiCalls
    const res = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ origin: 'http://evil.example', 'x-berth-token': web.server.token }),
      body: '{}',
    })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Cross-origin requests are refused.' } })
    expect(apiCalls).toBe(before)
  })

  it('refuses a rebound Host name with 403, for the page and for the API', async () => {
    const before = apiCalls
    const page = await raw(port, '/', { headers: { host: `evil.example:${port}` } })
    expect(page.status).toBe(403)
    expect(JSON.parse(page.body)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Unexpected Host header/) as unknown },
    })
    const api = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'x-berth-token': web.server.token }),
      body: '{}',
    })
    expect(api.status).toBe(403)
    expect(apiCalls).toBe(before)
  })

  it('serves the page with a Content-Security-Policy that forbids inline and foreign scripts', async () => {
    const res = await raw(port, '/', { headers: { host: `127.0.0.1:${port}` } })
    expect(res.status).toBe(200)
    expect(res.body).toMatch(/<div id="root">|<script/)
    const csp = String(res.headers['content-security-policy'] ?? '')
    expect(csp).toMatch(/default-src 'self'|script-src 'self'/)
    expect(csp).not.toMatch(/unsafe-inline[^;]*script|script-src[^;]*unsafe-(inline|eval)/)
    expect(res.headers['x-frame-options']).toBe('DENY')
  })

  it('lets no page on another loopback origin call the API from a real browser, even knowing the token', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(evilUrl)
      const before = apiCalls
      const outcomes = await page.evaluate(
        async ({ target, token }) => {
          const attempt = async (init: RequestInit): Promise<string> => {
            try {
              const res = await fetch(`${target}/api/listRegistries`, init)
              return `status ${res.status}: ${await res.text()}`
            } catch (error) {
              return `failed: ${String(error)}`
            }
          }
          return {
            // A custom header forces a CORS preflight the server never grants.
            withToken: await attempt({
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-berth-token': token },
              body: '{}',
            }),
            // A "simple" request skips the preflight but carries Origin: refused, and unreadable.
            simple: await attempt({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
            noCors: await attempt({ method: 'POST', mode: 'no-cors', body: '{}' }),
          }
        },
        { target: origin, token: web.server.token },
      )
      expect(outcomes.withToken).toMatch(/^failed: TypeError/)
      expect(outcomes.simple).toMatch(/^failed: TypeError/)
      // no-cors yields an opaque response: status 0 and no body to read.
      expect(outcomes.noCors).toMatch(/^status 0: $|^failed/)
      expect(apiCalls).toBe(before)
    } finally {
      await context.close()
    }
  })
})

/** Berth loaded once in `context` (its first-load cookie set), then closed so it makes no more calls. */
async function berthPage(context: BrowserContext): Promise<void> {
  const page = await context.newPage()
  await page.goto(web.server.url)
  await page.getByRole('heading', { name: 'Welcome to Berth' }).waitFor()
  await page.close()
}

describe('web mode guards: the access cookie', () => {
  const cookie = (value: string): string => `berth_token_${port}=${value}`

  it('answers an API call that carries the token only in the cookie (the baseline)', async () => {
    const before = apiCalls
    const res = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ cookie: cookie(web.server.token) }),
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(apiCalls).toBe(before + 1)
  })

  it('refuses a missing or wrong cookie with 401', async () => {
    const before = apiCalls
    const missing = await raw(port, '/api/listRegistries', { method: 'POST', headers: apiHeaders({ cookie: 'theme=dark' }), body: '{}' })
    const wrong = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ cookie: cookie(`${web.server.token}x`) }),
      body: '{}',
    })
    expect([missing.status, wrong.status]).toEqual([401, 401])
    expect(apiCalls).toBe(before)
  })

  it('refuses the right cookie from another Origin or with a foreign Host', async () => {
    const before = apiCalls
    const foreignOrigin = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ cookie: cookie(web.server.token), origin: evilUrl.replace(/\/$/, '') }),
      body: '{}',
    })
    const foreignHost = await raw(port, '/api/listRegistries', {
      method: 'POST',
      headers: apiHeaders({ cookie: cookie(web.server.token), host: `evil.example:${port}`, origin: `http://evil.example:${port}` }),
      body: '{}',
    })
    expect([foreignOrigin.status, foreignHost.status]).toEqual([403, 403])
    expect(apiCalls).toBe(before)
  })

  it('trades the printed token for an HttpOnly, SameSite=Strict cookie, leaving it in no URL, Referer, storage or page', async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      // The headers Chromium actually sent (headers() alone holds only provisional ones).
      const requests: { url: string; referer: Promise<string | null> }[] = []
      page.on('request', (r) => requests.push({ url: r.url(), referer: r.headerValue('referer') }))
      await page.goto(web.server.url)
      await page.getByRole('heading', { name: 'Welcome to Berth' }).waitFor()
      expect(page.url()).toBe(`${origin}/`)
      // The redirect replaced the printed URL: the tab's history holds about:blank and the page, no third entry.
      expect(await page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length)).toBe(2)
      expect(await context.cookies()).toEqual([
        expect.objectContaining({
          name: `berth_token_${port}`,
          value: web.server.token,
          path: '/api/',
          httpOnly: true,
          sameSite: 'Strict',
          secure: false,
        }),
      ])
      const visible = await page.evaluate(() => {
        const g = globalThis as unknown as {
          sessionStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }
          document: { cookie: string }
        }
        const stored: string[] = []
        for (let i = 0; i < g.sessionStorage.length; i++) stored.push(g.sessionStorage.getItem(g.sessionStorage.key(i) ?? '') ?? '')
        return `${stored.join()} ${g.document.cookie}`
      })
      expect(visible).not.toContain(web.server.token)
      expect(await page.content()).not.toContain(web.server.token)
      expect(requests.filter((r) => r.url.includes(web.server.token)).map((r) => r.url)).toEqual([web.server.url])
      expect(requests.length).toBeGreaterThan(2)
      expect((await Promise.all(requests.map((r) => r.referer))).filter((r) => r !== null)).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('opens a copied link in a new tab of the same browser, which never saw the token', async () => {
    const context = await browser.newContext()
    try {
      await berthPage(context)
      const before = apiCalls
      const tab = await context.newPage()
      await tab.goto(`${origin}/#/registry.example.com/team/app?sort=date`)
      // No profile has that address: the page offers to add it, which took an answered API call.
      await tab.getByRole('region', { name: 'Link to a registry Berth does not know' }).waitFor()
      await expect(tab.getByText(/token is missing/).count()).resolves.toBe(0)
      expect(apiCalls).toBeGreaterThan(before)
    } finally {
      await context.close()
    }
  })

  it('lets no page on another loopback port use the cookie the browser attaches to its requests', async () => {
    const context = await browser.newContext()
    try {
      await berthPage(context)
      const page = await context.newPage()
      await page.goto(evilUrl)
      const before = apiCalls
      const outcomes = await page.evaluate(async (target) => {
        const attempt = async (init: RequestInit): Promise<string> => {
          try {
            const res = await fetch(`${target}/api/listRegistries`, { credentials: 'include', ...init })
            return `status ${res.status}: ${await res.text()}`
          } catch (error) {
            return `failed: ${String(error)}`
          }
        }
        return {
          json: await attempt({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
          simple: await attempt({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
          noCors: await attempt({ method: 'POST', mode: 'no-cors', body: '{}' }),
        }
      }, origin)
      expect(outcomes.json).toMatch(/^failed: TypeError/)
      expect(outcomes.simple).toMatch(/^failed: TypeError/)
      expect(outcomes.noCors).toMatch(/^status 0: $|^failed/)
      expect(apiCalls).toBe(before)
    } finally {
      await context.close()
    }
  })
})

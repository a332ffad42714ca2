// A real server on a random loopback port, with a fake Api and a temporary static directory.
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackAddress, maxBodyBytes, startWebServer, tokenHeader, type WebServer } from '../../../electron/doors/web/web-server'
import { BerthError } from '../../../shared/errors'
import { apiMethods, type Api } from '../../../shared/ipc'
import type { RegistryView } from '../../../shared/types'
import { genericCapabilities } from '../../../shared/registry-capabilities'

const view: RegistryView = {
  id: 'r1',
  name: 'lab',
  url: 'http://127.0.0.1:5000',
  kind: 'distribution',
  authMode: 'auto',
  insecure: false,
  favorites: [],
  hasCredential: false,
  capabilities: genericCapabilities,
}

function fakeApi(handlers: Partial<Api>): Api {
  const api: Record<string, unknown> = {}
  for (const method of apiMethods) {
    api[method] = handlers[method] ?? (() => Promise.reject(new BerthError({ code: 'unsupported', message: `${method} is not faked` })))
  }
  return api as Api
}

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

interface RequestOptions {
  method?: string
  path: string
  /** `null` leaves a header out (for Host too). */
  headers?: Record<string, string | null>
  body?: string | Buffer
  /** Sent in pieces without Content-Length (Transfer-Encoding: chunked). */
  chunks?: Buffer[]
}

let root: string
let staticDir: string
let server: WebServer

function send(options: RequestOptions): Promise<Reply> {
  const merged: Record<string, string | null> = { host: `127.0.0.1:${server.port}`, ...options.headers }
  const headers = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null))
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
        setHost: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (options.chunks !== undefined) {
      for (const chunk of options.chunks) req.write(chunk)
      req.end()
    } else {
      req.end(options.body)
    }
  })
}

function apiCall(method: string, body: unknown, headers: Record<string, string | null> = {}): Promise<Reply> {
  return send({
    method: 'POST',
    path: `/api/${method}`,
    headers: {
      origin: `http://127.0.0.1:${server.port}`,
      'content-type': 'application/json',
      [tokenHeader]: server.token,
      ...headers,
    },
    body: JSON.stringify(body),
  })
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-web-'))
  staticDir = join(root, 'renderer')
  await mkdir(join(staticDir, 'assets'), { recursive: true })
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Berth</title><div id="root"></div>')
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("berth")')
  await writeFile(join(staticDir, '.env'), 'SECRET=dotfile')
  await writeFile(join(root, 'secret.txt'), 'outside the static dir')
  await symlink(join(root, 'secret.txt'), join(staticDir, 'assets', 'link.txt'))
  server = await startWebServer({
    api: fakeApi({
      listRegistries: () => Promise.resolve([view]),
      logout: () => Promise.reject(new BerthError({ code: 'forbidden', message: 'no' })),
    }),
    staticDir,
    port: 0,
    onError: () => undefined,
  })
})

afterAll(async () => {
  await server.close()
  await rm(root, { recursive: true, force: true })
})

describe('startWebServer', () => {
  it('prints a loopback URL that carries a 32-byte random token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32)
    expect(server.port).toBeGreaterThan(0)
  })

  it('serves the index with the strict CSP and the security headers', async () => {
    const reply = await send({ path: '/' })
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(reply.body).toContain('<div id="root">')
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'")
    expect(reply.headers['content-security-policy']).toContain("script-src 'self';")
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(reply.headers['x-content-type-options']).toBe('nosniff')
    expect(reply.headers['referrer-policy']).toBe('no-referrer')
  })

  it('trades the printed URL’s token for a cookie and loads the page again without it', async () => {
    const reply = await send({ path: `/?token=${server.token}&lang=en` })
    expect(reply.status).toBe(303)
    expect(reply.headers.location).toBe('/?lang=en')
    expect(reply.headers['set-cookie']).toEqual([`berth_token_${server.port}=${server.token}; Path=/api/; HttpOnly; SameSite=Strict`])
    expect(reply.headers['cache-control']).toBe('no-store')
    expect(reply.headers['referrer-policy']).toBe('no-referrer')
    expect(reply.body).toBe('')
  })

  it('redirects only to this server, whatever path the first load names', async () => {
    expect((await send({ path: `/.//evil.example/x?token=${server.token}` })).headers.location).toBe('/evil.example/x')
  })

  it('serves the page without a cookie for a wrong token in the URL (the API then says what is wrong)', async () => {
    const reply = await send({ path: `/?token=${server.token}x` })
    expect(reply.status).toBe(200)
    expect(reply.headers['set-cookie']).toBeUndefined()
  })

  it('serves assets with their content type', async () => {
    const reply = await send({ path: '/assets/app.js' })
    expect(reply.status).toBe(200)
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  it('answers the browser’s unprompted favicon request without an error', async () => {
    expect((await send({ path: '/favicon.ico' })).status).toBe(204)
  })

  it('lists no directory', async () => {
    expect((await send({ path: '/assets/' })).status).toBe(404)
    expect((await send({ path: '/assets' })).status).toBe(404)
  })

  it('answers an API call made with the token', async () => {
    const reply = await apiCall('listRegistries', {})
    expect(reply.status).toBe(200)
    expect(reply.headers['cache-control']).toBe('no-store')
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [view] })
  })

  it('answers a same-origin call without an Origin header when fetch metadata vouches for it', async () => {
    const reply = await apiCall('listRegistries', {}, { origin: null, 'sec-fetch-site': 'same-origin' })
    expect(JSON.parse(reply.body)).toEqual({ ok: true, value: [view] })
  })

  it('accepts localhost as the host name too', async () => {
    const reply = await apiCall('listRegistries', {}, { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` })
    expect(reply.status).toBe(200)
  })

  it('returns errors as data', async () => {
    const reply = await apiCall('logout', { registryId: 'r1' })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toEqual({ ok: false, error: { code: 'forbidden', message: 'no' } })
  })

  it('validates the request through the dispatcher', async () => {
    const reply = await apiCall('listTags', { registryId: 'r1' })
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('refuses a call without the token', async () => {
    const reply = await apiCall('listRegistries', {}, { [tokenHeader]: '' })
    expect(reply.status).toBe(401)
    expect(reply.body).not.toContain(server.token)
  })

  it('refuses a call with a wrong token', async () => {
    const wrong = randomBytes(32).toString('base64url')
    expect((await apiCall('listRegistries', {}, { [tokenHeader]: wrong })).status).toBe(401)
  })

  it('refuses the token in the query string of an API call (it belongs in the header)', async () => {
    const reply = await send({
      method: 'POST',
      path: `/api/listRegistries?token=${server.token}`,
      headers: { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(reply.status).toBe(401)
  })

  it('refuses a call from a foreign Origin even with the token', async () => {
    const reply = await apiCall('listRegistries', {}, { origin: 'https://evil.example' })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('refuses a call with neither Origin nor same-origin fetch metadata', async () => {
    expect((await apiCall('listRegistries', {}, { origin: null })).status).toBe(403)
    expect((await apiCall('listRegistries', {}, { origin: null, 'sec-fetch-site': 'cross-site' })).status).toBe(403)
  })

  it.each(['evil.example', 'evil.example:PORT', '127.0.0.1', '127.0.0.1:1', '127.0.0.2:PORT'])(
    'refuses the foreign Host header "%s" (DNS rebinding), for pages and API calls alike',
    async (host) => {
      const value = host.replace('PORT', String(server.port))
      expect((await send({ path: '/', headers: { host: value } })).status).toBe(403)
      expect((await apiCall('listRegistries', {}, { host: value })).status).toBe(403)
    },
  )

  it('refuses a request without a Host header', async () => {
    // Node's HTTP parser already answers 400 to an HTTP/1.1 request without Host.
    const reply = await send({ path: '/', headers: { host: null } })
    expect(reply.status).toBeGreaterThanOrEqual(400)
    expect(reply.body).not.toContain('<div id="root">')
  })

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..\\secret.txt',
    '/%00index.html',
  ])('refuses the traversal path %s', async (path) => {
    const reply = await send({ path })
    expect([400, 403, 404]).toContain(reply.status)
    expect(reply.body).not.toContain('outside the static dir')
  })

  it('does not follow a symlink out of the static directory', async () => {
    const reply = await send({ path: '/assets/link.txt' })
    expect(reply.status).toBe(404)
    expect(reply.body).not.toContain('outside the static dir')
  })

  it('does not serve dotfiles', async () => {
    const reply = await send({ path: '/.env' })
    expect(reply.status).toBe(403)
    expect(reply.body).not.toContain('SECRET')
  })

  it('refuses a body over 1 MiB announced by Content-Length', async () => {
    const reply = await apiCall('listRegistries', { padding: 'x'.repeat(maxBodyBytes) })
    expect(reply.status).toBe(413)
  })

  it('refuses a chunked body once it passes 1 MiB', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20)
    const reply = await send({
      method: 'POST',
      path: '/api/listRegistries',
      headers: { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json', [tokenHeader]: server.token },
      chunks: [Buffer.from('{"a":"'), chunk, chunk, chunk, chunk, chunk, Buffer.from('"}')],
    })
    expect(reply.status).toBe(413)
  })

  it('refuses a body that is not JSON by content type', async () => {
    expect((await apiCall('listRegistries', {}, { 'content-type': 'text/plain' })).status).toBe(415)
  })

  it('refuses malformed JSON as invalid input', async () => {
    const reply = await send({
      method: 'POST',
      path: '/api/listRegistries',
      headers: { origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json', [tokenHeader]: server.token },
      body: '{"unterminated',
    })
    expect(reply.status).toBe(400)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('takes API calls only as POST', async () => {
    expect((await send({ path: '/api/listRegistries', headers: { [tokenHeader]: server.token } })).status).toBe(405)
  })

  it('refuses the event stream without the token', async () => {
    expect((await send({ path: '/api/events' })).status).toBe(401)
  })

  it('delivers an emitted event over Server-Sent Events', async () => {
    const received = await new Promise<{ status: number; type: string | undefined; frame: string }>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no event within 5 s')), 5_000)
      const req = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        path: `/api/events?token=${encodeURIComponent(server.token)}`,
        headers: { accept: 'text/event-stream' },
      })
      req.on('response', (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
          // Emit once the stream is registered (its greeting arrived), then wait for the frame.
          if (text.includes(': connected') && !text.includes('event:')) {
            server.events.emit('navigate', { hash: '#/r/r1' })
          }
          const start = text.indexOf('event: navigate')
          if (start >= 0 && text.indexOf('\n\n', start) >= 0) {
            clearTimeout(deadline)
            req.destroy()
            resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], frame: text.slice(start) })
          }
        })
      })
      req.on('error', reject)
      req.end()
    })
    expect(received.status).toBe(200)
    expect(received.type).toBe('text/event-stream; charset=utf-8')
    expect(received.frame).toBe('event: navigate\ndata: {"hash":"#/r/r1"}\n\n')
  })
})

describe('the access cookie', () => {
  const cookie = (value: string, name = `berth_token_${server.port}`): string => `${name}=${value}`
  const cookieCall = (headers: Record<string, string | null>): Promise<Reply> =>
    apiCall('listRegistries', {}, { [tokenHeader]: null, ...headers })

  it('answers an API call that carries the token only in the cookie', async () => {
    const reply = await cookieCall({ cookie: `theme=dark; ${cookie(server.token)}` })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true })
  })

  it('refuses an API call with neither header nor cookie', async () => {
    expect((await cookieCall({})).status).toBe(401)
  })

  it('refuses a wrong cookie, or the right token under another run’s cookie name', async () => {
    expect((await cookieCall({ cookie: cookie(`${server.token}x`) })).status).toBe(401)
    expect((await cookieCall({ cookie: cookie(server.token, `berth_token_${server.port + 1}`) })).status).toBe(401)
    expect((await cookieCall({ cookie: cookie('') })).status).toBe(401)
  })

  it('still takes the right cookie beside a wrong one of the same name (another server may toss one)', async () => {
    expect((await cookieCall({ cookie: `${cookie('tossed')}; ${cookie(server.token)}` })).status).toBe(200)
  })

  it('refuses the right cookie from another Origin', async () => {
    const reply = await cookieCall({ cookie: cookie(server.token), origin: `http://127.0.0.1:${server.port + 1}` })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toMatchObject({ error: { message: 'Cross-origin requests are refused.' } })
  })

  it('refuses the right cookie with a foreign Host', async () => {
    const reply = await cookieCall({
      cookie: cookie(server.token),
      host: `evil.example:${server.port}`,
      origin: `http://evil.example:${server.port}`,
    })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body)).toMatchObject({ error: { message: expect.stringMatching(/Unexpected Host/) as unknown } })
  })

  it('refuses the right cookie on a call with neither Origin nor same-origin fetch metadata', async () => {
    const reply = await cookieCall({ cookie: cookie(server.token), origin: null, 'sec-fetch-site': 'same-site' })
    expect(reply.status).toBe(403)
  })

  it('opens the event stream with the cookie only for the page’s own requests', async () => {
    const open = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/events', headers })
        req.on('response', (res) => {
          resolve(res.statusCode ?? 0)
          req.destroy()
        })
        req.on('error', reject)
        req.end()
      })
    expect(await open({ cookie: cookie(server.token), 'sec-fetch-site': 'same-origin' })).toBe(200)
    // An <img> or EventSource on another loopback port's page: same site, so the cookie rides along.
    expect(await open({ cookie: cookie(server.token), 'sec-fetch-site': 'same-site' })).toBe(403)
    expect(await open({ cookie: cookie(server.token) })).toBe(403)
    expect(await open({ cookie: cookie('wrong'), 'sec-fetch-site': 'same-origin' })).toBe(401)
  })
})

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['::1', true],
    ['127.1.2.3', true],
    ['192.168.1.10', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected)
  })
})

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { createTokenSigner, newTokenId, type TokenAccess } from './jwt'
import { grantAccess, parseScopes, type LabUserName } from './roles'

export interface IssuerUser {
  username: string
  password: string
}

export interface IssuerOptions {
  signingKeyPem: string
  users: Record<LabUserName, IssuerUser>
  issuerName: string
  tokenTtlSeconds: number
  /** Also listen on https with this certificate so the `tls` registry gets an https realm. */
  tls?: { certPem: string; keyPem: string }
  /**
   * And on one more https port with this certificate, named by host name (`localhost`): the
   * `tlsRealm` registry's realm, on another host name and port than the registry itself.
   */
  otherHostTls?: { certPem: string; keyPem: string }
  /** Test control channel behind `/_lab/*` (functions cannot cross to vitest workers). */
  control?: { reseed(registryName: string, repository: string): Promise<void> }
}

export interface TokenIssuer {
  url: string
  httpsUrl: string | null
  /** https://localhost:port, with `otherHostTls`'s certificate. */
  otherHostUrl: string | null
  stats(): Record<string, number>
  resetStats(): void
  /**
   * Lifetime of tokens issued from now on. `strictExpiry` backdates `exp` by distribution's 60 s
   * leeway so the registry itself starts refusing the token when `expires_in` runs out (without
   * it a 3 s token keeps working for 63 s); `expires_in` stays honest either way.
   */
  setTtl(seconds: number, options?: { strictExpiry?: boolean }): void
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024
const ttlInput = z.object({ seconds: z.number().int().min(1).max(86_400), strictExpiry: z.boolean().optional() })
/** distribution 2.8 accepts a token until `exp` + 60 s (registry/auth/token/token.go Leeway). */
const REGISTRY_LEEWAY_SECONDS = 60
const reseedInput = z.object({ registry: z.string().min(1), repository: z.string().min(1) })

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`)
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > MAX_BODY_BYTES) throw new HttpError(413, { error: 'invalid_request', error_description: 'body too large' })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseBasic(header: string | undefined): IssuerUser | null {
  if (header === undefined) return null
  const match = /^Basic\s+(\S+)$/i.exec(header.trim())
  if (match?.[1] === undefined) throw new HttpError(401, unauthorizedBody('malformed Authorization header'))
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new HttpError(401, unauthorizedBody('malformed Basic credentials'))
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function unauthorizedBody(message: string): unknown {
  // GitLab's /jwt/auth answers bad credentials with the registry error envelope.
  return { errors: [{ code: 'UNAUTHORIZED', message }] }
}

/**
 * A token server in the shape of distribution's token spec (docs/content/spec/auth/token.md,
 * oauth.md) and GitLab's `/jwt/auth`: GET with Basic or anonymous, OAuth2 POST with password and
 * refresh_token grants. It never fails for asking too much: it grants the intersection.
 */
export async function startTokenIssuer(options: IssuerOptions): Promise<TokenIssuer> {
  const signer = createTokenSigner(options.signingKeyPem)
  let ttlSeconds = options.tokenTtlSeconds
  let strictExpiry = false
  const counts = new Map<string, number>()
  const refreshTokens = new Map<string, LabUserName>()
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1)

  function authenticate(credentials: IssuerUser | null): LabUserName | 'anonymous' | null {
    if (credentials === null) return 'anonymous'
    for (const [role, user] of Object.entries(options.users) as Array<[LabUserName, IssuerUser]>) {
      if (user.username === credentials.username && user.password === credentials.password) return role
    }
    return null
  }

  // Every token handed out (bounded), so the secret-leak test can grep Berth's files for them.
  const issuedTokens: string[] = []
  function remember(token: string): void {
    issuedTokens.push(token)
    if (issuedTokens.length > 20_000) issuedTokens.splice(0, issuedTokens.length - 20_000)
  }

  function issue(
    role: LabUserName | 'anonymous',
    service: string,
    scopes: string[],
  ): {
    token: string
    access: TokenAccess[]
    issuedAt: Date
    expiresIn: number
  } {
    const issuedAt = new Date()
    const now = Math.floor(issuedAt.getTime() / 1000)
    const access = grantAccess(role, parseScopes(scopes))
    const subject = role === 'anonymous' ? '' : options.users[role].username
    const token = signer.sign({
      iss: options.issuerName,
      sub: subject,
      aud: service,
      exp: now + ttlSeconds - (strictExpiry ? REGISTRY_LEEWAY_SECONDS : 0),
      nbf: now - 1,
      iat: now,
      jti: newTokenId(),
      access,
    })
    remember(token)
    return { token, access, issuedAt, expiresIn: ttlSeconds }
  }

  function handleGet(req: IncomingMessage, res: ServerResponse, url: URL): void {
    count('get')
    const role = authenticate(parseBasic(req.headers.authorization))
    if (role === null) {
      count('unauthorized')
      throw new HttpError(401, unauthorizedBody('HTTP Basic: Access denied'))
    }
    if (role === 'anonymous') count('anonymous')
    const service = url.searchParams.get('service') ?? ''
    const { token, issuedAt, expiresIn } = issue(role, service, url.searchParams.getAll('scope'))
    sendJson(res, 200, { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt.toISOString() })
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req))
    const grantType = form.get('grant_type') ?? ''
    count(`post:${grantType || 'none'}`)
    if (!form.get('client_id')) throw new HttpError(400, { error: 'invalid_request', error_description: 'client_id is required' })
    const service = form.get('service') ?? ''
    let role: LabUserName
    let refreshToken: string | undefined
    if (grantType === 'password') {
      const found = authenticate({ username: form.get('username') ?? '', password: form.get('password') ?? '' })
      if (found === null || found === 'anonymous' || !form.get('username')) {
        count('unauthorized')
        throw new HttpError(401, { error: 'invalid_grant', error_description: 'invalid username or password' })
      }
      role = found
      if (form.get('access_type') === 'offline') {
        refreshToken = newTokenId() + newTokenId()
        refreshTokens.set(refreshToken, role)
        remember(refreshToken)
      }
    } else if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? ''
      const found = refreshTokens.get(presented)
      if (found === undefined) {
        count('unauthorized')
        throw new HttpError(401, { error: 'invalid_grant', error_description: 'unknown refresh token' })
      }
      role = found
      refreshToken = presented
    } else {
      throw new HttpError(400, { error: 'unsupported_grant_type' })
    }
    const { token, access, issuedAt, expiresIn } = issue(role, service, form.getAll('scope'))
    const scope = access.map((entry) => `${entry.type}:${entry.name}:${entry.actions.join(',')}`).join(' ')
    sendJson(res, 200, {
      access_token: token,
      expires_in: expiresIn,
      issued_at: issuedAt.toISOString(),
      scope,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    })
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'GET' && path === '/_lab/stats') return sendJson(res, 200, snapshot())
    if (req.method === 'GET' && path === '/_lab/tokens') return sendJson(res, 200, { tokens: issuedTokens })
    if (req.method === 'POST' && path === '/_lab/stats/reset') {
      counts.clear()
      return sendJson(res, 200, snapshot())
    }
    if (req.method === 'POST' && path === '/_lab/ttl') {
      const input = ttlInput.parse(JSON.parse(await readBody(req)))
      ttlSeconds = input.seconds
      strictExpiry = input.strictExpiry ?? false
      return sendJson(res, 200, { seconds: ttlSeconds, strictExpiry })
    }
    if (req.method === 'POST' && path === '/_lab/reseed' && options.control) {
      const input = reseedInput.parse(JSON.parse(await readBody(req)))
      await options.control.reseed(input.registry, input.repository)
      return sendJson(res, 200, { ok: true })
    }
    throw new HttpError(404, { error: 'not_found' })
  }

  function snapshot(): Record<string, number> {
    const out: Record<string, number> = { get: 0, anonymous: 0, password: 0, refresh_token: 0, unauthorized: 0, total: 0 }
    for (const [key, value] of counts) {
      const name = key.startsWith('post:') ? key.slice(5) : key
      out[name] = (out[name] ?? 0) + value
      if (key === 'get' || key.startsWith('post:')) out.total = (out.total ?? 0) + value
    }
    return out
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const remote = req.socket.remoteAddress ?? ''
    if (remote !== '127.0.0.1' && remote !== '::ffff:127.0.0.1' && remote !== '::1') {
      res.destroy()
      return
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const work = url.pathname.startsWith('/_lab/')
      ? handleControl(req, res, url.pathname)
      : url.pathname !== '/jwt/auth'
        ? Promise.reject(new HttpError(404, { error: 'not_found' }))
        : req.method === 'GET'
          ? Promise.resolve().then(() => handleGet(req, res, url))
          : req.method === 'POST'
            ? handlePost(req, res)
            : Promise.reject(new HttpError(405, { error: 'method_not_allowed' }))
    work.catch((error: unknown) => {
      if (res.headersSent) return res.destroy()
      if (error instanceof HttpError) return sendJson(res, error.status, error.body)
      if (error instanceof z.ZodError || error instanceof SyntaxError) {
        return sendJson(res, 400, { error: 'invalid_request', error_description: error.message })
      }
      sendJson(res, 500, { error: 'server_error', error_description: String(error) })
    })
  }

  const servers: Server[] = []
  const listen = async (server: Server): Promise<number> => {
    servers.push(server)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return (server.address() as AddressInfo).port
  }
  const httpPort = await listen(createHttpServer(handler))
  const httpsPort = options.tls ? await listen(createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler)) : null
  const otherHost = options.otherHostTls
  const otherHostPort = otherHost ? await listen(createHttpsServer({ cert: otherHost.certPem, key: otherHost.keyPem }, handler)) : null

  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpsUrl: httpsPort === null ? null : `https://127.0.0.1:${httpsPort}`,
    // /etc/hosts names 127.0.0.1 localhost: the same listener, reached by another host name.
    otherHostUrl: otherHostPort === null ? null : `https://localhost:${otherHostPort}`,
    stats: snapshot,
    resetStats: () => counts.clear(),
    setTtl(seconds, ttlOptions) {
      const input = ttlInput.parse({ seconds, ...ttlOptions })
      ttlSeconds = input.seconds
      strictExpiry = input.strictExpiry ?? false
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve())
              server.closeAllConnections()
            }),
        ),
      )
    },
  }
}

// Docker's config.json and podman's auth.json (same `auths`/`credHelpers`/`credsStore` shape):
// where they live, how they parse, and how an `auths` entry decodes. Pure except for reading files.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'

const authEntrySchema = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
})

/** Unknown top-level fields (proxies, plugins, detachKeys…) are none of our business: kept loose. */
export const authConfigSchema = z.looseObject({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
  credsStore: z.string().optional(),
})

export type AuthConfig = z.infer<typeof authConfigSchema>
export type AuthEntry = z.infer<typeof authEntrySchema>

export interface LoadedAuthConfig {
  /** A file path, or `the DOCKER_AUTH_CONFIG environment variable`: named in every error. */
  origin: string
  config: AuthConfig
}

export interface DecodedLogin {
  username: string
  secret: string
  /** basic = username + password/token; refresh_token = an identity (OAuth2 refresh) token. */
  kind: 'basic' | 'refresh_token'
  /** For an identity token: the human account name the entry also carries, when it does. */
  account?: string
}

/** Docker's marker username for an identity token (docker/cli credentials: tokenUsername). */
export const identityTokenUsername = '<token>'

function malformed(origin: string, detail: string, cause?: unknown): BerthError {
  return new BerthError(
    { code: 'invalid_input', message: `${origin} is malformed: ${detail}`, fix: `Fix or remove ${origin}; Berth never writes to it.` },
    { cause },
  )
}

/** Parses config JSON text; `origin` names the file (or the env variable) in errors. */
export function parseAuthConfig(text: string, origin: string): AuthConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw malformed(origin, `not valid JSON (${(error as Error).message})`, error)
  }
  const parsed = authConfigSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw malformed(origin, `${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'unexpected content'}`)
  }
  return parsed.data
}

/** Reads and parses a config file; null when it does not exist. */
export function readAuthConfigFile(path: string): LoadedAuthConfig | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new BerthError({ code: 'invalid_input', message: `Could not read ${path}: ${(error as Error).message}` }, { cause: error })
  }
  return { origin: path, config: parseAuthConfig(text, path) }
}

export const dockerAuthConfigOrigin = 'the DOCKER_AUTH_CONFIG environment variable'

/** `DOCKER_AUTH_CONFIG` (docker CLI ≥ 28): same JSON as config.json, wins over the file when set. */
export function readDockerAuthConfigEnv(env: NodeJS.ProcessEnv): LoadedAuthConfig | null {
  const text = env.DOCKER_AUTH_CONFIG
  if (text === undefined || text.trim().length === 0) return null
  return { origin: dockerAuthConfigOrigin, config: parseAuthConfig(text, dockerAuthConfigOrigin) }
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? env.USERPROFILE ?? homedir()
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG
  return join(dir !== undefined && dir.length > 0 ? dir : join(homeOf(env), '.docker'), 'config.json')
}

/**
 * Podman's auth files, most specific first (containers-auth.json(5)): `$REGISTRY_AUTH_FILE`,
 * else `${XDG_RUNTIME_DIR}/containers/auth.json`, then `$XDG_CONFIG_HOME/containers/auth.json`.
 */
export function podmanAuthPaths(env: NodeJS.ProcessEnv): string[] {
  const explicit = env.REGISTRY_AUTH_FILE
  if (explicit !== undefined && explicit.length > 0) return [explicit]
  const paths: string[] = []
  const runtime = env.XDG_RUNTIME_DIR
  if (runtime !== undefined && runtime.length > 0) paths.push(join(runtime, 'containers', 'auth.json'))
  const xdg = env.XDG_CONFIG_HOME
  paths.push(join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(homeOf(env), '.config'), 'containers', 'auth.json'))
  return paths
}

/**
 * Decodes one `auths` entry. `auth` is base64(`user:pass`): split at the FIRST colon (passwords
 * may contain colons), trailing NULs trimmed (some writers pad). `identitytoken` is an OAuth2
 * refresh token. Returns null for a placeholder entry (`{}`, written when a credsStore holds the
 * secret).
 */
export function decodeAuthEntry(entry: AuthEntry, origin: string, key: string): DecodedLogin | null {
  let username = entry.username
  let password = entry.password
  if (entry.auth !== undefined && entry.auth.length > 0) {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(entry.auth.trim())) throw malformed(origin, `auths["${key}"].auth is not base64`)
    const decoded = Buffer.from(entry.auth.trim(), 'base64').toString('utf8').replace(/\0+$/, '')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw malformed(origin, `auths["${key}"].auth does not decode to "username:password"`)
    username = decoded.slice(0, colon)
    password = decoded.slice(colon + 1).replace(/\0+$/, '')
  }
  if (entry.identitytoken !== undefined && entry.identitytoken.length > 0) {
    const login: DecodedLogin = { username: identityTokenUsername, secret: entry.identitytoken, kind: 'refresh_token' }
    if (username !== undefined && username.length > 0 && username !== identityTokenUsername) login.account = username
    return login
  }
  if (password === undefined || password.length === 0) return null
  if (username === undefined || username.length === 0) throw malformed(origin, `auths["${key}"] has a password but no username`)
  return { username, secret: password, kind: 'basic' }
}

/** The username an entry names, without decoding more than needed; null when it has none. */
export function usernameOfEntry(entry: AuthEntry, origin: string, key: string): string | null {
  const decoded = decodeAuthEntry(entry, origin, key)
  if (decoded === null) return null
  return decoded.kind === 'refresh_token' ? (decoded.account ?? null) : decoded.username
}

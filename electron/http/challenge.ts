// RFC 7235 §4.1 WWW-Authenticate parsing. Registries send several challenges in one header or
// across headers, quote values that contain commas (`scope="repository:a:pull,push"`), and some
// add garbage: parse what follows the grammar, skip the rest, never throw.
import { BerthError } from '../../shared/errors'
import { hostnameOf, isLoopbackHost, isPrivateOrLinkLocalHost } from './host-address'
import { sanitizeForMessage } from './sanitize'
import type { Challenge } from './client-types'

/** A header longer than this is not a challenge we want to spend time on. */
export const maxChallengeHeaderLength = 16 * 1024

/** Key under which a token68 credential form (RFC 7235 §2.1) is stored in `params`. */
export const token68Param = 'token68'

// RFC 7230 §3.2.6 tchar
const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
// RFC 7235 §2.1 token68 characters (before the optional trailing '=')
const token68char = /[A-Za-z0-9\-._~+/]/

class Cursor {
  pos = 0
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length
  }
  peek(): string {
    return this.text.charAt(this.pos)
  }
  skipSpaces(): void {
    while (!this.done && (this.peek() === ' ' || this.peek() === '\t')) this.pos++
  }
  skipSpacesAndCommas(): void {
    while (!this.done && /[ \t,\r\n]/.test(this.peek())) this.pos++
  }
  readToken(): string {
    const start = this.pos
    while (!this.done && tchar.test(this.peek())) this.pos++
    return this.text.slice(start, this.pos)
  }
  /** Reads a quoted-string starting at `"`; null when unterminated. */
  readQuoted(): string | null {
    let out = ''
    let position = this.pos + 1
    while (position < this.text.length) {
      const character = this.text.charAt(position)
      if (character === '\\' && position + 1 < this.text.length) {
        out += this.text.charAt(position + 1)
        position += 2
      } else if (character === '"') {
        this.pos = position + 1
        return out
      } else {
        out += character
        position++
      }
    }
    return null
  }
  /** Skips to the next comma outside a quoted string (error recovery). */
  skipToComma(): void {
    let quoted = false
    while (!this.done) {
      const character = this.peek()
      if (quoted && character === '\\') this.pos++
      else if (character === '"') quoted = !quoted
      else if (character === ',' && !quoted) return
      this.pos++
    }
  }
}

/** True when the cursor stands on `token BWS "="` (an auth-param), not on a token68 or a scheme. */
function atAuthParam(cursor: Cursor): boolean {
  let position = cursor.pos
  const text = cursor.text
  while (position < text.length && tchar.test(text.charAt(position))) position++
  if (position === cursor.pos) return false
  while (position < text.length && (text.charAt(position) === ' ' || text.charAt(position) === '\t')) position++
  if (text.charAt(position) !== '=') return false
  // token68 may end in '=' padding: `abc==` or `abc=` followed by end/comma is a token68.
  let afterEquals = position + 1
  while (afterEquals < text.length && (text.charAt(afterEquals) === ' ' || text.charAt(afterEquals) === '\t')) afterEquals++
  return afterEquals < text.length && text.charAt(afterEquals) !== ',' && text.charAt(afterEquals) !== '='
}

/** Reads a token68 when the rest of the challenge is one; else leaves the cursor alone. */
function readToken68(cursor: Cursor): string | null {
  let end = cursor.pos
  const text = cursor.text
  while (end < text.length && token68char.test(text.charAt(end))) end++
  if (end === cursor.pos) return null
  while (end < text.length && text.charAt(end) === '=') end++
  let next = end
  while (next < text.length && (text.charAt(next) === ' ' || text.charAt(next) === '\t')) next++
  if (next < text.length && text.charAt(next) !== ',') return null
  const value = text.slice(cursor.pos, end)
  cursor.pos = next
  return value
}

function parseOne(header: string): Challenge[] {
  const challenges: Challenge[] = []
  const cursor = new Cursor(header)
  while (!cursor.done) {
    cursor.skipSpacesAndCommas()
    if (cursor.done) break
    const scheme = cursor.readToken()
    if (!scheme) {
      // Not a token: skip this element up to the next comma (quote-aware) and try again.
      // The cursor is not on a comma here, so this always advances.
      cursor.skipToComma()
      continue
    }
    // A scheme must be followed by whitespace, a comma or the end.
    if (!cursor.done && !/[ \t,]/.test(cursor.peek())) {
      cursor.skipToComma()
      continue
    }
    const params = new Map<string, string>()
    cursor.skipSpaces()
    const token68 = atAuthParam(cursor) ? null : readToken68(cursor)
    if (token68 !== null) {
      params.set(token68Param, token68)
    } else {
      while (!cursor.done) {
        cursor.skipSpacesAndCommas()
        if (!atAuthParam(cursor)) break
        const name = cursor.readToken().toLowerCase()
        cursor.skipSpaces()
        cursor.pos++ // '='
        cursor.skipSpaces()
        let value: string | null
        if (cursor.peek() === '"') {
          value = cursor.readQuoted()
          if (value === null) {
            // Unterminated quote: nothing after it can be trusted.
            cursor.pos = cursor.text.length
          }
        } else {
          value = cursor.readToken()
        }
        cursor.skipSpaces()
        if (!cursor.done && cursor.peek() !== ',') {
          // Junk after the value (`realm="a"x`): drop this parameter.
          value = null
          cursor.skipToComma()
        }
        // RFC 7235 §2.2: each name appears once; keep the first.
        if (value !== null && name && !params.has(name)) params.set(name, value)
      }
    }
    challenges.push({ scheme: scheme.toLowerCase(), params: Object.fromEntries(params) })
  }
  return challenges
}

/** Every challenge of one or several WWW-Authenticate header values, in order. Never throws. */
export function parseChallenges(header: string | string[] | null | undefined): Challenge[] {
  if (header === null || header === undefined) return []
  const values = Array.isArray(header) ? header : [header]
  const out: Challenge[] = []
  for (const value of values) {
    if (typeof value !== 'string' || value.length > maxChallengeHeaderLength) continue
    // One by one: a header of many tiny challenges must not become a spread of that many arguments.
    for (const challenge of parseOne(value)) out.push(challenge)
  }
  return out
}

/** Bearer when offered (token auth), else Basic (ECR and plain htpasswd registries). */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | null {
  return challenges.find((ch) => ch.scheme === 'bearer') ?? challenges.find((ch) => ch.scheme === 'basic') ?? null
}

/**
 * The token endpoint as an absolute URL. A relative realm resolves against the request URL
 * (RFC 7235 does not forbid it and some registries behind proxies send `/jwt/auth`).
 */
export function resolveRealm(realm: string, requestUrl: string): URL {
  let url: URL
  try {
    url = new URL(realm, requestUrl)
  } catch (error) {
    throw new BerthError(
      {
        code: 'unsafe_realm',
        message: `The registry's token realm "${sanitizeForMessage(realm)}" is not a valid URL.`,
        fix: 'Check the registry address; the registry itself may be misconfigured.',
      },
      { cause: error },
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BerthError({
      code: 'unsafe_realm',
      message: `The registry's token realm uses ${url.protocol} — only http(s) token servers are contacted.`,
      fix: 'The registry is misconfigured or hostile; Berth will not send credentials there.',
    })
  }
  if (url.username || url.password) {
    throw new BerthError({
      code: 'unsafe_realm',
      message: "The registry's token realm embeds credentials in its URL; Berth will not use it.",
      fix: 'Fix the token realm in the registry configuration.',
    })
  }
  return url
}

/**
 * The realm guard of docs/registry-notes.md "Auth": the realm is often another host by design (Docker Hub,
 * GitLab), so instead of pinning it we refuse the dangerous cases: an http realm for an https
 * registry (credentials in clear), and a loopback/private/link-local realm unless it is the
 * registry's own host (a public registry must not make us send credentials into our own network).
 * Both on loopback (a local lab: registry and token server on different ports) is allowed.
 */
export function assertRealmAllowed(realm: URL, registryUrl: string): void {
  const registry = new URL(registryUrl)
  if (registry.protocol === 'https:' && realm.protocol !== 'https:') {
    throw new BerthError({
      code: 'unsafe_realm',
      message: `The registry ${registry.host} asked for credentials to be sent over plain http to ${realm.host}.`,
      fix: 'Fix the token realm in the registry configuration so that it uses https.',
    })
  }
  const realmHost = hostnameOf(realm.host)
  const registryHost = hostnameOf(registry.host)
  if (realmHost === registryHost) return
  if (isLoopbackHost(realmHost) && isLoopbackHost(registryHost)) return
  if (isPrivateOrLinkLocalHost(realmHost)) {
    throw new BerthError({
      code: 'unsafe_realm',
      message:
        `The registry ${registry.host} points its token realm at ${realm.host}, a loopback, private or link-local address; ` +
        'Berth will not send credentials there.',
      fix: 'If this is intended, address the registry by that same host, or fix the token realm in the registry configuration.',
    })
  }
}

// RFC 8288 Link headers for catalog/tag pagination. Distribution sends a relative URL, GitLab an
// absolute one plus rel="previous"; a short page with a Link is not the end, and a Link to another
// host is refused (docs/registry-notes.md "Listing").
import { BerthError } from '../../shared/errors'
import { sanitizeForMessage } from './sanitize'

export interface LinkValue {
  url: string
  rel: string[]
}

const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/
export const maxLinkHeaderLength = 64 * 1024

/** Every link-value of a Link header; malformed elements are skipped. Never throws. */
export function parseLinkHeader(header: string | null | undefined): LinkValue[] {
  if (typeof header !== 'string' || header.length > maxLinkHeaderLength) return []
  const links: LinkValue[] = []
  const text = header
  let pos = 0
  const skipWs = (): void => {
    while (pos < text.length && /[ \t\r\n]/.test(text.charAt(pos))) pos++
  }
  // Recovery: jump past the next comma outside quotes and angle brackets.
  const skipElement = (): void => {
    let quoted = false
    while (pos < text.length) {
      const character = text.charAt(pos)
      if (quoted && character === '\\') pos++
      else if (character === '"') quoted = !quoted
      else if (character === ',' && !quoted) return
      pos++
    }
  }
  while (pos < text.length) {
    skipWs()
    if (text.charAt(pos) === ',') {
      pos++
      continue
    }
    if (pos >= text.length) break
    if (text.charAt(pos) !== '<') {
      skipElement()
      continue
    }
    const end = text.indexOf('>', pos + 1)
    if (end < 0) break
    const url = text.slice(pos + 1, end).trim()
    pos = end + 1
    let rel: string[] | null = null
    let valid = true
    for (;;) {
      skipWs()
      if (pos >= text.length || text.charAt(pos) === ',') break
      if (text.charAt(pos) !== ';') {
        valid = false
        skipElement()
        break
      }
      pos++
      skipWs()
      const nameStart = pos
      while (pos < text.length && tchar.test(text.charAt(pos))) pos++
      const name = text.slice(nameStart, pos).toLowerCase()
      skipWs()
      let value = ''
      if (text.charAt(pos) === '=') {
        pos++
        skipWs()
        if (text.charAt(pos) === '"') {
          pos++
          let closed = false
          while (pos < text.length) {
            const character = text.charAt(pos)
            if (character === '\\' && pos + 1 < text.length) {
              value += text.charAt(pos + 1)
              pos += 2
            } else if (character === '"') {
              pos++
              closed = true
              break
            } else {
              value += character
              pos++
            }
          }
          if (!closed) valid = false
        } else {
          const start = pos
          while (pos < text.length && tchar.test(text.charAt(pos))) pos++
          value = text.slice(start, pos)
        }
      }
      // RFC 8288 §3.3: occurrences of rel after the first are ignored.
      if (name === 'rel' && rel === null) {
        rel = value
          .toLowerCase()
          .split(/[ \t]+/)
          .filter((r) => r.length > 0)
      }
    }
    if (valid && url) links.push({ url, rel: rel ?? [] })
  }
  return links
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** The inverse of parseLinkHeader (used by tests and the fake registry). */
export function formatLinkHeader(links: readonly LinkValue[]): string {
  return links.map((l) => `<${l.url}>${l.rel.length > 0 ? `; rel=${quote(l.rel.join(' '))}` : ''}`).join(', ')
}

/**
 * The absolute URL of the next page, or null when there is none. Relative links resolve against
 * the request URL; any link leaving the request's origin is refused, since the transport would
 * send the registry's credentials along.
 */
export function nextPageUrl(header: string | null | undefined, requestUrl: string): string | null {
  const next = parseLinkHeader(header).find((l) => l.rel.includes('next'))
  if (!next) return null
  let base: URL
  let resolved: URL
  try {
    base = new URL(requestUrl)
  } catch (error) {
    throw new BerthError(
      { code: 'internal', message: `nextPageUrl needs an absolute request URL, got "${sanitizeForMessage(requestUrl, 200)}".` },
      { cause: error },
    )
  }
  try {
    resolved = new URL(next.url, base)
  } catch (error) {
    throw new BerthError(
      { code: 'invalid_response', message: `The registry sent a malformed pagination Link header (${sanitizeForMessage(next.url)}).` },
      { cause: error },
    )
  }
  if (resolved.origin !== base.origin) {
    throw new BerthError({
      code: 'invalid_response',
      message:
        `The registry tried to send us to another host for the next page ` +
        `(${sanitizeForMessage(resolved.origin)} instead of ${base.origin}); Berth stopped listing there.`,
      fix: "Check the registry's proxy configuration (X-Forwarded-Host / external URL settings).",
    })
  }
  return resolved.href
}

// Text that came from a registry ends up in error messages shown in the UI, the CLI and logs:
// strip control characters (terminal escapes), scrub anything that looks like a credential, cap it.

const credentialPatterns: RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi,
  // JWTs (registry tokens) are three base64url segments starting with eyJ ('{"').
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // `token=…`, `"password": "…"`; a `Bearer …` value was already handled above.
  /\b((?:access_|refresh_)?token|password|secret|authorization)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)[^\s"',&}]+/gi,
]

export function scrubCredentials(text: string): string {
  let out = text
  for (const pattern of credentialPatterns) {
    out = out.replace(pattern, (match: string, ...groups: unknown[]) => {
      const first = groups[0]
      const second = groups[1]
      if (typeof first === 'string' && typeof second === 'string') return `${first}${second}[redacted]`
      if (typeof first === 'string') return `${first} [redacted]`
      return match.length > 0 ? '[redacted]' : match
    })
  }
  return out
}

/** Control characters removed, credentials scrubbed, at most `max` characters. */
export function sanitizeForMessage(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = scrubCredentials(text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/[\t\n\r]+/g, ' ')).trim()
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

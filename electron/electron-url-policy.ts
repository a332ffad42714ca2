// Which URLs the app trusts, opens in the browser, or turns into an in-app view. Pure functions
// (no electron import) so each rule is unit-tested; main.ts wires them to Electron's events.

/** The custom scheme registered with the OS (`berth://…` links open the app). */
export const deepLinkScheme = 'berth'

const maxDeepLinkLength = 2048

/**
 * Whether an IPC message comes from the app's own page (GitHub Desktop `trusted-ipc-sender.ts`):
 * `appUrl` is what the window loads — the built `file://…/index.html` (the only file page the app
 * has, so the path must match exactly) or the dev server (same origin). Anything else — another
 * file, about:blank, data:, a page a bug let the window navigate to — is refused.
 */
export function isTrustedSender(senderUrl: string | null | undefined, appUrl: string): boolean {
  if (senderUrl === null || senderUrl === undefined || senderUrl === '') return false
  const sender = parse(senderUrl)
  const app = parse(appUrl)
  if (sender === null || app === null) return false
  if (app.protocol === 'file:') {
    return sender.protocol === 'file:' && sender.host === '' && sender.host === app.host && sender.pathname === app.pathname
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return sender.origin === app.origin
  }
  return false
}

/**
 * The link a click may hand to the OS browser: http(s) only, no embedded credentials. Other
 * schemes (file:, smb:, custom handlers) can launch programs through `shell.openExternal`.
 */
export function externalUrlToOpen(url: string): string | null {
  const parsed = parse(url)
  if (parsed === null) return null
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
  if (parsed.username !== '' || parsed.password !== '') return null
  return parsed.href
}

/**
 * `berth://r/<registryId>/<repository>?tag=1` → `#/r/<registryId>/<repository>?tag=1`: the renderer
 * keeps its view in the location hash (renderer/src/model/view-hash.ts), so a deep link is just
 * that hash; the renderer parses and validates it like any hash it is given. Only URL-safe
 * characters pass (RFC 3986 pchar, `/`, `?`); a fragment is dropped.
 */
export function deepLinkToHash(url: string): string | null {
  if (url.length > maxDeepLinkLength) return null
  const prefix = `${deepLinkScheme}:`
  if (url.slice(0, prefix.length).toLowerCase() !== prefix) return null
  const rest = url.slice(prefix.length).replace(/^\/+/, '').split('#')[0] ?? ''
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/.test(rest)) return null
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return null
  return `#/${rest}`
}

/** The deep link among a launch's arguments (Windows and Linux pass it on the command line). */
export function findDeepLink(argv: readonly string[]): string | undefined {
  const prefix = `${deepLinkScheme}:`
  return argv.find((arg) => arg.slice(0, prefix.length).toLowerCase() === prefix)
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

// Which URLs the app trusts or opens in the browser. Pure functions (no electron import) so each
// rule is unit-tested; main.ts wires them to Electron's events. berth:// links: deep-links.ts.

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

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

// berth:// links reaching the shell. macOS delivers them as `open-url` (possibly before the window
// exists); Windows and Linux start a second instance with the link in its argv, which the
// single-instance lock forwards as `second-instance`; a first launch may carry one in its own argv.
// Each becomes the location hash of the parsed and rebuilt view (shared/view-link.ts), never the
// link's own text, and reaches the window once its page can take it. No electron import: main.ts
// adapts its BrowserWindow to DeepLinkWindow, and the forwarding is unit-tested without Electron.
import { berthLinkToHash, findBerthLink } from '../shared/view-link'

export interface DeepLinkWindow {
  isLoading(): boolean
  /** Calls `listener` once, when the page has finished loading. */
  onceLoaded(listener: () => void): void
  /** Shows the view of a location hash (the renderer's `navigate` event). */
  navigate(hash: string): void
  /** Brings the window to the front, restoring it when minimised. */
  reveal(): void
}

export interface DeepLinkForwarder {
  /** The hash the first window opens at: a link that came before it, else one among the launch arguments. */
  takeInitialHash(argv: readonly string[]): string | null
  /** The window links go to from now on; null once it is closed. */
  attach(window: DeepLinkWindow | null): void
  /** macOS `open-url`. */
  openUrl(url: string): void
  /** `second-instance`: the second launch's arguments. The window comes forward, with or without a link. */
  secondInstance(argv: readonly string[]): void
}

export interface DeepLinkOptions {
  /** A link that was refused, and why (the reason never repeats the link's raw text). */
  onRefused?: (reason: string) => void
}

export function createDeepLinkForwarder(options: DeepLinkOptions = {}): DeepLinkForwarder {
  let window: DeepLinkWindow | null = null
  /** A link that arrived before the window could show it; a newer one replaces it. */
  let pending: string | null = null

  const hashOf = (url: string | undefined): string | null => {
    if (url === undefined) return null
    const result = berthLinkToHash(url)
    if (result.ok) return result.hash
    options.onRefused?.(result.reason)
    return null
  }

  const flush = (): void => {
    if (pending === null || window === null) return
    const hash = pending
    pending = null
    window.navigate(hash)
  }

  const navigate = (hash: string): void => {
    if (window === null || window.isLoading()) {
      pending = hash
      window?.onceLoaded(flush)
      return
    }
    window.navigate(hash)
  }

  return {
    takeInitialHash(argv) {
      const hash = pending ?? hashOf(findBerthLink(argv))
      pending = null
      return hash
    },
    attach(next) {
      window = next
    },
    openUrl(url) {
      const hash = hashOf(url)
      if (hash !== null) navigate(hash)
    },
    secondInstance(argv) {
      const hash = hashOf(findBerthLink(argv))
      if (hash !== null) navigate(hash)
      window?.reveal()
    },
  }
}

// The Content-Security-Policy of Berth's pages, one policy for the Electron window (electron/main.ts),
// the web mode (electron/doors/web/web-server.ts) and the built index.html (electron.vite.config.ts).
export interface CspOptions {
  /** The Vite dev server (`ELECTRON_RENDERER_URL`): its HMR socket and React refresh preamble. */
  devServerOrigin?: string
  /** `<meta>` CSPs ignore frame-ancestors (and warn about it): leave it out there. */
  forMeta?: boolean
}

/**
 * The app's pages talk to nothing but their own origin: every registry request goes through main.
 * style-src allows 'unsafe-inline' because Radix's scroll lock (react-remove-scroll) injects a
 * <style> element; scripts, the real risk, stay 'self' only.
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin
  const devSocket = dev === undefined ? undefined : dev.replace(/^http/, 'ws')
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    // The React refresh preamble is an inline script: dev server only, never in a build.
    ['script-src', "'self'", ...(dev === undefined ? [] : ["'unsafe-inline'", dev])],
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...(dev === undefined || devSocket === undefined ? [] : [dev, devSocket])],
    ['manifest-src', "'self'"],
    ['worker-src', "'none'"],
    ['object-src', "'none'"],
    ['media-src', "'none'"],
    ['frame-src', "'none'"],
    ['child-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ...(options.forMeta === true ? [] : [['frame-ancestors', "'none'"] as [string, ...string[]]]),
  ]
  return directives.map((parts) => parts.join(' ')).join('; ')
}

// The security-relevant settings of the app window and its Content Security Policy, kept free of
// Electron so a unit test can assert every one of them (Electron security checklist:
// contextIsolation, sandbox, no nodeIntegration, webSecurity, no <webview>, a strict CSP).
// main.ts passes the result straight to `new BrowserWindow`, which type-checks the shape.

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
}

export interface MainWindowOptions extends WindowBounds {
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  webPreferences: {
    preload: string
    contextIsolation: true
    sandbox: true
    nodeIntegration: false
    nodeIntegrationInWorker: false
    nodeIntegrationInSubFrames: false
    webSecurity: true
    allowRunningInsecureContent: false
    webviewTag: false
    experimentalFeatures: false
    navigateOnDragDrop: false
    spellcheck: false
  }
}

export const defaultWindowSize = { width: 1280, height: 820 } as const
export const minimumWindowSize = { width: 720, height: 480 } as const

export function mainWindowOptions(preloadPath: string, bounds?: WindowBounds): MainWindowOptions {
  return {
    ...(bounds ?? defaultWindowSize),
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    title: 'Berth',
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file on the window would otherwise navigate to it.
      navigateOnDragDrop: false,
      // The Chromium spellchecker downloads dictionaries from a remote host.
      spellcheck: false,
    },
  }
}

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

// The security-relevant settings of the app window, kept free of Electron (the CSP is
// shared/content-security-policy.ts) so a unit test can assert every one of them (Electron security checklist:
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

// The Electron shell: app lifecycle, the one window and its security settings, deep links and the
// IPC door into the app core. Thin on purpose: every decision that can be made without Electron
// lives in a pure module beside it (window-options, electron-url-policy, electron-window-state,
// deep-links, api-dispatch) and is unit-tested there.
import { app, BrowserWindow, ipcMain, screen, session, shell, type WebContents } from 'electron'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { apiMethods, channelFor, type ApiEvents } from '../shared/ipc'
import { eventChannel } from '../shared/api-methods'
import { createDispatcher } from './doors/api-dispatch'
import { createEngine, type Engine } from './session/engine'
import { boundsToRestore, loadWindowState, saveWindowState } from './electron-window-state'
import { externalUrlToOpen, isTrustedSender } from './electron-url-policy'
import { createDeepLinkForwarder } from './deep-links'
import { linkScheme } from '../shared/view-link'
import { contentSecurityPolicy } from '../shared/content-security-policy'
import { mainWindowOptions } from './window-options'
import { electronClipboard } from './electron-clipboard'

const here = dirname(fileURLToPath(import.meta.url))
// electron-vite sets ELECTRON_RENDERER_URL for `npm run dev`; a packaged app never uses it.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const appUrl = devServerUrl ?? pathToFileURL(join(here, '..', 'renderer', 'index.html')).href
const csp = contentSecurityPolicy(devServerUrl === undefined ? {} : { devServerOrigin: new URL(devServerUrl).origin })

let mainWindow: BrowserWindow | null = null
let core: Engine | null = null
const deepLinks = createDeepLinkForwarder({ onRefused: (reason) => console.warn(`Berth: ignored a berth:// link: ${reason}`) })

// Renderers are sandboxed even if some future window forgets to ask for it.
app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerDeepLinks()
  app.on('web-contents-created', (_event, contents) => lockDown(contents))
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', (event) => {
    if (core === null) return
    // Let the core flush its stores and close connections before the process goes.
    event.preventDefault()
    const closing = core
    core = null
    void closing
      .close()
      .catch((error: unknown) => console.error('Berth: closing the core failed:', error))
      .finally(() => app.quit())
  })
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('Berth failed to start:', error)
      app.exit(1)
    })
}

async function start(): Promise<void> {
  denyPermissions()
  applyContentSecurityPolicy()
  // Only the desktop app hands the engine a clipboard: CI credentials with real values go there from main.
  core = createEngine({ dataDirectory: app.getPath('userData'), clipboard: electronClipboard })
  registerIpc(core)
  await openWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow()
  })
}

function registerIpc(appCore: Engine): void {
  const dispatch = createDispatcher(appCore.api, {
    onError: (method, error) => console.error(`Berth: ${method} failed unexpectedly:`, error),
  })
  for (const method of apiMethods) {
    ipcMain.handle(channelFor(method), async (event, request: unknown) => {
      // Only the app's own top-level page may call in (GitHub Desktop trusted-ipc-sender.ts).
      const frame = event.senderFrame
      if (frame === null || frame !== event.sender.mainFrame || !isTrustedSender(frame.url, appUrl)) {
        return { ok: false, error: { code: 'forbidden', message: 'IPC call from an untrusted page refused.' } }
      }
      return dispatch(method, request)
    })
  }
  // The engine's pushes (details rows as they load) go to the app's window, wherever it is.
  appCore.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) sendEvent(mainWindow.webContents, event, payload)
  })
}

async function openWindow(): Promise<void> {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const saved = await loadWindowState(stateFile)
  const workAreas = screen.getAllDisplays().map((display) => display.workArea)
  // Electronegativity cannot see through mainWindowOptions(): it sets contextIsolation and sandbox
  // (asserted by test/unit/main-window-options.test.ts), and lockDown() denies every new window, so
  // a middle-click (auxclick) opens nothing (scripts/electronegativity.sh).
  const window = new BrowserWindow(mainWindowOptions(join(here, '..', 'preload', 'preload.cjs'), boundsToRestore(saved, workAreas))) // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  mainWindow = window
  if (saved?.maximized === true) window.maximize()
  window.once('ready-to-show', () => window.show())
  window.on('close', () => {
    const bounds = window.getNormalBounds()
    saveWindowState(stateFile, { ...bounds, maximized: window.isMaximized() }).catch((error: unknown) =>
      console.error('Berth: could not save the window state:', error),
    )
  })
  window.on('closed', () => {
    if (mainWindow !== window) return
    mainWindow = null
    deepLinks.attach(null)
  })
  deepLinks.attach({
    isLoading: () => window.webContents.isLoading(),
    onceLoaded: (listener) => window.webContents.once('did-finish-load', listener),
    navigate: (hash) => sendEvent(window.webContents, 'navigate', { hash }),
    reveal: () => {
      if (window.isMinimized()) window.restore()
      window.focus()
    },
  })
  const hash = deepLinks.takeInitialHash(process.argv)
  if (devServerUrl !== undefined) {
    await window.loadURL(hash === null ? devServerUrl : `${devServerUrl}${hash}`)
  } else {
    await window.loadFile(join(here, '..', 'renderer', 'index.html'), hash === null ? {} : { hash: hash.slice(1) })
  }
}

function lockDown(contents: WebContents): void {
  // The app is one page: any navigation is a bug or an attack (a link without a handler, a drop).
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url)
    if (external !== null) {
      // Only http(s) URLs without credentials reach here (externalUrlToOpen, tested in main-window-options-url-policy.test.ts).
      shell.openExternal(external).catch((error: unknown) => console.error('Berth: could not open a link:', error)) // eng-disable OPEN_EXTERNAL_JS_CHECK
    }
    return { action: 'deny' }
  })
}

function denyPermissions(): void {
  // Berth needs no camera, notifications, clipboard-read, geolocation…: refuse them all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

function applyContentSecurityPolicy(): void {
  // The header covers the dev server's pages; the build also carries the same policy in a <meta>
  // (electron.vite.config.ts), because file:// responses may not pass through webRequest.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const own = isTrustedSender(details.url, appUrl)
    callback({
      responseHeaders: own
        ? { ...details.responseHeaders, 'Content-Security-Policy': [csp], 'X-Content-Type-Options': ['nosniff'] }
        : details.responseHeaders,
    })
  })
}

function registerDeepLinks(): void {
  if (process.defaultApp && process.argv[1] !== undefined) {
    // `electron .` in development: the OS must start Electron with the app's path.
    // berth:// links only ever become a location hash rebuilt from their parsed parts (deep-links.ts,
    // shared/view-link.ts, both unit-tested).
    app.setAsDefaultProtocolClient(linkScheme, process.execPath, [resolve(process.argv[1])]) // eng-disable PROTOCOL_HANDLER_JS_CHECK
  } else {
    app.setAsDefaultProtocolClient(linkScheme) // eng-disable PROTOCOL_HANDLER_JS_CHECK
  }
  // macOS delivers links as an event (possibly before 'ready'); Windows and Linux start a second
  // instance with the link in argv, which the single-instance lock forwards here.
  app.on('open-url', (event, url) => {
    event.preventDefault()
    deepLinks.openUrl(url)
  })
  app.on('second-instance', (_event, argv) => deepLinks.secondInstance(argv))
}

function sendEvent<K extends keyof ApiEvents>(contents: WebContents, event: K, payload: ApiEvents[K]): void {
  contents.send(eventChannel(event), payload)
}

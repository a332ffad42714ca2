import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from '../../../shared/content-security-policy'
import { mainWindowOptions } from '../../../electron/window-options'

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/)
      return [name, values]
    }),
  )
}

describe('mainWindowOptions', () => {
  const options = mainWindowOptions('/app/out/preload/preload.cjs')

  it('isolates and sandboxes the renderer with Node kept out of it', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    })
  })

  it('keeps web security on, insecure content off, and <webview> disabled', () => {
    expect(options.webPreferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    })
  })

  it('loads the given preload script', () => {
    expect(options.webPreferences.preload).toBe('/app/out/preload/preload.cjs')
  })

  it('stays hidden until the page is ready to show', () => {
    expect(options.show).toBe(false)
  })

  it('opens at the default size without saved bounds and at the saved ones with them', () => {
    expect(options).toMatchObject({ width: 1280, height: 820 })
    expect(options.x).toBeUndefined()
    expect(mainWindowOptions('/p', { x: 10, y: 20, width: 900, height: 600 })).toMatchObject({ x: 10, y: 20, width: 900, height: 600 })
  })
})

describe('contentSecurityPolicy', () => {
  const csp = directives(contentSecurityPolicy())

  it('denies everything by default', () => {
    expect(csp.get('default-src')).toEqual(["'none'"])
  })

  it('runs only the app’s own scripts: no inline, no eval, no remote', () => {
    expect(csp.get('script-src')).toEqual(["'self'"])
  })

  it('lets the page talk only to its own origin (registry traffic goes through main)', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"])
  })

  it('forbids plugins, frames, framing, base rewriting and form posts', () => {
    for (const name of ['object-src', 'frame-src', 'child-src', 'worker-src', 'frame-ancestors', 'base-uri', 'form-action']) {
      expect(csp.get(name), name).toEqual(["'none'"])
    }
  })

  it('allows images only from the app and data: URLs', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:'])
  })

  it('mentions no remote host at all', () => {
    expect(contentSecurityPolicy()).not.toMatch(/https?:|\*/)
  })

  it('leaves frame-ancestors out of a <meta> policy, where browsers ignore it', () => {
    const meta = directives(contentSecurityPolicy({ forMeta: true }))
    expect(meta.has('frame-ancestors')).toBe(false)
    expect(meta.get('script-src')).toEqual(["'self'"])
  })

  it('opens up only for the dev server, and only to it', () => {
    const dev = directives(contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }))
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'", 'http://localhost:5173'])
    expect(dev.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173'])
    expect(dev.get('default-src')).toEqual(["'none'"])
  })
})

// The shell's berth:// forwarding without Electron: a fake window records what the renderer would
// have been sent, and when it would have come to the front.
import { describe, expect, it } from 'vitest'
import { createDeepLinkForwarder, type DeepLinkWindow } from '../../../electron/deep-links'

interface FakeWindow extends DeepLinkWindow {
  sent: string[]
  reveals: number
  loading: boolean
  finishLoading(): void
}

function fakeWindow(loading = false): FakeWindow {
  const listeners: (() => void)[] = []
  const window: FakeWindow = {
    sent: [],
    reveals: 0,
    loading,
    isLoading: () => window.loading,
    onceLoaded: (listener) => listeners.push(listener),
    navigate: (hash) => window.sent.push(hash),
    reveal: () => (window.reveals += 1),
    finishLoading() {
      window.loading = false
      for (const listener of listeners.splice(0)) listener()
    },
  }
  return window
}

const argv = (...extra: string[]) => ['/opt/Berth/berth', '--no-sandbox', ...extra]

describe('berth:// forwarding', () => {
  it('turns a second launch with a link into a navigate to the rebuilt hash, and brings the window forward', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow()
    links.attach(window)
    links.secondInstance(argv('berth://Registry.Example.com:443/team/app?tag=1.2&sort=date'))
    expect(window.sent).toEqual(['#/registry.example.com/team/app?tag=1.2&sort=date'])
    expect(window.reveals).toBe(1)
  })

  it('brings the window forward for a second launch without a link, and navigates nowhere', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow()
    links.attach(window)
    links.secondInstance(argv('.'))
    expect(window.sent).toEqual([])
    expect(window.reveals).toBe(1)
  })

  it('refuses a hostile link, says why, and still brings the window forward', () => {
    const refused: string[] = []
    const links = createDeepLinkForwarder({ onRefused: (reason) => refused.push(reason) })
    const window = fakeWindow()
    links.attach(window)
    links.secondInstance(argv('berth://registry.example.com/../../v2/_catalog'))
    links.openUrl('berth://registry.example.com/app?tag=%1B%5D0%3Bpwned%07')
    links.openUrl(`berth://registry.example.com/${'a'.repeat(5000)}`)
    expect(window.sent).toEqual([])
    expect(window.reveals).toBe(1)
    expect(refused).toHaveLength(3)
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(refused.join('\n')).not.toMatch(/[\u0000-\u0008\u001b]/)
  })

  it('holds a link that arrives while the page loads, and sends it once loaded', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow(true)
    links.attach(window)
    links.secondInstance(argv('berth://registry.example.com/app'))
    expect(window.sent).toEqual([])
    window.finishLoading()
    expect(window.sent).toEqual(['#/registry.example.com/app'])
  })

  it('keeps only the newest of several links that arrive while the page loads', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow(true)
    links.attach(window)
    links.openUrl('berth://registry.example.com/first')
    links.openUrl('berth://registry.example.com/second')
    window.finishLoading()
    expect(window.sent).toEqual(['#/registry.example.com/second'])
  })

  it('opens the first window at a link that came before it (macOS open-url before ready)', () => {
    const links = createDeepLinkForwarder()
    links.openUrl('berth://registry.example.com/early?tag=1')
    expect(links.takeInitialHash(argv())).toBe('#/registry.example.com/early?tag=1')
    // Taken once: a window opened later starts plain.
    expect(links.takeInitialHash(argv())).toBeNull()
  })

  it('opens the first window at the link among its own launch arguments (Windows, Linux)', () => {
    const links = createDeepLinkForwarder()
    expect(links.takeInitialHash(argv('berth://registry.example.com:5050/group/app?digest=sha256:' + '0'.repeat(64)))).toBe(
      `#/registry.example.com:5050/group/app?digest=sha256%3A${'0'.repeat(64)}`,
    )
    expect(links.takeInitialHash(argv('berth://registry/app'))).toBeNull()
  })

  it('still forwards the old links that named a local profile id', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow()
    links.attach(window)
    links.openUrl('berth://r/r1/team/app?tag=1.2')
    expect(window.sent).toEqual(['#/r/r1/team/app?tag=1.2'])
  })

  it('holds a link that arrives after the window closed for the next window', () => {
    const links = createDeepLinkForwarder()
    const window = fakeWindow()
    links.attach(window)
    links.attach(null)
    links.secondInstance(argv('berth://registry.example.com/app'))
    expect(window.sent).toEqual([])
    expect(links.takeInitialHash(argv())).toBe('#/registry.example.com/app')
  })
})

import { describe, expect, it } from 'vitest'
import { externalUrlToOpen, isTrustedSender } from '../../../electron/electron-url-policy'

describe('isTrustedSender', () => {
  const fileApp = 'file:///opt/Berth/resources/app.asar/out/renderer/index.html'
  const devApp = 'http://localhost:5173'

  it.each([
    ['the built page', fileApp, fileApp, true],
    ['the built page with a hash', `${fileApp}#/registry/r1`, fileApp, true],
    ['another local file', 'file:///home/user/Downloads/evil.html', fileApp, false],
    ['a file beside the page', 'file:///opt/Berth/resources/app.asar/out/renderer/other.html', fileApp, false],
    ['a remote page when the app is a file', 'https://example.com/index.html', fileApp, false],
    ['the dev server', 'http://localhost:5173/#/x', devApp, true],
    ['another port of the same host', 'http://localhost:5174/', devApp, false],
    ['another scheme of the same host', 'https://localhost:5173/', devApp, false],
    ['about:blank', 'about:blank', fileApp, false],
    ['a data: URL', 'data:text/html,<script>1</script>', devApp, false],
    ['devtools', 'devtools://devtools/bundled/inspector.html', fileApp, false],
    ['an empty URL', '', fileApp, false],
    ['garbage', 'not a url', fileApp, false],
  ])('trusts %s: %s', (_name, sender, app, trusted) => {
    expect(isTrustedSender(sender, app)).toBe(trusted)
  })

  it('trusts no sender without a frame URL', () => {
    expect(isTrustedSender(null, devApp)).toBe(false)
    expect(isTrustedSender(undefined, devApp)).toBe(false)
  })
})

describe('externalUrlToOpen', () => {
  it.each([
    ['https://docs.gitlab.com/ee/user/packages/container_registry/', 'https://docs.gitlab.com/ee/user/packages/container_registry/'],
    ['http://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/'],
    ['file:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['smb://server/share', null],
    ['ms-msdt:/id PCWDiagnostic', null],
    ['https://user:pass@example.com/', null],
    ['not a url', null],
  ])('opens %s as %s', (url, expected) => {
    expect(externalUrlToOpen(url)).toBe(expected)
  })
})

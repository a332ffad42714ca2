import { describe, expect, it } from 'vitest'
import { shareLinks, webBaseOf } from '../../../renderer/src/model/share-links'

describe('share links', () => {
  it('offers a berth:// link by address in the app', () => {
    expect(shareLinks('https://registry.example.com:5050', { repository: 'group/app', tag: '1.2', sort: 'date' }, null)).toEqual([
      { id: 'berth', label: 'Berth link', url: 'berth://registry.example.com:5050/group/app?tag=1.2&sort=date' },
    ])
  })

  it('adds the page link in web mode, with the same view in its hash', () => {
    const links = shareLinks('http://127.0.0.1:41029', { repository: 'acme/web', q: 'rc' }, 'http://127.0.0.1:8123/')
    expect(links.map((l) => l.url)).toEqual([
      'berth://127.0.0.1:41029/acme/web?q=rc',
      'http://127.0.0.1:8123/#/127.0.0.1:41029/acme/web?q=rc',
    ])
  })

  it('links a digest without a tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    expect(shareLinks('https://registry-1.docker.io', { repository: 'library/nginx', digest }, null)[0]?.url).toBe(
      `berth://docker.io/library/nginx?digest=sha256%3A${'a'.repeat(64)}`,
    )
  })

  it('offers nothing for a registry without an address', () => {
    expect(shareLinks(undefined, { repository: 'app' }, null)).toEqual([])
    expect(shareLinks('not a url', { repository: 'app' }, null)).toEqual([])
  })

  it('knows web mode by an http page outside the app', () => {
    expect(webBaseOf({ protocol: 'http:', origin: 'http://127.0.0.1:8123', pathname: '/' }, false)).toBe('http://127.0.0.1:8123/')
    expect(webBaseOf({ protocol: 'file:', origin: 'null', pathname: '/opt/Berth/index.html' }, true)).toBeNull()
    // The app's dev server is http too, but its page is the app's.
    expect(webBaseOf({ protocol: 'http:', origin: 'http://localhost:5173', pathname: '/' }, true)).toBeNull()
  })
})

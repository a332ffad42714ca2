import { describe, expect, it } from 'vitest'
import { defaultView, formatViewHash, parseViewHash, type ViewState } from '../../../renderer/src/model/view-hash'

const registries = [
  { id: 'acme', url: 'https://registry.example.com:5050' },
  { id: '127-0-0-1-35221', url: 'http://127.0.0.1:35221' },
]

const full: ViewState = {
  registryId: 'acme',
  address: 'registry.example.com:5050',
  repository: 'group/sub/app',
  tag: '1.4.2',
  digest: null,
  sort: 'date',
  dir: 'asc',
  q: '^v1\\.',
  mode: 'regex',
  platform: 'linux/arm64',
}

describe('view hash', () => {
  it('names the registry by its address and round-trips a full view', () => {
    const hash = formatViewHash(full)
    expect(hash).toBe('#/registry.example.com:5050/group/sub/app?tag=1.4.2&sort=date&dir=asc&q=%5Ev1%5C.&mode=regex&platform=linux%2Farm64')
    expect(parseViewHash(hash, registries)).toEqual(full)
  })

  it('leaves defaults out so a plain link stays short', () => {
    expect(formatViewHash({ ...defaultView, registryId: 'acme', address: 'registry.example.com:5050', repository: 'app' })).toBe(
      '#/registry.example.com:5050/app',
    )
    expect(formatViewHash(defaultView)).toBe('#/')
  })

  it('resolves an address link to the saved profile with that address', () => {
    expect(parseViewHash('#/REGISTRY.example.com:5050/app', registries)).toMatchObject({
      registryId: 'acme',
      address: 'registry.example.com:5050',
    })
  })

  it('keeps an address no profile has, with no registry id, so the app can offer to add it', () => {
    expect(parseViewHash('#/other.example.com/team/app?tag=1', registries)).toMatchObject({
      registryId: null,
      address: 'other.example.com',
      repository: 'team/app',
      tag: '1',
    })
  })

  it('still opens an old id link, and learns its address from the profile', () => {
    const view = parseViewHash('#/r/127-0-0-1-35221/acme/web?tag=latest', registries)
    expect(view).toMatchObject({ registryId: '127-0-0-1-35221', address: '127.0.0.1:35221', repository: 'acme/web', tag: 'latest' })
    expect(formatViewHash(view)).toBe('#/127.0.0.1:35221/acme/web?tag=latest')
  })

  it('writes an old id link back by id until its profile is known', () => {
    const view = parseViewHash('#/r/gone/app', registries)
    expect(view).toMatchObject({ registryId: 'gone', address: null })
    expect(formatViewHash(view)).toBe('#/r/gone/app')
  })

  it('keeps the profile already shown when another with the same address would be picked', () => {
    const twins = [
      { id: 'a', url: 'https://registry.example.com' },
      { id: 'b', url: 'https://registry.example.com' },
    ]
    expect(parseViewHash('#/registry.example.com/app', twins).registryId).toBe('a')
    const current = { ...defaultView, registryId: 'b', address: 'registry.example.com' }
    expect(parseViewHash('#/registry.example.com/app', twins, current).registryId).toBe('b')
  })

  it('carries a digest link', () => {
    const digest = `sha256:${'0'.repeat(64)}`
    const view = parseViewHash(`#/registry.example.com:5050/app?digest=${digest}`, registries)
    expect(view).toMatchObject({ registryId: 'acme', repository: 'app', tag: null, digest })
    expect(parseViewHash(formatViewHash(view), registries)).toEqual(view)
  })

  it('parses an empty, foreign or malformed hash to the default view', () => {
    expect(parseViewHash('', registries)).toEqual(defaultView)
    expect(parseViewHash('#/settings', registries)).toEqual(defaultView)
    expect(parseViewHash('#/r/%E0%A4%A/app', registries)).toEqual(defaultView)
  })

  it('keeps a selected tag only together with a repository', () => {
    expect(parseViewHash('#/registry.example.com:5050?tag=latest', registries).tag).toBeNull()
    expect(parseViewHash('#/registry.example.com:5050/app?tag=latest', registries).tag).toBe('latest')
  })
})

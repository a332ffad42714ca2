import { describe, expect, it } from 'vitest'
import { defaultView, formatHash, parseHash, type ViewState } from '../../../renderer/src/model/view-hash'

const full: ViewState = {
  registryId: 'acme',
  repository: 'group/sub/app',
  tag: '1.4.2',
  sort: 'date',
  dir: 'asc',
  q: '^v1\\.',
  mode: 'regex',
}

describe('view hash', () => {
  it('round-trips a full view through format and parse', () => {
    expect(parseHash(formatHash(full))).toEqual(full)
  })

  it('formats the documented shape with nested repository paths unescaped', () => {
    expect(formatHash({ ...full, sort: 'date', dir: 'desc', q: 'rc', mode: 'regex' })).toBe(
      '#/r/acme/group/sub/app?tag=1.4.2&sort=date&q=rc&mode=regex',
    )
  })

  it('leaves defaults out so a plain link stays short', () => {
    expect(formatHash({ ...defaultView, registryId: 'acme', repository: 'app' })).toBe('#/r/acme/app')
    expect(formatHash(defaultView)).toBe('#/')
  })

  it('parses an empty or foreign hash to the default view', () => {
    expect(parseHash('')).toEqual(defaultView)
    expect(parseHash('#/settings')).toEqual(defaultView)
    expect(parseHash('#')).toEqual(defaultView)
  })

  it('ignores unknown sort keys, directions and modes instead of failing', () => {
    const view = parseHash('#/r/acme/app?sort=bogus&dir=sideways&mode=glob')
    expect(view.sort).toBe(defaultView.sort)
    expect(view.dir).toBe(defaultView.dir)
    expect(view.mode).toBe('text')
  })

  it('survives malformed percent-encoding in the registry id', () => {
    const view = parseHash('#/r/%E0%A4%A/app')
    expect(view.registryId).toBeNull()
    expect(view.repository).toBeNull()
  })

  it('encodes registry ids and filters that contain URL syntax', () => {
    const view: ViewState = { ...full, registryId: 'a/b?c#d', q: 'a&b=c #x' }
    expect(parseHash(formatHash(view))).toEqual(view)
  })

  it('keeps a selected tag only together with a repository', () => {
    expect(parseHash('#/r/acme?tag=latest').tag).toBeNull()
    expect(parseHash('#/r/acme/app?tag=latest').tag).toBe('latest')
  })
})

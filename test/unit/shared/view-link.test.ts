import { describe, expect, it } from 'vitest'
import {
  berthLinkToHash,
  defaultViewLink,
  findBerthLink,
  formatBerthLink,
  formatHash,
  normalizeRegistryAddress,
  parseBerthLink,
  parseHash,
  pickRegistryForAddress,
  registryAddressOfUrl,
  type ViewLink,
} from '../../../shared/view-link'

const digest = `sha256:${'ab'.repeat(32)}`

function link(patch: Partial<ViewLink>): ViewLink {
  return { ...defaultViewLink, ...patch }
}

const at = (address: string): ViewLink['registry'] => ({ kind: 'address', address })

function parsed(url: string): ViewLink {
  const result = parseBerthLink(url)
  if (!result.ok) throw new Error(`expected ${url} to parse, got: ${result.reason}`)
  return result.link
}

function refused(url: string): string {
  const result = parseBerthLink(url)
  if (result.ok) throw new Error(`expected ${url} to be refused, got ${JSON.stringify(result.link)}`)
  return result.reason
}

describe('registry addresses', () => {
  it.each([
    ['registry.example.com', 'registry.example.com'],
    ['Registry.Example.COM', 'registry.example.com'],
    ['registry.example.com:443', 'registry.example.com'],
    ['registry.example.com:443/', 'registry.example.com'],
    ['registry.example.com///', 'registry.example.com'],
    ['registry.example.com:5050', 'registry.example.com:5050'],
    ['localhost', 'localhost'],
    ['localhost:05000', 'localhost:5000'],
    ['127.0.0.1:41029', '127.0.0.1:41029'],
    ['[::1]:5000', '[::1]:5000'],
    ['[::1]', '[::1]'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io:443', 'docker.io'],
    // A single-label name is a registry only with a port, so its 443 stays.
    ['registry:443', 'registry:443'],
    ['registry:5000', 'registry:5000'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeRegistryAddress(input)).toBe(expected)
  })

  it.each([
    [''],
    ['registry'],
    ['r'],
    ['https://registry.example.com'],
    ['user:pw@registry.example.com'],
    ['registry.example.com:0'],
    ['registry.example.com:65536'],
    ['registry.example.com:x'],
    ['registry.example.com:1:2'],
    ['registry.example.com/team'],
    ['-bad-.example.com'],
    ['a_b.example.com'],
    ['[::1'],
    ['[zz::1]'],
    ['..'],
    [`${'a'.repeat(64)}.example.com`],
    [`${'a.'.repeat(200)}com`],
  ])('refuses %s as an address', (input) => {
    expect(normalizeRegistryAddress(input)).toBeNull()
  })

  it.each([
    ['https://registry.example.com', 'registry.example.com'],
    ['https://Registry.Example.com:443', 'registry.example.com'],
    ['https://registry.example.com:5050', 'registry.example.com:5050'],
    ['http://127.0.0.1:41029', '127.0.0.1:41029'],
    // Plain http keeps its port, so a link to it never opens the https registry on that host.
    ['http://localhost', 'localhost:80'],
    ['http://registry.lan', 'registry.lan:80'],
    ['https://registry', 'registry:443'],
    ['http://[::1]:5000', '[::1]:5000'],
    ['https://registry-1.docker.io', 'docker.io'],
    ['ftp://registry.example.com', null],
    ['not a url', null],
  ])('names the profile URL %s by %s', (url, expected) => {
    expect(registryAddressOfUrl(url)).toBe(expected)
  })

  it('resolves an address to the profile with that address, whatever the spelling', () => {
    const registries = [
      { id: 'lab', url: 'http://127.0.0.1:41029' },
      { id: 'acme', url: 'https://registry.example.com' },
    ]
    expect(pickRegistryForAddress(registries, 'REGISTRY.example.com:443/')?.id).toBe('acme')
    expect(pickRegistryForAddress(registries, '127.0.0.1:41029')?.id).toBe('lab')
    expect(pickRegistryForAddress(registries, '127.0.0.1:41030')).toBeUndefined()
    expect(pickRegistryForAddress(registries, 'not an address')).toBeUndefined()
  })

  it('picks the lowest id when two profiles share an address, in any list order', () => {
    const a = { id: 'registry-example-com', url: 'https://registry.example.com' }
    const b = { id: 'registry-example-com-2', url: 'https://registry.example.com:443' }
    expect(pickRegistryForAddress([a, b], 'registry.example.com')?.id).toBe('registry-example-com')
    expect(pickRegistryForAddress([b, a], 'registry.example.com')?.id).toBe('registry-example-com')
  })

  it('does not confuse an http registry with the https one on the same host', () => {
    const registries = [{ id: 'plain', url: 'http://registry.lan' }]
    expect(pickRegistryForAddress(registries, 'registry.lan')).toBeUndefined()
    expect(pickRegistryForAddress(registries, 'registry.lan:80')?.id).toBe('plain')
  })
})

describe('berth:// links', () => {
  it('opens a registry alone', () => {
    expect(parsed('berth://registry.example.com:5050')).toEqual(link({ registry: at('registry.example.com:5050') }))
    expect(parsed('berth://registry.example.com:5050/')).toEqual(link({ registry: at('registry.example.com:5050') }))
  })

  it('opens a repository with a nested path', () => {
    expect(parsed('berth://registry.example.com/group/sub/app')).toEqual(
      link({ registry: at('registry.example.com'), repository: 'group/sub/app' }),
    )
  })

  it('opens a tag', () => {
    expect(parsed('berth://registry.example.com/team/app?tag=1.4.2')).toMatchObject({ repository: 'team/app', tag: '1.4.2', digest: null })
  })

  it('opens a digest', () => {
    expect(parsed(`berth://registry.example.com/team/app?digest=${digest}`)).toMatchObject({ repository: 'team/app', tag: null, digest })
  })

  it('carries the sort and the filter', () => {
    expect(parsed('berth://registry.example.com/team/app?sort=date&dir=asc&q=%5Ev1%5C.&mode=regex')).toEqual(
      link({ registry: at('registry.example.com'), repository: 'team/app', sort: 'date', dir: 'asc', q: '^v1\\.', mode: 'regex' }),
    )
    expect(parsed('berth://registry.example.com/team/app?q=release+candidate').q).toBe('release candidate')
  })

  it('normalises the address: case, https port, trailing slashes', () => {
    expect(parsed('berth://Registry.Example.com:443/team/app/').registry).toEqual(at('registry.example.com'))
    expect(parsed('BERTH://registry.example.com/team/app').repository).toBe('team/app')
  })

  it('accepts the spellings launchers make of berth://, and drops a fragment', () => {
    expect(parsed('berth:registry.example.com/app').repository).toBe('app')
    expect(parsed('berth:///registry.example.com/app#ignored').repository).toBe('app')
  })

  it('still opens the old links that named a local profile id', () => {
    expect(parsed('berth://r/r1/team/app?tag=1.2')).toEqual(
      link({ registry: { kind: 'id', id: 'r1' }, repository: 'team/app', tag: '1.2' }),
    )
  })

  it('opens the app as it is for berth:// alone', () => {
    expect(parsed('berth://')).toEqual(defaultViewLink)
  })

  it('opens IPv6 and percent-encoded names', () => {
    expect(parsed('berth://[::1]:5000/app').registry).toEqual(at('[::1]:5000'))
    expect(parsed('berth://registry.example.com/evil%E2%80%AEexe').repository).toBe('evil\u202eexe')
  })

  it('ignores parameters it does not know, for links from newer versions', () => {
    expect(parsed('berth://registry.example.com/app?tag=1&view=compact').tag).toBe('1')
  })

  it.each([
    ['https://registry.example.com/app', /not a berth/],
    ['berth://registry.example.com/../../v2/_catalog', /"\.\."/],
    ['berth://registry.example.com/team/%2e%2e/app', /"\.\."/],
    ['berth://registry.example.com/./app', /"\."/],
    ['berth://registry.example.com/team%2Fapp', /encoded "\/"/],
    ['berth://registry.example.com/team%5Capp', /encoded/],
    ['berth://registry.example.com//app', /empty path segment/],
    ['berth://registry.example.com/a%0Ab', /control character/],
    ['berth://registry.example.com/app?tag=x%00y', /tag/],
    ['berth://registry.example.com/app?tag=a%1B%5B31m', /tag/],
    ['berth://registry.example.com/app?q=a%0Db', /control character/],
    ['berth://registry.example.com/app?tag=', /tag/],
    ['berth://registry.example.com/app?tag=1&tag=2', /2 times/],
    ['berth://registry.example.com/app?digest=sha256:abc', /digest/],
    [`berth://registry.example.com/app?digest=${digest.toUpperCase()}`, /digest/],
    ['berth://registry.example.com/app?sort=bogus', /sort/],
    ['berth://registry.example.com/app?dir=sideways', /dir/],
    ['berth://registry.example.com/app?mode=glob', /mode/],
    ['berth://registry.example.com?tag=latest', /needs a repository/],
    ['berth://registry/app', /not a registry address/],
    ['berth://user:pw@registry.example.com/app', /not a registry address/],
    ['berth://registry.example.com:99999/app', /not a registry address/],
    ['berth://registry.example.com/<script>', /characters/],
    ['berth://registry.example.com/a b', /characters/],
    ['berth://registry.example.com/caf\u00e9', /characters/],
    ['berth://registry.example.com/a\tb', /characters/],
    ['berth://registry.example.com/%zz', /percent-encoding/],
    ['berth://registry.example.com/%E0%A4%A', /percent-encoding/],
    [`berth://registry.example.com/${'a'.repeat(3000)}`, /longer than 2048/],
    [`berth://registry.example.com/${'a/'.repeat(300)}a`, /longer than 512/],
    [`berth://registry.example.com/app?q=${'x'.repeat(600)}`, /"q" is longer/],
    [`berth://registry.example.com/app?tag=${'x'.repeat(300)}`, /tag/],
    [`berth://r/${'x'.repeat(300)}/app`, /registry id/],
  ])('refuses %s', (url, reason) => {
    expect(refused(url)).toMatch(reason)
  })

  it('never repeats raw control or invisible characters in a reason', () => {
    const reason = refused('berth://evil%E2%80%AE%0A.example.com:x/app')
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(reason).not.toMatch(/[\u0000-\u001f\u202e]/)
    expect(reason).toContain('\\u202e')
  })

  it('formats a view as the shortest link that opens it, and parses it back', () => {
    const full = link({
      registry: at('registry.example.com:5050'),
      repository: 'group/sub/app',
      tag: '1.4.2',
      digest,
      sort: 'date',
      dir: 'asc',
      q: 'a&b=c #x',
      mode: 'regex',
    })
    const url = formatBerthLink(full)
    expect(url).toBe(
      `berth://registry.example.com:5050/group/sub/app?tag=1.4.2&digest=sha256%3A${'ab'.repeat(32)}&sort=date&dir=asc&q=a%26b%3Dc+%23x&mode=regex`,
    )
    expect(parsed(url ?? '')).toEqual(full)
    expect(formatBerthLink(link({ registry: at('registry.example.com'), repository: 'app' }))).toBe('berth://registry.example.com/app')
    expect(formatBerthLink(link({ registry: at('[::1]:5000') }))).toBe('berth://[::1]:5000')
  })

  it('round-trips repository names a hostile registry lists', () => {
    const view = link({ registry: at('127.0.0.1:5000'), repository: 'acme/evil\u202eexe', tag: 'zero\u200bwidth' })
    expect(parsed(formatBerthLink(view) ?? '')).toEqual(view)
  })

  it('makes no berth:// link of a local id or of nothing', () => {
    expect(formatBerthLink(link({ registry: { kind: 'id', id: 'r1' }, repository: 'app' }))).toBeNull()
    expect(formatBerthLink(defaultViewLink)).toBeNull()
  })

  it('turns a link into the hash rebuilt from its parts, or says why not', () => {
    expect(berthLinkToHash('berth://Registry.Example.com:443/team/app?tag=1.2&extra=1')).toEqual({
      ok: true,
      hash: '#/registry.example.com/team/app?tag=1.2',
    })
    expect(berthLinkToHash('berth://r/r1/team/app')).toEqual({ ok: true, hash: '#/r/r1/team/app' })
    expect(berthLinkToHash('berth://')).toEqual({ ok: true, hash: '#/' })
    expect(berthLinkToHash('berth://registry.example.com/..')).toMatchObject({ ok: false })
  })

  it('finds the link among launch arguments', () => {
    expect(findBerthLink(['/usr/bin/berth', '--no-sandbox', 'berth://registry.example.com/app'])).toBe('berth://registry.example.com/app')
    expect(findBerthLink(['/usr/bin/berth', '.'])).toBeUndefined()
  })
})

describe('the location hash', () => {
  it('uses the same grammar as links', () => {
    const view = link({ registry: at('registry.example.com:5050'), repository: 'group/app', tag: '1.0', sort: 'date' })
    expect(formatHash(view)).toBe('#/registry.example.com:5050/group/app?tag=1.0&sort=date')
    expect(parseHash(formatHash(view))).toEqual(view)
    expect(formatHash(defaultViewLink)).toBe('#/')
  })

  it('keeps what it can of a stale or hand-edited hash', () => {
    expect(parseHash('#/r/acme/app?sort=bogus&dir=sideways&mode=glob')).toEqual(
      link({ registry: { kind: 'id', id: 'acme' }, repository: 'app' }),
    )
    expect(parseHash('#/r/acme//app').repository).toBe('app')
    expect(parseHash('#/registry.example.com?tag=latest')).toEqual(link({ registry: at('registry.example.com') }))
  })

  it('yields the default view for an empty, foreign or hostile hash', () => {
    expect(parseHash('')).toEqual(defaultViewLink)
    expect(parseHash('#')).toEqual(defaultViewLink)
    expect(parseHash('#/settings')).toEqual(defaultViewLink)
    expect(parseHash('#/r/%E0%A4%A/app')).toEqual(defaultViewLink)
    expect(parseHash('#/registry.example.com/../x').registry).toBeNull()
    expect(parseHash(`#/registry.example.com/${'a'.repeat(5000)}`)).toEqual(defaultViewLink)
  })
})

describe('the platform filter in a link', () => {
  it('round-trips, lower-cased, and is left out when empty', () => {
    const view = link({ registry: at('registry.example.com'), repository: 'team/app', platform: 'linux/arm64/v8' })
    const url = formatBerthLink(view)
    expect(url).toBe('berth://registry.example.com/team/app?platform=linux%2Farm64%2Fv8')
    expect(parsed(url ?? '')).toEqual(view)
    expect(parsed('berth://registry.example.com/team/app?platform=Linux/AMD64').platform).toBe('linux/amd64')
    expect(formatBerthLink(link({ registry: at('registry.example.com'), repository: 'team/app' }))).toBe(
      'berth://registry.example.com/team/app',
    )
  })

  it('refuses what is not os/arch[/variant] from outside, and drops it from a hash', () => {
    expect(refused('berth://registry.example.com/team/app?platform=arm64')).toBe('"platform" is not os/arch[/variant] (arm64)')
    expect(parseHash('#/registry.example.com/team/app?platform=a/b/c/d').platform).toBe('')
  })
})

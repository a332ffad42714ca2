import { describe, expect, it } from 'vitest'
import { requestSchemas } from '../../../shared/ipc'
import { normalizePlatform, offersPlatform, parsePlatformSelector, pickPlatform, platformSatisfies } from '../../../shared/platform'

describe('parsePlatformSelector', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['Linux/ARM64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    [' windows/amd64 ', { os: 'windows', architecture: 'amd64' }],
  ])('reads %j', (text, selector) => {
    expect(parsePlatformSelector(text)).toEqual(selector)
  })

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/extra', 'linux/am d64', ''])('refuses %j', (text) => {
    expect(parsePlatformSelector(text)).toBeNull()
  })
})

describe('platformSatisfies', () => {
  const arm64v8 = { os: 'linux', architecture: 'arm64', variant: 'v8' }
  it.each<[{ os: string; architecture: string; variant?: string }, string, boolean, string]>([
    [arm64v8, 'linux/arm64', true, 'a selector without a variant takes any variant'],
    [arm64v8, 'linux/arm64/v8', true, 'the same variant'],
    [{ os: 'linux', architecture: 'arm64' }, 'linux/arm64/v8', true, 'arm64 without a variant is v8'],
    [{ os: 'linux', architecture: 'aarch64' }, 'linux/arm64', true, 'aarch64 is arm64'],
    [{ os: 'linux', architecture: 'x86_64' }, 'linux/amd64', true, 'x86_64 is amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: 'v1' }, 'linux/amd64', true, 'amd64/v1 is amd64'],
    [{ os: 'linux', architecture: 'arm' }, 'linux/arm/v7', true, 'arm without a variant is v7'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, 'linux/arm/v7', false, 'another variant'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, 'linux/arm', true, 'no variant asked'],
    [arm64v8, 'linux/amd64', false, 'another architecture'],
    [{ os: 'windows', architecture: 'amd64' }, 'linux/amd64', false, 'another os'],
  ])('%j against %s: %s (%s)', (platform, text, expected) => {
    const selector = parsePlatformSelector(text)
    expect(selector).not.toBeNull()
    expect(platformSatisfies(platform, selector!)).toBe(expected)
  })

  it('normalizes to one spelling', () => {
    expect(normalizePlatform({ os: 'Linux', architecture: 'AArch64' })).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(normalizePlatform({ os: 'linux', architecture: 'arm64', variant: '8' })).toEqual(arm64v8)
    expect(normalizePlatform({ os: 'linux', architecture: 'amd64', variant: 'v1' })).toEqual({ os: 'linux', architecture: 'amd64' })
  })
})

describe('pickPlatform', () => {
  const entries = [
    { id: 'amd', platform: { os: 'linux', architecture: 'amd64' } },
    { id: 'v6', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { id: 'v7', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { id: 'att', platform: null },
  ]
  const pick = (text: string) => pickPlatform(entries, (e) => e.platform, parsePlatformSelector(text)!)

  it('picks the one entry that matches', () => {
    expect(pick('linux/amd64')).toEqual({ ok: true, entry: entries[0] })
    expect(pick('linux/arm/v7')).toEqual({ ok: true, entry: entries[2] })
  })

  it('names what there is when nothing matches, leaving out entries without a platform', () => {
    expect(pick('linux/s390x')).toEqual({ ok: false, reason: 'not_found', offered: ['linux/amd64', 'linux/arm/v6', 'linux/arm/v7'] })
  })

  it('refuses to choose between several matches', () => {
    expect(pick('linux/arm')).toEqual({ ok: false, reason: 'ambiguous', offered: ['linux/arm/v6', 'linux/arm/v7'] })
  })
})

describe('offersPlatform', () => {
  const platform = (os: string, architecture: string, variant?: string) => ({
    os,
    architecture,
    ...(variant ? { variant } : {}),
    digest: 'sha256:x',
    mediaType: 'm',
    size: 1,
  })
  it('looks at every platform of an index, and at a single image its own', () => {
    const index = { platforms: [platform('linux', 'amd64'), platform('linux', 'arm64', 'v8')] }
    expect(offersPlatform(index, { os: 'linux', architecture: 'arm64' })).toBe(true)
    expect(offersPlatform(index, { os: 'linux', architecture: 's390x' })).toBe(false)
    expect(
      offersPlatform({ platforms: [], platform: { os: 'linux', architecture: 'amd64' } }, { os: 'linux', architecture: 'amd64' }),
    ).toBe(true)
    expect(offersPlatform({ platforms: [] }, { os: 'linux', architecture: 'amd64' })).toBe(false)
  })
})

describe('the inspect request', () => {
  const base = { registryId: 'lab', repository: 'acme/multiarch', reference: '1.0' }
  it('takes an optional os/arch[/variant] platform and refuses anything else', () => {
    expect(requestSchemas.inspect.safeParse(base).success).toBe(true)
    expect(requestSchemas.inspect.safeParse({ ...base, platform: 'linux/arm64/v8' }).success).toBe(true)
    for (const platform of ['arm64', 'linux/arm64/v8/x', 'linux/arm64\n', '../../etc', 'x'.repeat(40) + '/amd64', 42]) {
      const result = requestSchemas.inspect.safeParse({ ...base, platform })
      expect(result.success, String(platform)).toBe(false)
    }
  })
})

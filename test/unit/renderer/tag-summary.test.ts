import { describe, expect, it } from 'vitest'
import { displayDate, platformSummary, registryHost, shortDigest } from '../../../renderer/src/model/tag-summary'
import { normalizeRegistryUrl } from '../../../renderer/src/model/registry-url'

const platform = (architecture: string, variant?: string) => ({
  os: 'linux',
  architecture,
  variant,
  digest: 'sha256:x',
  mediaType: 'm',
  size: 1,
})

describe('tag summaries', () => {
  it('shortens a digest to its algorithm and 12 hex digits', () => {
    expect(shortDigest(`sha256:${'abcdef0123456789'.repeat(4)}`)).toBe('sha256:abcdef012345')
  })

  it('lists platforms and counts attestations separately', () => {
    expect(platformSummary({ platforms: [platform('amd64'), platform('arm64')], attestations: 1 })).toBe(
      'linux/amd64, linux/arm64 +1 attestation',
    )
  })

  it('elides platforms beyond the limit', () => {
    const platforms = ['amd64', 'arm64', 's390x', 'ppc64le'].map((a) => platform(a))
    expect(platformSummary({ platforms, attestations: 4 }, 2)).toBe('linux/amd64, linux/arm64 +2 more +4 attestations')
  })

  it('shows the push date when the build date is unknown, and says so', () => {
    expect(displayDate({ created: null, pushed: '2026-01-01T00:00:00Z', createdSource: 'unknown' })).toEqual({
      iso: '2026-01-01T00:00:00Z',
      source: 'pushed',
    })
    expect(displayDate({ created: null, createdSource: 'unknown' }).iso).toBeNull()
  })

  it('takes the host and port of a registry URL for pull commands', () => {
    expect(registryHost('https://registry.example.com:5050')).toBe('registry.example.com:5050')
    expect(registryHost('http://127.0.0.1:5000')).toBe('127.0.0.1:5000')
  })
})

describe('registry addresses typed by the user', () => {
  it('adds https to a bare host and keeps the port', () => {
    expect(normalizeRegistryUrl('registry.example.com:5050')).toBe('https://registry.example.com:5050')
  })

  it('tries https first for loopback registries too (plain http is a fallback main decides on)', () => {
    expect(normalizeRegistryUrl('localhost:5000/')).toBe('https://localhost:5000')
    expect(normalizeRegistryUrl('127.0.0.1:5000')).toBe('https://127.0.0.1:5000')
  })

  it('keeps an explicit scheme and drops any path', () => {
    expect(normalizeRegistryUrl('http://registry.lan:5000/v2/')).toBe('http://registry.lan:5000')
    expect(normalizeRegistryUrl('  https://ghcr.example/  ')).toBe('https://ghcr.example')
  })

  it('leaves an empty field empty', () => {
    expect(normalizeRegistryUrl('   ')).toBe('')
  })
})

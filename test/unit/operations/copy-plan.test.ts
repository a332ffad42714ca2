// Choosing platforms: the selectors the CLI and the dialogs accept, which index entries they keep
// (a platform's buildx attestation goes with it), and the new index a subset makes — the source's
// own JSON with only those entries, every other field kept.
import { describe, expect, it } from 'vitest'
import { parsePlatform, platformMatches } from '../../../shared/copy'
import { tagAction } from '../../../electron/operations/copy-plan'
import { subsetIndex } from '../../../electron/operations/copy-platforms'

describe('a platform selector', () => {
  it('is os/arch with an optional variant; anything else is refused', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' })
    expect(parsePlatform(' Linux/ARM64/v8 ')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    for (const bad of ['linux', 'linux/', '/amd64', 'linux/arm64/v8/x', 'linux amd64', 'linux/$(id)'])
      expect(parsePlatform(bad), bad).toBeNull()
  })

  it('matches any variant unless it names one', () => {
    const arm = { os: 'linux', architecture: 'arm64', variant: 'v8' }
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm64' })).toBe(true)
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true)
    expect(platformMatches(arm, { os: 'linux', architecture: 'arm64', variant: 'v7' })).toBe(false)
    expect(platformMatches({ os: 'windows', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64' })).toBe(false)
  })
})

describe('a platform subset of an index', () => {
  it('keeps the kept entries in order and every other field as it was', () => {
    const source = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'm', digest: 'sha256:a', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'm', digest: 'sha256:b', size: 2, platform: { os: 'linux', architecture: 'arm64' } },
        { mediaType: 'm', digest: 'sha256:c', size: 3, platform: { os: 'unknown', architecture: 'unknown' } },
      ],
      annotations: { 'org.opencontainers.image.created': '2025-01-01T00:00:00Z' },
    }
    const subset = JSON.parse(
      new TextDecoder().decode(subsetIndex(new TextEncoder().encode(JSON.stringify(source)), (digest) => digest !== 'sha256:b')),
    ) as typeof source
    expect(subset).toEqual({ ...source, manifests: [source.manifests[0], source.manifests[2]] })
  })
})

describe('a destination tag', () => {
  it('is created, left alone, moved only with force, or in conflict', () => {
    expect(tagAction(null, 'sha256:new', false)).toBe('create')
    expect(tagAction('sha256:new', 'sha256:new', false)).toBe('unchanged')
    expect(tagAction('sha256:old', 'sha256:new', false)).toBe('conflict')
    expect(tagAction('sha256:old', 'sha256:new', true)).toBe('overwrite')
  })
})

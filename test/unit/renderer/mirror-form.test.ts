// The mirror form as typed → the planCopy sync request (`berth sync`'s selection), or what is wrong
// next to each field; the live count of matching tags uses the engine's own selection
// (shared/copy.ts's syncTagSelection), so it is the set the plan starts from.
import { describe, expect, it } from 'vitest'
import {
  checkMirrorForm,
  initialMirrorForm,
  mirrorCount,
  mirrorPlatformChoices,
  whyNotADuration,
  whyNotATagPattern,
  type MirrorForm,
} from '../../../renderer/src/model/mirror-form'
import type { TagDetails } from '../../../shared/types'

const source = { registryId: 'lab', repository: 'acme/web' }
const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`
const now = Date.parse('2026-12-01T00:00:00Z')

function details(
  tag: string,
  created: string | null,
  platforms: { os: string; architecture: string; variant?: string }[] = [],
): TagDetails {
  return {
    tag,
    digest: digest(tag.length),
    mediaType: platforms.length > 0 ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
    kind: platforms.length > 0 ? 'index' : 'image',
    configDigest: null,
    size: 1,
    sizeNote: '',
    created,
    createdSource: created === null ? 'unknown' : 'config',
    platforms: platforms.map((platform) => ({ ...platform, digest: digest(7), mediaType: '', size: 1 })),
    attestations: 0,
    artifactType: null,
  }
}

const form = (patch: Partial<MirrorForm> = {}): MirrorForm => ({ ...initialMirrorForm(source, { registryId: 'mirror' }), ...patch })
const signature = `sha256-${'a'.repeat(64)}.sig`

describe('the mirror form', () => {
  it('offers the last mirror registry and the same repository name', () => {
    expect(initialMirrorForm(source, null)).toMatchObject({ registryId: '', repository: 'acme/web', tagPattern: '', newerThan: '' })
    expect(initialMirrorForm(source, { registryId: 'mirror' }).registryId).toBe('mirror')
  })

  it('makes the sync request berth sync would plan', () => {
    expect(checkMirrorForm(source, form({ tagPattern: '^v1\\.', newerThan: ' 30d ', referrers: true })).request).toEqual({
      source,
      destination: { registryId: 'mirror', repository: 'acme/web' },
      sync: { tagPattern: '^v1\\.', newerThan: '30d' },
      platforms: [],
      referrers: true,
      force: false,
    })
    expect(checkMirrorForm(source, form()).request?.sync).toEqual({})
    const platforms = checkMirrorForm(source, form({ platforms: ['linux/amd64'], morePlatforms: 'Linux/ARM64/v8, linux/amd64' }))
    expect(platforms.request?.platforms).toEqual(['linux/amd64', 'linux/arm64/v8'])
  })

  it('says what is wrong next to each field', () => {
    const { request, errors } = checkMirrorForm(
      source,
      form({ registryId: '', repository: 'Team/App', tagPattern: 'v1(', newerThan: '3m', platforms: [], morePlatforms: '' }),
    )
    expect(request).toBeNull()
    expect(errors).toEqual({
      registry: 'Choose the registry to mirror to.',
      repository: 'Repository names are lowercase.',
      tagPattern: errors.tagPattern,
      newerThan: '"3m" is not a duration: write it like 12h, 7d, 2w or 1month.',
      platforms: 'Choose at least one platform, or mirror every platform.',
    })
    expect(errors.tagPattern).toMatch(/^Invalid regular expression: .* — write a regular expression such as/)
    expect(checkMirrorForm(source, form({ registryId: 'lab' })).errors.repository).toMatch(/^That is the repository itself/)
    expect(checkMirrorForm(source, form({ platforms: [], morePlatforms: 'amd64' })).errors.platforms).toMatch(/^"amd64" is not a platform/)
    expect(whyNotATagPattern('')).toBeNull()
    expect(whyNotADuration('')).toBeNull()
    expect(whyNotADuration('2w')).toBeNull()
  })

  it('counts the matching tags live, and of those whose dates are read, the recent ones', () => {
    const tagDetails = new Map([
      ['v1.0', details('v1.0', '2026-11-30T12:00:00Z')],
      [
        'v1.1',
        details('v1.1', '2026-10-01T00:00:00Z', [
          { os: 'linux', architecture: 'arm64', variant: 'v8' },
          { os: 'linux', architecture: 'amd64' },
        ]),
      ],
    ])
    const tags = { tags: ['v1.0', 'v1.1', 'v1.2', 'v2.0', signature], details: tagDetails }
    expect(mirrorCount(tags, form({ tagPattern: '^v1' }), now)).toEqual({ total: 5, matching: 3, age: null })
    expect(mirrorCount(tags, form({ tagPattern: '^v1', newerThan: '7d' }), now)).toEqual({
      total: 5,
      matching: 3,
      age: { known: 2, recent: 1 },
    })
    expect(mirrorCount(tags, form({ referrers: true }), now)?.matching).toBe(4)
    expect(mirrorCount(tags, form({ tagPattern: 'v1(' }), now)).toBeNull()
    expect(mirrorCount(tags, form({ newerThan: 'soon' }), now)).toBeNull()
    expect(mirrorPlatformChoices(tags)).toEqual(['linux/amd64', 'linux/arm64/v8'])
  })
})

// The table's platform filter: only tags that offer a platform, judged by the details each row has;
// rows without details yet stay until they come, and the select offers what the rows name.
import { describe, expect, it } from 'vitest'
import type { Platform, TagDetails } from '../../../shared/types'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import { computeDisplay } from '../../../renderer/src/model/display-rows'
import { filterByPlatform, platformsSeen } from '../../../renderer/src/model/platform-filter'

function entry(os: string, architecture: string, variant?: string): Platform {
  return { os, architecture, ...(variant ? { variant } : {}), digest: `sha256:${'2'.repeat(64)}`, mediaType: 'm', size: 1 }
}

function row(tag: string, shape: Pick<TagDetails, 'kind' | 'platforms'> & Partial<TagDetails>): TagRow {
  const details: TagDetails = {
    tag,
    digest: `sha256:${'1'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    configDigest: null,
    size: 1,
    sizeNote: '',
    created: null,
    createdSource: 'unknown',
    attestations: 0,
    artifactType: null,
    ...shape,
  }
  return { tag, result: { tag, ok: true, details }, checking: null }
}

const rows = new Map<string, TagRow>([
  [
    'multi',
    row('multi', { kind: 'index', platforms: [entry('linux', 'amd64'), entry('linux', 'arm64', 'v8'), entry('unknown', 'unknown')] }),
  ],
  ['amd', row('amd', { kind: 'image', platforms: [], platform: { os: 'linux', architecture: 'amd64' } })],
  ['arm', row('arm', { kind: 'image', platforms: [], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } })],
  ['chart', row('chart', { kind: 'artifact', platforms: [], artifactType: 'application/vnd.cncf.helm.config.v1+json' })],
  ['broken', { tag: 'broken', result: { tag: 'broken', ok: false, error: { code: 'invalid_response', message: 'x' } }, checking: null }],
])
const tags = ['amd', 'arm', 'broken', 'chart', 'multi', 'pending']

describe('the platform filter', () => {
  it('keeps the tags that offer the platform, and those whose details are not in yet', () => {
    const all = computeDisplay(tags, rows, '', 'text', 'name', 'asc')
    const arm = filterByPlatform(all, 'linux/arm64')
    expect(arm.order).toEqual(['arm', 'multi', 'pending'])
    expect(arm.rows.map((r) => r.tag)).toEqual(arm.order)
    expect(filterByPlatform(all, 'linux/amd64').order).toEqual(['amd', 'multi', 'pending'])
    expect(filterByPlatform(all, 'linux/arm64/v7').order).toEqual(['pending'])
  })

  it('changes nothing without a platform, and answers the same object for the same inputs', () => {
    const all = computeDisplay(tags, rows, '', 'text', 'name', 'asc')
    expect(filterByPlatform(all, '')).toBe(all)
    const first = filterByPlatform(all, 'linux/arm64')
    expect(filterByPlatform(all, 'linux/arm64')).toBe(first)
    // Another platform is another order for the details job to follow.
    expect(filterByPlatform(all, 'linux/amd64').orderBasis).not.toBe(first.orderBasis)
  })

  it('offers every platform the rows name, not the attestations', () => {
    expect(platformsSeen(rows)).toEqual(['linux/amd64', 'linux/arm64/v8'])
  })
})

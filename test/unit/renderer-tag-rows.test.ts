import { describe, expect, it } from 'vitest'
import type { TagDetails, TagDetailsResult } from '../../shared/types'
import { compileFilter, sortRows, visibleRows, type TagRow } from '../../renderer/src/model/tag-rows'

function details(tag: string, created: string | null, size: number | null, extra: Partial<TagDetails> = {}): TagDetails {
  return {
    tag,
    digest: `sha256:${'0'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    configDigest: null,
    size,
    sizeNote: 'config + compressed layers',
    created,
    createdSource: created ? 'config' : 'unknown',
    platforms: [],
    attestations: 0,
    artifactType: null,
    ...extra,
  }
}

const ok = (d: TagDetails): TagDetailsResult => ({ tag: d.tag, ok: true, details: d })
const row = (tag: string, result?: TagDetailsResult): TagRow => ({ tag, result })

const rows: TagRow[] = [
  row('old', ok(details('old', '2020-01-01T00:00:00Z', 300))),
  row('pending'),
  row('new', ok(details('new', '2026-01-01T00:00:00Z', 100))),
  row('failed', { tag: 'failed', ok: false, error: { code: 'not_found', message: 'gone' } }),
  row('mid', ok(details('mid', '2023-01-01T00:00:00Z', 200))),
  row('reproducible', ok(details('reproducible', null, 50))),
]
const tags = (list: TagRow[]) => list.map((r) => r.tag)

describe('sorting tag rows', () => {
  it('sorts by build date newest first, with unknown, pending and failed rows last', () => {
    expect(tags(sortRows(rows, 'date', 'desc'))).toEqual(['new', 'mid', 'old', 'failed', 'pending', 'reproducible'])
  })

  it('keeps rows without a date last when sorting oldest first too', () => {
    expect(tags(sortRows(rows, 'date', 'asc')).slice(0, 3)).toEqual(['old', 'mid', 'new'])
  })

  it('falls back to the push date when the build date is unknown', () => {
    const pushed = row('pushed', ok(details('pushed', null, 1, { pushed: '2025-06-01T00:00:00Z' })))
    expect(tags(sortRows([...rows, pushed], 'date', 'desc')).slice(0, 2)).toEqual(['new', 'pushed'])
  })

  it('sorts by size largest first with unknown sizes last', () => {
    expect(tags(sortRows(rows, 'size', 'desc')).slice(0, 4)).toEqual(['old', 'mid', 'new', 'reproducible'])
  })

  it('sorts versions semantically and keeps non-version tags after them', () => {
    const versions = ['latest', '1.10.0', '1.2.0', 'v2.0.0', '1.10.0-rc.1', 'main'].map((t) => row(t))
    expect(tags(sortRows(versions, 'semver', 'desc'))).toEqual(['v2.0.0', '1.10.0', '1.10.0-rc.1', '1.2.0', 'latest', 'main'])
    expect(tags(sortRows(versions, 'semver', 'asc')).slice(0, 4)).toEqual(['1.2.0', '1.10.0-rc.1', '1.10.0', 'v2.0.0'])
  })

  it('does not reorder the input array', () => {
    const before = tags(rows)
    sortRows(rows, 'name', 'asc')
    expect(tags(rows)).toEqual(before)
  })

  it('sorts 10,000 rows by date well within a frame budget', () => {
    const many: TagRow[] = Array.from({ length: 10_000 }, (_, i) => {
      const tag = `build-${i}`
      const created = i % 17 === 0 ? null : new Date(Date.UTC(2020, 0, 1) + ((i * 7919) % 10_000) * 3_600_000).toISOString()
      return row(tag, i % 23 === 0 ? undefined : ok(details(tag, created, (i * 104_729) % 1_000_000_000)))
    })
    sortRows(many, 'date', 'desc') // warm up the JIT
    const start = performance.now()
    const sorted = sortRows(many, 'date', 'desc')
    const elapsed = performance.now() - start
    expect(sorted).toHaveLength(10_000)
    // The goal is < 50 ms; the bound is generous because the test machine is shared.
    expect(elapsed).toBeLessThan(250)
  })
})

describe('filtering tag rows', () => {
  it('matches text case-insensitively anywhere in the tag', () => {
    const filter = compileFilter('ALP', 'text')
    expect(filter.ok && filter.test('3.19-alpine')).toBe(true)
  })

  it('matches a regular expression in regex mode', () => {
    const filter = compileFilter('^v?1\\.\\d+$', 'regex')
    expect(filter.ok && filter.test('v1.2')).toBe(true)
    expect(filter.ok && filter.test('1.2.3')).toBe(false)
  })

  it('reports an invalid regex inline and keeps every row visible', () => {
    const shown = visibleRows(rows, '(unclosed', 'regex', 'name', 'asc')
    expect(shown.filterError).toMatch(/regular expression/i)
    expect(shown.rows).toHaveLength(rows.length)
  })

  it('filters and sorts together', () => {
    const shown = visibleRows(rows, 'e', 'text', 'name', 'asc')
    expect(tags(shown.rows)).toEqual(['failed', 'new', 'pending', 'reproducible'])
    expect(shown.filterError).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import type { TagDetails, TagDetailsResult } from '../../../shared/types'
import { compileFilter, nameRanks, resortChanged, sortRows, visibleRows, type TagRow } from '../../../renderer/src/model/tag-rows'
import { compareTagNames } from '../../../shared/tag-sort'

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
const row = (tag: string, result?: TagDetailsResult, checking: TagRow['checking'] = null): TagRow => ({ tag, result, checking })

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

  // Speed is the bench's job (scenario 6 times this in Chromium); here, the order at that size.
  it('sorts 10,000 rows by date, ties by name, unknown dates last', () => {
    const many: TagRow[] = Array.from({ length: 10_000 }, (_, i) => {
      const tag = `build-${i}`
      const created = i % 17 === 0 ? null : new Date(Date.UTC(2020, 0, 1) + ((i * 7919) % 1_000) * 3_600_000).toISOString()
      return row(tag, i % 23 === 0 ? undefined : ok(details(tag, created, (i * 104_729) % 1_000_000_000)))
    })
    const sorted = sortRows(many, 'date', 'desc')
    expect(sorted).toHaveLength(10_000)
    const time = (r: TagRow): number | null => {
      const created = r.result?.ok ? r.result.details.created : null
      return created ? Date.parse(created) : null
    }
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]]
      if (!a || !b) continue
      const [ta, tb] = [time(a), time(b)]
      if (ta !== null && tb !== null) expect(ta > tb || (ta === tb && compareTagNames(a.tag, b.tag) < 0)).toBe(true)
      else if (ta === null) expect(tb).toBeNull()
    }
  })

  it('sorts and filters rows still being checked by the values they show', () => {
    const cachedNew = row('cached-new', ok(details('cached-new', '2027-01-01T00:00:00Z', 1)), 'cache')
    const earlierOld = row('earlier-old', ok(details('earlier-old', '2019-01-01T00:00:00Z', 1)), 'earlier')
    expect(tags(sortRows([...rows, cachedNew, earlierOld], 'date', 'desc')).slice(0, 5)).toEqual([
      'cached-new',
      'new',
      'mid',
      'old',
      'earlier-old',
    ])
    expect(tags(visibleRows([...rows, cachedNew], 'cached', 'text', 'name', 'asc').rows)).toEqual(['cached-new'])
  })

  it('sorts by name with the given name ranks as with the collator', () => {
    const names = ['build-10', 'build-9', 'Build-1', 'alpha', 'build-9a'].map((t) => row(t))
    const byCollator = [...names].sort((a, b) => compareTagNames(a.tag, b.tag)).map((r) => r.tag)
    expect(tags(sortRows(names, 'name', 'asc', nameRanks(names.map((r) => r.tag))))).toEqual(byCollator)
    expect(tags(sortRows(names, 'name', 'desc'))).toEqual([...byCollator].reverse())
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

describe('resortChanged', () => {
  // A seeded generator: the same "random" answers on every run.
  function generator(seed: number): () => number {
    let state = seed
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31
      return state / 2 ** 31
    }
  }

  function dayRow(tag: string, day: number | null): TagRow {
    if (day === null) return row(tag)
    return row(tag, ok(details(tag, new Date(Date.UTC(2026, 0, 1 + day)).toISOString(), day * 10)))
  }

  it.each([
    ['date', 'desc'],
    ['date', 'asc'],
    ['size', 'desc'],
    ['size', 'asc'],
  ] as const)('gives what a full sort gives, by %s %s, as answers, ties and corrections arrive', (key, dir) => {
    const random = generator(7)
    const tags = Array.from({ length: 2_000 }, (_, i) => `t-${i}`)
    const ranks = nameRanks(tags)
    let rows = new Map(tags.map((t) => [t, dayRow(t, null)]))
    let sorted = sortRows([...rows.values()], key, dir, ranks)
    for (let round = 0; round < 30; round++) {
      const next = new Map(rows)
      // A batch of answers (few distinct days, so ties are common), and now and then a moved tag.
      for (let k = 0; k < 80; k++) {
        const tag = tags[Math.floor(random() * tags.length)] ?? 't-0'
        next.set(tag, dayRow(tag, random() < 0.05 ? null : Math.floor(random() * 20)))
      }
      const resorted = resortChanged(sorted, (tag) => next.get(tag) ?? dayRow(tag, null), key, dir, ranks)
      const full = sortRows([...next.values()], key, dir, ranks)
      expect(resorted.map((r) => r.tag)).toEqual(full.map((r) => r.tag))
      expect(resorted.every((r) => r === next.get(r.tag))).toBe(true)
      rows = next
      sorted = resorted
    }
  })
})

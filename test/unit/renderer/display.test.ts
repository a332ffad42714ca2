// The table's derived rows: while 10,000 answers stream in, only the rows that changed may get new
// objects (memoised rows then skip rendering), and an unchanged order keeps its array.
import { describe, expect, it } from 'vitest'
import type { TagDetails } from '../../../shared/types'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import { computeDisplay } from '../../../renderer/src/model/display-rows'

function answered(tag: string, created: string, checking: TagRow['checking'] = null): TagRow {
  const details: TagDetails = {
    tag,
    digest: `sha256:${'1'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    configDigest: null,
    size: 1,
    sizeNote: '',
    created,
    createdSource: 'config',
    platforms: [],
    attestations: 0,
    artifactType: null,
  }
  return { tag, result: { tag, ok: true, details }, checking }
}

const tags = Array.from({ length: 10_000 }, (_, i) => `build-${String(i).padStart(5, '0')}`)

describe('the displayed rows', () => {
  it('gives new row objects only to the tags whose answer arrived, in name order', () => {
    const before = new Map(tags.slice(0, 100).map((t) => [t, answered(t, '2026-01-01T00:00:00Z', 'cache')]))
    const first = computeDisplay(tags, before, '', 'text', 'name', 'asc')
    const after = new Map(before)
    for (const t of tags.slice(0, 50)) after.set(t, answered(t, '2026-01-01T00:00:00Z'))
    const second = computeDisplay(tags, after, '', 'text', 'name', 'asc')

    expect(second.order).toBe(first.order)
    const changed = second.rows.filter((row, i) => row !== first.rows[i]).map((r) => r.tag)
    expect(changed).toEqual(tags.slice(0, 50))
    // Rows with nothing yet keep their (pending) objects too.
    expect(second.rows[5_000]).toBe(first.rows[5_000])
  })

  it('re-sorts by date as answers arrive, and keeps the order array when the order did not change', () => {
    const rows = new Map(tags.map((t, i) => [t, answered(t, new Date(Date.UTC(2026, 0, 1) + (i % 100) * 60_000).toISOString(), 'cache')]))
    const first = computeDisplay(tags, rows, '', 'text', 'date', 'desc')
    expect(first.order[0]).toBe('build-00099')

    const confirmed = new Map(rows)
    confirmed.set('build-00099', answered('build-00099', new Date(Date.UTC(2026, 0, 1) + 99 * 60_000).toISOString()))
    const same = computeDisplay(tags, confirmed, '', 'text', 'date', 'desc')
    expect(same.order).toBe(first.order)

    const moved = new Map(confirmed)
    moved.set('build-00000', answered('build-00000', '2027-01-01T00:00:00Z'))
    const resorted = computeDisplay(tags, moved, '', 'text', 'date', 'desc')
    expect(resorted.order[0]).toBe('build-00000')
    expect(resorted.order).not.toBe(first.order)
  })

  it('keeps its order basis while answers re-order a date sort, and makes a new one when the sort changes', () => {
    const empty = new Map<string, TagRow>()
    const first = computeDisplay(tags, empty, '', 'text', 'date', 'desc')
    const answers = new Map([['build-09999', answered('build-09999', '2026-06-01T00:00:00Z')]])
    const second = computeDisplay(tags, answers, '', 'text', 'date', 'desc')
    expect(second.order[0]).toBe('build-09999')
    expect(second.order).not.toBe(first.order)
    expect(second.orderBasis).toBe(first.orderBasis)
    expect(computeDisplay(tags, answers, '', 'text', 'date', 'asc').orderBasis).not.toBe(first.orderBasis)
  })
})

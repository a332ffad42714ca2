// Referrer tags in the table: hidden under their subject's row, shown there by the toggle or the
// badge, and nothing computed per frame for a repository without any.
import { describe, expect, it } from 'vitest'
import { noGrouping } from '../../../shared/referrer-tags'
import type { TagDetails } from '../../../shared/types'
import { computeDisplay } from '../../../renderer/src/model/display-rows'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import { imageDetails } from '../../support/tag-details'

const hex = 'a'.repeat(64)
const subject = `sha256:${hex}`

function row(tag: string, digest: string, extra: Partial<TagDetails> = {}): TagRow {
  return { tag, result: { tag, ok: true, details: imageDetails(tag, digest, extra) }, checking: null }
}

const tags = ['0.9', '1.0', `sha256-${hex}`, `sha256-${hex}.att`, `sha256-${'b'.repeat(64)}.sig`]
const rows = new Map<string, TagRow>([
  ['0.9', row('0.9', `sha256:${'9'.repeat(64)}`)],
  ['1.0', row('1.0', subject)],
  [
    `sha256-${hex}`,
    row(`sha256-${hex}`, `sha256:${'c'.repeat(64)}`, {
      kind: 'index',
      referrerEntries: [{ digest: `sha256:${'d'.repeat(64)}`, kind: 'sbom' }],
    }),
  ],
  [`sha256-${hex}.att`, row(`sha256-${hex}.att`, `sha256:${'e'.repeat(64)}`)],
  [`sha256-${'b'.repeat(64)}.sig`, row(`sha256-${'b'.repeat(64)}.sig`, `sha256:${'f'.repeat(64)}`)],
])

describe('referrer tags in the table', () => {
  it('hides grouped ones, keeps a referrer of an untagged image, and badges the subject', () => {
    const display = computeDisplay(tags, rows, '', 'text', 'name', 'asc')
    expect(display.order).toEqual(['0.9', '1.0', `sha256-${'b'.repeat(64)}.sig`])
    expect(display.grouping.bySubjectTag.get('1.0')?.text).toBe('1 SBOM · 1 attestation')
    expect(display.grouping.orphans.has(`sha256-${'b'.repeat(64)}.sig`)).toBe(true)
    expect(display.grouping.hidden.size).toBe(2)
  })

  it('shows them right under their subject with the toggle, or with the badge for that subject only', () => {
    const all = computeDisplay(tags, rows, '', 'text', 'name', 'desc', { showAll: true, expanded: new Set() })
    expect(all.order).toEqual([`sha256-${'b'.repeat(64)}.sig`, '1.0', `sha256-${hex}`, `sha256-${hex}.att`, '0.9'])
    const one = computeDisplay(tags, rows, '', 'text', 'name', 'asc', { showAll: false, expanded: new Set([subject]) })
    expect(one.order).toEqual(['0.9', '1.0', `sha256-${hex}`, `sha256-${hex}.att`, `sha256-${'b'.repeat(64)}.sig`])
  })

  it('keeps the same display object, and no grouping, for a repository without referrer tags', () => {
    const plain = ['a', 'b', 'c']
    const plainRows = new Map(plain.map((t) => [t, row(t, `sha256:${'1'.repeat(64)}`)]))
    const first = computeDisplay(plain, plainRows, '', 'text', 'name', 'asc')
    expect(first.grouping).toBe(noGrouping)
    expect(computeDisplay(plain, plainRows, '', 'text', 'name', 'asc')).toBe(first)
  })

  it('keeps the grouping object while answers that change nothing about it arrive', () => {
    const first = computeDisplay(tags, rows, '', 'text', 'name', 'asc')
    const next = new Map(rows)
    next.set('0.9', row('0.9', `sha256:${'8'.repeat(64)}`))
    const second = computeDisplay(tags, next, '', 'text', 'name', 'asc')
    expect(second.grouping).toBe(first.grouping)
  })
})

// Referrer tags recognised from their names, grouped under their subject once digests are known.
import { describe, expect, it } from 'vitest'
import { countsText, groupReferrers, parseReferrerTag, referrerTagsOf } from '../../../shared/referrer-tags'
import type { TagDetails } from '../../../shared/types'
import { imageDetails as details } from '../../support/tag-details'

const hex = 'a'.repeat(64)
const subject = `sha256:${hex}`

describe('referrer tag names', () => {
  it.each([
    [`sha256-${hex}`, 'index'],
    [`sha256-${hex}.sig`, 'signature'],
    [`sha256-${hex}.att`, 'attestation'],
    [`sha256-${hex}.sbom`, 'sbom'],
  ])('reads %s as a %s of its subject', (tag, kind) => {
    expect(parseReferrerTag(tag)).toEqual({ subject, kind })
  })

  it.each([`sha256-${hex}.txt`, `sha256-${'a'.repeat(63)}`, `sha256-${'A'.repeat(64)}`, `sha512-${hex}`, 'latest', `v1-sha256-${hex}`])(
    'is not fooled by %s',
    (tag) => {
      expect(parseReferrerTag(tag)).toBeNull()
    },
  )

  it('finds the few referrer tags of a large list in one pass', () => {
    const tags = [...Array.from({ length: 10_000 }, (_, i) => `build-${i}`), `sha256-${hex}.sig`]
    expect([...referrerTagsOf(tags).keys()]).toEqual([`sha256-${hex}.sig`])
  })
})

describe('grouping under the subject', () => {
  const sbomDigest = `sha256:${'b'.repeat(64)}`
  const provenanceDigest = `sha256:${'c'.repeat(64)}`
  const attDigest = `sha256:${'d'.repeat(64)}`
  const rows = new Map<string, TagDetails>([
    ['1.0', details('1.0', subject)],
    ['latest', details('latest', subject)],
    [
      `sha256-${hex}`,
      details(`sha256-${hex}`, `sha256:${'e'.repeat(64)}`, {
        kind: 'index',
        referrerEntries: [
          { digest: sbomDigest, kind: 'sbom' },
          { digest: provenanceDigest, kind: 'attestation' },
        ],
      }),
    ],
    [`sha256-${hex}.att`, details(`sha256-${hex}.att`, attDigest)],
  ])
  const tags = [...rows.keys()]

  it('badges every tag of the subject with the counts and hides the referrer tags', () => {
    const grouping = groupReferrers(referrerTagsOf(tags), tags, (t) => rows.get(t) ?? null, true)
    const group = grouping.bySubjectTag.get('1.0')
    expect(group?.text).toBe('1 SBOM · 2 attestations')
    expect(grouping.bySubjectTag.get('latest')).toBe(group)
    expect(group?.members).toEqual([`sha256-${hex}`, `sha256-${hex}.att`])
    expect([...grouping.hidden].sort()).toEqual([`sha256-${hex}`, `sha256-${hex}.att`].sort())
    expect(grouping.orphans.size).toBe(0)
  })

  it('counts a cosign tag that is also an index entry once', () => {
    const both = new Map(rows)
    both.set(`sha256-${hex}.att`, details(`sha256-${hex}.att`, provenanceDigest))
    const grouping = groupReferrers(referrerTagsOf(tags), tags, (t) => both.get(t) ?? null, true)
    expect(grouping.bySubjectTag.get('1.0')?.text).toBe('1 SBOM · 1 attestation')
  })

  it('keeps a referrer of an untagged image visible once every row is known, hidden before', () => {
    const orphanTags = ['2.0', `sha256-${hex}.sig`]
    const orphanRows = new Map([['2.0', details('2.0', `sha256:${'f'.repeat(64)}`)]])
    const loading = groupReferrers(referrerTagsOf(orphanTags), orphanTags, (t) => orphanRows.get(t) ?? null, false)
    expect(loading.hidden.has(`sha256-${hex}.sig`)).toBe(true)
    const settled = groupReferrers(referrerTagsOf(orphanTags), orphanTags, (t) => orphanRows.get(t) ?? null, true)
    expect(settled.hidden.size).toBe(0)
    expect(settled.orphans.get(`sha256-${hex}.sig`)).toEqual({ subject, kind: 'signature' })
  })

  it('leaves a tag alone when its manifest names another subject', () => {
    const other = new Map(rows)
    other.set(`sha256-${hex}.att`, details(`sha256-${hex}.att`, attDigest, { subject: `sha256:${'9'.repeat(64)}` }))
    const grouping = groupReferrers(referrerTagsOf(tags), tags, (t) => other.get(t) ?? null, true)
    expect(grouping.hidden.has(`sha256-${hex}.att`)).toBe(false)
    expect(grouping.orphans.has(`sha256-${hex}.att`)).toBe(false)
  })

  it('says each kind in words', () => {
    expect(countsText({ signature: 2, sbom: 1, attestation: 1, other: 0 })).toBe('2 signatures · 1 SBOM · 1 attestation')
  })
})

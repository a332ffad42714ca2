import { describe, expect, it } from 'vitest'
import type { TagDetails } from '../../../shared/types'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import { signedDigestsToAsk } from '../../../renderer/src/stores/signatures'

const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`
const sigTag = (n: number): string => `${digest(n).replace(':', '-')}.sig`

function row(tag: string, n: number, checking: TagRow['checking'] = null): [string, TagRow] {
  const details = { tag, digest: digest(n) } as TagDetails
  return [tag, { tag, result: { tag, ok: true, details }, checking }]
}

describe('which images the table asks a signature mark for', () => {
  it('only confirmed rows whose cosign .sig tag is listed, each image once, none asked before', () => {
    const rows = new Map<string, TagRow>([
      row('signed', 1),
      row('also-signed', 1),
      row('unsigned', 2),
      row('from-cache', 3, 'cache'),
      row('asked', 4),
      ['pending', { tag: 'pending', result: undefined, checking: null }],
    ])
    const tags = ['signed', 'also-signed', 'unsigned', 'from-cache', 'asked', 'pending', sigTag(1), sigTag(3), sigTag(4)]
    expect(signedDigestsToAsk({ tags, rows }, new Set([digest(4)]))).toEqual([digest(1)])
  })
})

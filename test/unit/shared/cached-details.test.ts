import { describe, expect, it } from 'vitest'
import { packCachedTagDetails, unpackCachedTagDetails } from '../../../shared/cached-details'
import type { TagDetails } from '../../../shared/types'
import { imageDetails } from '../../support/tag-details'

const digest = (c: string): string => `sha256:${c.repeat(64)}`

const row = (tag: string, d: string, size: number): TagDetails => imageDetails(tag, d, { size })

describe('cached rows packed by digest', () => {
  it('sends each digest once and spells every tag out again', () => {
    const rows = [row('1.0', digest('a'), 10), row('latest', digest('a'), 10), row('stable', digest('a'), 10), row('0.9', digest('b'), 20)]
    const packed = packCachedTagDetails('acme/web', rows)
    expect(packed.details).toHaveLength(2)
    expect(packed.tags).toEqual({ '1.0': digest('a'), latest: digest('a'), stable: digest('a'), '0.9': digest('b') })
    expect(unpackCachedTagDetails(packed)).toEqual(rows)
  })

  it('leaves out a tag whose digest came without details', () => {
    const packed = packCachedTagDetails('acme/web', [row('1.0', digest('a'), 10)])
    expect(unpackCachedTagDetails({ ...packed, tags: { ...packed.tags, ghost: digest('c') } }).map((r) => r.tag)).toEqual(['1.0'])
  })
})

// The copy and add-tag forms as typed → the planCopy request, or what is wrong next to each field;
// and which selected rows may be copied at all (only those the registry confirmed in this load).
import { describe, expect, it } from 'vitest'
import {
  checkCopyForm,
  expectedDigestsOf,
  initialCopyForm,
  platformChoices,
  selectedImages,
  splitTags,
  whyNotCopyable,
  whyNotARepository,
  type CopySource,
  type CopySourceImage,
} from '../../../renderer/src/model/copy-form'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import type { TagDetails } from '../../../shared/types'

const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`
const index: CopySourceImage = { tag: '1.4.2', digest: digest(1), kind: 'index', platforms: ['linux/amd64', 'linux/arm64/v8'] }
const image: CopySourceImage = { tag: 'latest', digest: digest(2), kind: 'image', platforms: [] }
const source: CopySource = { registryId: 'acme', repository: 'team/app', images: [index, image] }

describe('splitTags', () => {
  it.each([
    ['1.4 stable', ['1.4', 'stable']],
    [' a, b ,,c  a ', ['a', 'b', 'c']],
    ['', []],
  ])('%j → %j', (text, tags) => expect(splitTags(text)).toEqual(tags))
})

describe('whyNotARepository', () => {
  it.each([
    ['team/app', null],
    ['a/b-c/d__e.f', null],
    ['', 'Name the repository, e.g. team/app.'],
    ['Team/App', 'Repository names are lowercase.'],
    ['team//app', expect.stringMatching(/^Use lowercase letters/)],
    ['-team', expect.stringMatching(/^Use lowercase letters/)],
  ])('%j', (name, why) => expect(whyNotARepository(name)).toEqual(why))
})

describe('checkCopyForm for "Copy to…"', () => {
  it('names each image by its confirmed digest, with its tags, every platform by default', () => {
    const form = { ...initialCopyForm(source, 'copy', null), registryId: 'mirror', repository: ' mirror/app ' }
    const checked = checkCopyForm(source, form, 'copy')
    expect(checked.request).toEqual({
      source: { registryId: 'acme', repository: 'team/app' },
      destination: { registryId: 'mirror', repository: 'mirror/app' },
      items: [
        { reference: digest(1), tags: ['1.4.2'] },
        { reference: digest(2), tags: ['latest'] },
      ],
      platforms: [],
      referrers: false,
      force: false,
    })
  })

  it('starts where the last copy went', () => {
    expect(initialCopyForm(source, 'copy', { registryId: 'mirror', repository: 'x/y' })).toMatchObject({
      registryId: 'mirror',
      repository: 'x/y',
    })
  })

  it('sends the chosen platforms, and none when every one is chosen (the index is kept as it is)', () => {
    const base = { ...initialCopyForm(source, 'copy', null), repository: 'mirror/app' }
    expect(checkCopyForm(source, { ...base, platforms: ['linux/arm64/v8'] }, 'copy').request?.platforms).toEqual(['linux/arm64/v8'])
    expect(checkCopyForm(source, { ...base, platforms: ['linux/arm64/v8', 'linux/amd64'] }, 'copy').request?.platforms).toEqual([])
    expect(checkCopyForm(source, { ...base, platforms: [] }, 'copy').errors.platforms).toBe(
      'Choose at least one platform, or copy every platform.',
    )
  })

  it('refuses a missing tag, a bad tag, a tag given to two images, and a copy onto itself', () => {
    const base = { ...initialCopyForm(source, 'copy', null), repository: 'mirror/app' }
    expect(checkCopyForm(source, { ...base, tags: ['', 'latest'] }, 'copy').errors.tags).toEqual(['Give at least one tag.', null])
    expect(checkCopyForm(source, { ...base, tags: ['a', 'b/c'] }, 'copy').errors.tags[1]).toMatch(/^"b\/c" is not a tag: it contains "\/"/)
    expect(checkCopyForm(source, { ...base, tags: ['same', 'same'] }, 'copy').errors.tags[1]).toBe(
      'same is given to 1.4.2 too: a tag names one image.',
    )
    const onto = checkCopyForm(source, { ...base, repository: 'team/app' }, 'copy')
    expect(onto.request).toBeNull()
    expect(onto.errors.form).toMatch(/^That is the repository the tags are in/)
    // The same repository with other names is a retag, and fine.
    expect(checkCopyForm(source, { ...base, repository: 'team/app', tags: ['1.4', 'stable'] }, 'copy').request).not.toBeNull()
  })
})

describe('checkCopyForm for "Add tag…"', () => {
  it('writes in the source repository, leaves out images given no tag, and never asks for referrers', () => {
    const form = { ...initialCopyForm(source, 'tag', null), tags: ['', 'production prod'], referrers: true }
    const checked = checkCopyForm(source, form, 'tag')
    expect(checked.request?.destination).toEqual({ registryId: 'acme', repository: 'team/app' })
    expect(checked.request?.items).toEqual([{ reference: digest(2), tags: ['production', 'prod'] }])
    expect(checked.request?.referrers).toBe(false)
    expect(checked.images).toEqual([image])
  })

  it('asks for a tag, and refuses the tag the image has already', () => {
    expect(checkCopyForm(source, initialCopyForm(source, 'tag', null), 'tag').errors.form).toBe('Type the new tag.')
    expect(checkCopyForm(source, { ...initialCopyForm(source, 'tag', null), tags: ['1.4.2', ''] }, 'tag').errors.tags[0]).toBe(
      '1.4.2 is the tag this image has already.',
    )
  })
})

describe('what may be copied', () => {
  const details = (tag: string, n: number): TagDetails => ({
    tag,
    digest: digest(n),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    kind: 'index',
    configDigest: null,
    size: 1,
    sizeNote: '',
    created: null,
    createdSource: 'unknown',
    platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8', digest: digest(9), mediaType: '', size: 1 }],
    attestations: 0,
    artifactType: null,
  })
  const rows = new Map<string, TagRow>([
    ['ok', { tag: 'ok', checking: null, result: { tag: 'ok', ok: true, details: details('ok', 3) } }],
    ['cached', { tag: 'cached', checking: 'cache', result: { tag: 'cached', ok: true, details: details('cached', 4) } }],
    ['broken', { tag: 'broken', checking: null, result: { tag: 'broken', ok: false, error: { code: 'invalid_response', message: 'x' } } }],
  ])

  it('takes only rows the registry confirmed in this load', () => {
    expect(selectedImages(['ok'], rows)).toEqual({
      images: [{ tag: 'ok', digest: digest(3), kind: 'index', platforms: ['linux/arm64/v8'] }],
      waiting: 0,
      unreadable: 0,
    })
    const mixed = selectedImages(['ok', 'cached', 'broken', 'unknown'], rows)
    expect(mixed.images.map((i) => i.tag)).toEqual(['ok'])
    expect(whyNotCopyable(4, mixed)).toBe('1 selected tag could not be read: copy only tags whose details the registry answered.')
    expect(whyNotCopyable(2, selectedImages(['ok', 'cached'], rows))).toBe('Waiting for the registry to confirm 1 selected tag.')
    expect(whyNotCopyable(0, { waiting: 0, unreadable: 0 })).toBe('Select one or more tags first.')
  })

  it('offers the platforms of the indexes only', () => {
    expect(platformChoices([index, image, { ...index, platforms: ['linux/amd64', 'linux/s390x'] }])).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
      'linux/s390x',
    ])
  })
})

describe('expectedDigestsOf', () => {
  it('confirms every destination tag of the plan, referrer tags too, absent ones as empty', () => {
    const plan = {
      items: [
        {
          tags: [
            { tag: 'new', current: null },
            { tag: 'moved', current: digest(5) },
          ],
          referrers: [{ tags: [{ tag: `sha256-${'1'.repeat(64)}.sig`, current: null }] }],
        },
      ],
    }
    expect(expectedDigestsOf(plan)).toEqual({ new: '', moved: digest(5), [`sha256-${'1'.repeat(64)}.sig`]: '' })
  })
})

// @vitest-environment happy-dom
// A tag row's supply-chain marks leave the tag name its room: the signature is an icon with a name,
// the referrers a paperclip and a count whose label spells them out; a plain image's type is quiet
// text; a referrers index lists no "unknown/unknown" platforms; a referrer tag keeps its suffix.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ReferrerGroup } from '../../../shared/referrer-tags'
import type { Platform, TagDetails } from '../../../shared/types'
import type { TagRow } from '../model/tag-rows'
import { useReferrerView } from '../stores/referrer-view'
import { useSignatures } from '../stores/signatures'
import { useTags } from '../stores/tags'
import { TagRowView } from './tag-row'

const subject = `sha256:${'c9'.repeat(32)}`
const indexTag = `sha256-${'c9'.repeat(32)}`

function details(tag: string, extra: Partial<TagDetails> = {}): TagDetails {
  return {
    tag,
    digest: subject,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    configDigest: `sha256:${'0a'.repeat(32)}`,
    size: 634,
    sizeNote: '',
    created: '2025-09-01T10:00:00.000Z',
    createdSource: 'config',
    platforms: [],
    platform: { os: 'linux', architecture: 'amd64' },
    attestations: 0,
    artifactType: null,
    ...extra,
  }
}

const row = (d: TagDetails): TagRow => ({ tag: d.tag, result: { tag: d.tag, ok: true, details: d }, checking: null })

const group: ReferrerGroup = {
  subject,
  subjectTags: ['1.0'],
  members: [indexTag, `${indexTag}.att`],
  counts: { signature: 0, sbom: 1, attestation: 2, other: 0 },
  text: '1 SBOM · 2 attestations',
}

const entry = (digit: string): Platform => ({
  os: 'unknown',
  architecture: 'unknown',
  digest: `sha256:${digit.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: null,
})

function renderRow(props: Parameters<typeof TagRowView>[0]) {
  render(<TagRowView {...props} />)
  return screen.getByRole('row')
}

beforeEach(() => {
  useSignatures.setState({ marks: {}, reports: {} })
  useReferrerView.setState({ key: null, view: { showAll: false, expanded: new Set() } })
  useTags.setState({ registryId: 'acme', repository: 'acme/attested' })
})

afterEach(() => cleanup())

describe('a tag row', () => {
  it('shows its referrers as a paperclip and a count, spelled out in its name and tooltip, and opens them on a click', () => {
    const r = renderRow({ row: row(details('1.0')), index: 0, top: 0, referrers: group })
    const badge = within(r).getByRole('button', { name: '1 SBOM · 2 attestations' })
    expect(badge.textContent).toBe('3')
    expect(badge.title).toBe('1 SBOM · 2 attestations: click to show its 2 referrer tags')
    expect(badge.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(badge)
    expect(useReferrerView.getState().view.expanded.has(subject)).toBe(true)
    expect(r.querySelector('.tag-name')?.textContent).toBe('1.0')
  })

  it('marks a verified image with a named icon, and keeps its place while a signed image is checked', () => {
    const signedGroup = { ...group, counts: { ...group.counts, signature: 1 } }
    const r = renderRow({ row: row(details('1.0')), index: 0, top: 0, referrers: signedGroup })
    expect(r.querySelector('.signature-mark')).toBeNull()
    expect(r.querySelector('.signature-slot')).not.toBeNull()
    act(() => {
      useSignatures.setState({ marks: { [subject]: { digest: subject, status: 'verified', note: 'Verified by release (SHA256:0123)' } } })
    })
    const mark = within(r).getByRole('img', { name: 'Verified by release (SHA256:0123)' })
    expect(mark.getAttribute('data-signature')).toBe('verified')
    expect(mark.title).toBe('Verified by release (SHA256:0123)')
    expect(r.querySelector('.signature-slot')).toBeNull()
  })

  it('says "image" as plain text, and keeps a pill for what is not a plain image', () => {
    const image = renderRow({ row: row(details('1.0')), index: 0, top: 0 })
    const type = image.querySelector('.col-type')
    expect(type?.textContent).toBe('image')
    expect(type?.querySelector('.kind-badge')).toBeNull()
    cleanup()
    const index = renderRow({ row: row(details('2.0', { kind: 'index', platforms: [] })), index: 0, top: 0 })
    expect(index.querySelector('.col-type .kind-badge')?.textContent).toBe('index')
  })

  it('lists no platform for a referrers index, whose entries read unknown/unknown', () => {
    const d = details(indexTag, {
      kind: 'index',
      platforms: [entry('1'), entry('2')],
      referrerEntries: [
        { digest: `sha256:${'1'.repeat(64)}`, kind: 'sbom' },
        { digest: `sha256:${'2'.repeat(64)}`, kind: 'attestation' },
      ],
    })
    delete d.platform
    const r = renderRow({ row: row(d), index: 1, top: 30, referrerOf: 'referrer of 1.0' })
    const cell = r.querySelector('.col-platforms')
    expect(cell?.textContent).toBe('—')
    expect(cell?.getAttribute('title')).toMatch(/referrers index/)
  })

  it('keeps a referrer tag’s suffix apart from its digest, and the whole tag as its text', () => {
    const tag = `${indexTag}.att`
    const r = renderRow({ row: row(details(tag)), index: 1, top: 30, referrerOf: 'referrer of 1.0' })
    const name = r.querySelector('.tag-name')
    expect(name?.textContent).toBe(tag)
    expect(name?.querySelector('.tag-name-tail')?.textContent).toBe('.att')
    expect(name?.getAttribute('title')).toBe(`${tag}\nreferrer of 1.0`)
  })
})

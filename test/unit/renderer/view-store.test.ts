// The view store following the saved registries and the tag rows: a link names a registry by
// address, waits for a profile with that address, and a digest link opens the tag confirmed at it.
import { beforeEach, describe, expect, it } from 'vitest'
import type { TagDetails } from '../../../shared/types'
import { genericCapabilities } from '../../../shared/registry-capabilities'
import type { RegistryView } from '../../../shared/types'
import type { TagRow } from '../../../renderer/src/model/tag-rows'
import { defaultView } from '../../../renderer/src/model/view-hash'
import { useRegistries } from '../../../renderer/src/stores/registries'
import { applyHash, currentView, followDigest, followRegistries, useView } from '../../../renderer/src/stores/view'

function registry(id: string, url: string): RegistryView {
  return {
    id,
    name: id,
    url,
    kind: 'distribution',
    authMode: 'auto',
    insecure: false,
    favorites: [],
    hasCredential: false,
    capabilities: genericCapabilities,
  }
}

const lab = registry('127-0-0-1-41029', 'http://127.0.0.1:41029')
const digest = `sha256:${'1'.repeat(64)}`

function row(tag: string, rowDigest: string, checking: TagRow['checking']): TagRow {
  const details = { tag, digest: rowDigest } as TagDetails
  return { tag, result: { tag, ok: true, details }, checking }
}

beforeEach(() => {
  useRegistries.setState({ status: 'idle', registries: [], error: null })
  useView.setState({ ...defaultView })
})

describe('view store', () => {
  it('waits for the profile a link names, then opens the linked place', () => {
    applyHash('#/127.0.0.1:41029/acme/web?tag=1.0&sort=date')
    expect(currentView(useView.getState())).toMatchObject({
      registryId: null,
      address: '127.0.0.1:41029',
      repository: 'acme/web',
      tag: '1.0',
    })
    useRegistries.setState({ status: 'ready', registries: [lab] })
    followRegistries([lab])
    expect(currentView(useView.getState())).toMatchObject({ registryId: lab.id, repository: 'acme/web', tag: '1.0', sort: 'date' })
  })

  it('stays on the linked place when the registry added from the link is shown', () => {
    applyHash('#/127.0.0.1:41029/acme/web?tag=1.0')
    useRegistries.setState({ status: 'ready', registries: [lab] })
    followRegistries([lab])
    useView.getState().showRegistry(lab.id)
    expect(currentView(useView.getState())).toMatchObject({ registryId: lab.id, repository: 'acme/web', tag: '1.0' })
  })

  it('shows the repository list of a registry added apart from any link', () => {
    const other = registry('other', 'https://registry.example.com')
    useRegistries.setState({ status: 'ready', registries: [lab, other] })
    applyHash('#/127.0.0.1:41029/acme/web')
    useView.getState().showRegistry(other.id)
    expect(currentView(useView.getState())).toMatchObject({ registryId: 'other', address: 'registry.example.com', repository: null })
  })

  it('gives an old id link its address once the profiles are known', () => {
    applyHash('#/r/127-0-0-1-41029/acme/web')
    expect(useView.getState()).toMatchObject({ registryId: lab.id, address: null })
    followRegistries([lab])
    expect(useView.getState()).toMatchObject({ registryId: lab.id, address: '127.0.0.1:41029', repository: 'acme/web' })
  })

  it('picks the address of a registry chosen in the sidebar, and forgets it when the registry goes', () => {
    useRegistries.setState({ status: 'ready', registries: [lab] })
    useView.getState().update({ registryId: lab.id, repository: null, tag: null })
    expect(useView.getState().address).toBe('127.0.0.1:41029')
    useRegistries.setState({ registries: [] })
    followRegistries([])
    useView.getState().update({ registryId: null, repository: null, tag: null })
    expect(currentView(useView.getState())).toEqual(defaultView)
  })

  it('offers the link again when the profile it opened goes away', () => {
    useRegistries.setState({ status: 'ready', registries: [lab] })
    applyHash('#/127.0.0.1:41029/acme/web')
    expect(useView.getState().registryId).toBe(lab.id)
    followRegistries([])
    expect(currentView(useView.getState())).toMatchObject({ registryId: null, address: '127.0.0.1:41029', repository: 'acme/web' })
  })

  it('opens the first tag the registry confirmed at a linked digest, never a cached one', () => {
    useRegistries.setState({ status: 'ready', registries: [lab] })
    applyHash(`#/127.0.0.1:41029/acme/web?digest=${digest}`)
    const tags = { registryId: lab.id, repository: 'acme/web', tags: ['cached', 'other', 'confirmed', 'later'] }
    const rows = new Map<string, TagRow>([
      ['cached', row('cached', digest, 'cache')],
      ['other', row('other', `sha256:${'2'.repeat(64)}`, null)],
    ])
    followDigest({ ...tags, rows })
    expect(useView.getState().tag).toBeNull()
    rows.set('confirmed', row('confirmed', digest, null))
    rows.set('later', row('later', digest, null))
    followDigest({ ...tags, rows: new Map(rows) })
    expect(useView.getState()).toMatchObject({ tag: 'confirmed', digest })
  })

  it('drops the digest once the user opens another tag', () => {
    useRegistries.setState({ status: 'ready', registries: [lab] })
    applyHash(`#/127.0.0.1:41029/acme/web?digest=${digest}`)
    useView.getState().update({ tag: 'latest' })
    expect(useView.getState()).toMatchObject({ tag: 'latest', digest: null })
  })

  it('leaves a link to a registry with no profile when the user dismisses it', () => {
    useRegistries.setState({ status: 'ready', registries: [] })
    applyHash('#/other.example.com/app')
    useView.getState().update({ address: null, repository: null, tag: null, digest: null })
    expect(currentView(useView.getState())).toEqual(defaultView)
  })
})

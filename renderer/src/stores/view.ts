// The view (registry, repository, selected tag, sort, filters) mirrored to the location hash: the
// hash is the source of truth on load and on back/forward; user actions push a new history entry
// only when the place changes (registry/repo/tag), and replace it for sort/filter keystrokes.
// The hash names the registry by address (model/view-hash.ts), so the view follows the saved
// registries: a link waits for the profile list, and opens as soon as a profile has its address.
import { create } from 'zustand'
import { pickRegistryForAddress } from '../../../shared/view-link'
import {
  addressOfRegistry,
  defaultView,
  formatViewHash,
  parseViewHash,
  sameView,
  type KnownRegistry,
  type ViewState,
} from '../model/view-hash'
import { verifiedDetailsOf } from '../model/tag-rows'
import { useRegistries } from './registries'
import { useTags, type TagsStore } from './tags'

interface ViewStore extends ViewState {
  /** Merge a change into the view and write it to the hash. */
  update: (patch: Partial<ViewState>) => void
  /**
   * Show a registry just added or saved. A view already inside it stays: the place a link named
   * (the link that offered to add this registry), or the repository open while its profile was edited.
   */
  showRegistry: (registryId: string) => void
}

export const useView = create<ViewStore>()((set, get) => ({
  ...defaultView,
  update: (patch) => {
    const before = currentView(get())
    const next: ViewState = { ...before, ...patch }
    if (patch.registryId !== undefined && patch.address === undefined) {
      next.address = addressOfRegistry(useRegistries.getState().registries, patch.registryId)
    }
    // A digest in a link picks a tag once; any other place or tag the user moves to drops it.
    const moved = next.registryId !== before.registryId || next.address !== before.address || next.repository !== before.repository
    if (patch.digest === undefined && (moved || next.tag !== before.tag)) next.digest = null
    if (sameView(before, next)) return
    set(next)
    writeHash(next, before)
  },
  showRegistry: (registryId) => {
    const view = get()
    if (view.registryId === registryId) return
    const address = addressOfRegistry(useRegistries.getState().registries, registryId)
    if (view.registryId === null && view.address !== null && view.address === address) {
      set({ registryId })
      replaceHash()
      return
    }
    view.update({ registryId, repository: null, tag: null })
  },
}))

export function currentView(s: ViewState): ViewState {
  return {
    registryId: s.registryId,
    address: s.address,
    repository: s.repository,
    tag: s.tag,
    digest: s.digest,
    sort: s.sort,
    dir: s.dir,
    q: s.q,
    mode: s.mode,
    platform: s.platform,
  }
}

/** The page's location and history, typed here so the store runs (and type-checks) in Node tests, where there is none. */
interface Page {
  location: { hash: string; pathname: string; search: string }
  history: {
    state: unknown
    pushState(state: unknown, unused: string, url: string): void
    replaceState(state: unknown, unused: string, url: string): void
  }
  addEventListener(type: 'hashchange', listener: () => void): void
  removeEventListener(type: 'hashchange', listener: () => void): void
}

function page(): Page | null {
  return (globalThis as { window?: Page }).window ?? null
}

function writeHash(next: ViewState, before: ViewState): void {
  const window = page()
  if (window === null) return
  const hash = formatViewHash(next)
  if (window.location.hash === hash) return
  const placeChanged =
    next.registryId !== before.registryId ||
    next.address !== before.address ||
    next.repository !== before.repository ||
    next.tag !== before.tag
  const url = `${window.location.pathname}${window.location.search}${hash}`
  if (placeChanged) window.history.pushState(null, '', url)
  else window.history.replaceState(null, '', url)
}

/** The same place, spelled better (by address, a tag found for a digest): no new history entry. */
function replaceHash(): void {
  const window = page()
  if (window === null) return
  const hash = formatViewHash(currentView(useView.getState()))
  if (window.location.hash === hash || (window.location.hash === '' && hash === '#/')) return
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}${hash}`)
}

/**
 * Show the view a hash describes: used on load, on hashchange (back/forward, a pasted link) and for
 * the Electron `navigate` event of berth:// links.
 */
export function applyHash(hash: string): void {
  const state = currentView(useView.getState())
  const next = parseViewHash(hash, useRegistries.getState().registries, state)
  if (!sameView(state, next)) useView.setState(next)
  const window = page()
  if (window === null) return
  if (window.location.hash !== hash && hash !== '') {
    const normalized = formatViewHash(next)
    if (window.location.hash !== normalized) {
      window.history.pushState(null, '', `${window.location.pathname}${window.location.search}${normalized}`)
    }
  } else {
    replaceHash()
  }
}

/**
 * The saved registries changed (loaded, added, edited): a link waiting for its address opens, and a
 * view known only by a local id (an old link) gets its address, which is what the hash then shows.
 */
export function followRegistries(registries: readonly KnownRegistry[]): void {
  const view = useView.getState()
  if (view.registryId === null) {
    if (view.address === null) return
    const picked = pickRegistryForAddress(registries, view.address)
    if (picked === undefined) return
    useView.setState({ registryId: picked.id })
  } else if (registries.some((r) => r.id === view.registryId)) {
    const address = addressOfRegistry(registries, view.registryId)
    if (address === null || address === view.address) return
    useView.setState({ address })
  } else {
    // The profile went (removed, or a failed add undone): a link's address may still have another.
    if (view.address === null) return
    useView.setState({ registryId: pickRegistryForAddress(registries, view.address)?.id ?? null })
  }
  replaceHash()
}

/** A link to a digest opens the first tag the registry confirms at that digest (never a cached one). */
export function followDigest(tags: Pick<TagsStore, 'registryId' | 'repository' | 'tags' | 'rows'>): void {
  const view = useView.getState()
  if (view.digest === null || view.tag !== null || view.registryId === null) return
  if (tags.registryId !== view.registryId || tags.repository !== view.repository) return
  const found = tags.tags.find((tag) => verifiedDetailsOf(tags.rows.get(tag))?.digest === view.digest)
  if (found === undefined) return
  useView.setState({ tag: found })
  replaceHash()
}

/** Starts following the hash, the saved registries and (for digest links) the tag rows; returns the function that stops it. */
export function startHashSync(): () => void {
  const window = page()
  if (window === null) return () => undefined
  applyHash(window.location.hash)
  const onChange = (): void => applyHash(window.location.hash)
  window.addEventListener('hashchange', onChange)
  const stopRegistries = useRegistries.subscribe((now, before) => {
    if (now.registries !== before.registries) followRegistries(now.registries)
  })
  const stopTags = useTags.subscribe((now) => followDigest(now))
  return () => {
    window.removeEventListener('hashchange', onChange)
    stopRegistries()
    stopTags()
  }
}

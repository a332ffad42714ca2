// The view (registry, repository, selected tag, sort, filter) mirrored to the location hash: the
// hash is the source of truth on load and on back/forward; user actions push a new history entry
// only when the place changes (registry/repo/tag), and replace it for sort/filter keystrokes.
import { create } from 'zustand'
import { defaultView, formatHash, parseHash, sameView, type ViewState } from '../model/view-hash'

interface ViewStore extends ViewState {
  /** Merge a change into the view and write it to the hash. */
  update: (patch: Partial<ViewState>) => void
}

export const useView = create<ViewStore>()((set, get) => ({
  ...defaultView,
  update: (patch) => {
    const before = currentView(get())
    const next = { ...before, ...patch }
    if (sameView(before, next)) return
    set(next)
    writeHash(next, before)
  },
}))

export function currentView(s: ViewState): ViewState {
  return { registryId: s.registryId, repository: s.repository, tag: s.tag, sort: s.sort, dir: s.dir, q: s.q, mode: s.mode }
}

function writeHash(next: ViewState, before: ViewState): void {
  if (typeof window === 'undefined') return
  const hash = formatHash(next)
  if (window.location.hash === hash) return
  const placeChanged = next.registryId !== before.registryId || next.repository !== before.repository || next.tag !== before.tag
  const url = `${window.location.pathname}${window.location.search}${hash}`
  if (placeChanged) window.history.pushState(null, '', url)
  else window.history.replaceState(null, '', url)
}

/**
 * Show the view a hash describes: used on load, on hashchange (back/forward, a pasted link) and for
 * the Electron `navigate` event of berth:// links.
 */
export function applyHash(hash: string): void {
  const next = parseHash(hash)
  const state = useView.getState()
  if (!sameView(currentView(state), next)) useView.setState(next)
  if (typeof window !== 'undefined' && window.location.hash !== hash && hash !== '') {
    const normalized = formatHash(next)
    if (window.location.hash !== normalized) {
      window.history.pushState(null, '', `${window.location.pathname}${window.location.search}${normalized}`)
    }
  }
}

/** Starts following the hash; returns the function that stops it. */
export function startHashSync(): () => void {
  applyHash(window.location.hash)
  const onChange = (): void => applyHash(window.location.hash)
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

// The view lives in the location hash so it can be shared, restored on load and followed by
// back/forward: `#/r/<registryId>/<repository>?tag=<tag>&sort=date&dir=desc&q=<filter>&mode=regex`.
// Parsing is total: a hand-edited or stale hash yields the defaults, never an exception.

export const sortKeys = ['name', 'semver', 'date', 'size'] as const
export type SortKey = (typeof sortKeys)[number]
export type SortDir = 'asc' | 'desc'
export type FilterMode = 'text' | 'regex'

export interface ViewState {
  registryId: string | null
  repository: string | null
  tag: string | null
  sort: SortKey
  dir: SortDir
  q: string
  mode: FilterMode
}

export const defaultView: ViewState = {
  registryId: null,
  repository: null,
  tag: null,
  sort: 'semver',
  dir: 'desc',
  q: '',
  mode: 'text',
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}

export function parseHash(hash: string): ViewState {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash
  const queryAt = raw.indexOf('?')
  const path = queryAt >= 0 ? raw.slice(0, queryAt) : raw
  const query = new URLSearchParams(queryAt >= 0 ? raw.slice(queryAt + 1) : '')
  const view: ViewState = { ...defaultView }

  const segments = path.split('/').filter((s) => s !== '')
  if (segments[0] === 'r' && segments[1] !== undefined) {
    view.registryId = decode(segments[1])
    const repoParts = segments.slice(2).map(decode)
    if (view.registryId !== null && repoParts.length > 0 && repoParts.every((p): p is string => p !== null && p !== '')) {
      view.repository = repoParts.join('/')
    }
  }
  const sort = query.get('sort')
  if (sort && (sortKeys as readonly string[]).includes(sort)) view.sort = sort as SortKey
  const dir = query.get('dir')
  if (dir === 'asc' || dir === 'desc') view.dir = dir
  if (query.get('mode') === 'regex') view.mode = 'regex'
  view.q = query.get('q') ?? ''
  const tag = query.get('tag')
  view.tag = view.repository !== null && tag ? tag : null
  return view
}

/** Defaults are left out so a plain link stays short. */
export function formatHash(view: ViewState): string {
  if (view.registryId === null) return '#/'
  let path = `#/r/${encodeURIComponent(view.registryId)}`
  if (view.repository !== null) path += `/${view.repository.split('/').map(encodeURIComponent).join('/')}`
  const query = new URLSearchParams()
  if (view.repository !== null && view.tag) query.set('tag', view.tag)
  if (view.sort !== defaultView.sort) query.set('sort', view.sort)
  if (view.dir !== defaultView.dir) query.set('dir', view.dir)
  if (view.q !== '') query.set('q', view.q)
  if (view.mode !== defaultView.mode) query.set('mode', view.mode)
  const qs = query.toString()
  return qs === '' ? path : `${path}?${qs}`
}

export function sameView(a: ViewState, b: ViewState): boolean {
  return (
    a.registryId === b.registryId &&
    a.repository === b.repository &&
    a.tag === b.tag &&
    a.sort === b.sort &&
    a.dir === b.dir &&
    a.q === b.q &&
    a.mode === b.mode
  )
}

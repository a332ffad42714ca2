// The view lives in the location hash so it can be shared, restored on load and followed by
// back/forward. The hash names the registry by its address, like a berth:// link
// (shared/view-link.ts: `#/<host[:port]>/<repository>?tag=…&sort=date&q=…`); the view itself holds
// the local profile id the address resolved to, since every call to the core takes that id.
// Parsing is total: a hand-edited or stale hash yields the defaults, never an exception.
import {
  defaultViewLink,
  formatHash,
  parseHash,
  pickRegistryForAddress,
  registryAddressOfUrl,
  type FilterMode,
  type SortDir,
  type SortKey,
  type ViewLink,
} from '../../../shared/view-link'

export { sortKeys, type FilterMode, type SortDir, type SortKey } from '../../../shared/view-link'

export interface ViewState {
  /** The saved profile shown; null while a link's address has no profile (yet: the list may still be loading). */
  registryId: string | null
  /** The registry's address, as links name it: for a link to a registry with no profile, all Berth knows of it. */
  address: string | null
  repository: string | null
  tag: string | null
  /** A link to a digest: the first tag the registry confirms at that digest becomes `tag`. */
  digest: string | null
  sort: SortKey
  dir: SortDir
  q: string
  mode: FilterMode
  /** The table's platform filter (`linux/arm64`); '' = every tag. */
  platform: string
}

export const defaultView: ViewState = {
  registryId: null,
  address: null,
  repository: null,
  tag: null,
  digest: null,
  sort: defaultViewLink.sort,
  dir: defaultViewLink.dir,
  q: defaultViewLink.q,
  mode: defaultViewLink.mode,
  platform: defaultViewLink.platform,
}

/** What the view needs to know of a saved registry. */
export interface KnownRegistry {
  id: string
  url: string
}

export function addressOfRegistry(registries: readonly KnownRegistry[], registryId: string | null): string | null {
  const registry = registryId === null ? undefined : registries.find((r) => r.id === registryId)
  return registry === undefined ? null : registryAddressOfUrl(registry.url)
}

/**
 * The view a hash describes, its registry resolved against the saved ones. `current` keeps the
 * profile already shown when the link names its address: with two profiles on one address, going
 * back and forth must not switch from the one the user picked to the one a fresh load would pick.
 */
export function viewFromLink(link: ViewLink, registries: readonly KnownRegistry[], current?: ViewState): ViewState {
  const view: ViewState = {
    ...defaultView,
    repository: link.repository,
    tag: link.tag,
    digest: link.digest,
    sort: link.sort,
    dir: link.dir,
    q: link.q,
    mode: link.mode,
    platform: link.platform,
  }
  if (link.registry?.kind === 'id') {
    view.registryId = link.registry.id
    view.address = addressOfRegistry(registries, link.registry.id)
  } else if (link.registry?.kind === 'address') {
    view.address = link.registry.address
    const keep = current !== undefined && current.address === link.registry.address && current.registryId !== null
    view.registryId = keep ? current.registryId : (pickRegistryForAddress(registries, link.registry.address)?.id ?? null)
  }
  return view
}

/** The link of a view: by address once it is known, by the local id until then (a legacy link before the profiles load). */
export function linkOfView(view: ViewState): ViewLink {
  const registry: ViewLink['registry'] =
    view.address !== null
      ? { kind: 'address', address: view.address }
      : view.registryId !== null
        ? { kind: 'id', id: view.registryId }
        : null
  return {
    registry,
    repository: registry === null ? null : view.repository,
    tag: view.tag,
    digest: view.digest,
    sort: view.sort,
    dir: view.dir,
    q: view.q,
    mode: view.mode,
    platform: view.platform,
  }
}

export function parseViewHash(hash: string, registries: readonly KnownRegistry[], current?: ViewState): ViewState {
  return viewFromLink(parseHash(hash), registries, current)
}

export function formatViewHash(view: ViewState): string {
  return formatHash(linkOfView(view))
}

export function sameView(a: ViewState, b: ViewState): boolean {
  return (
    a.registryId === b.registryId &&
    a.address === b.address &&
    a.repository === b.repository &&
    a.tag === b.tag &&
    a.digest === b.digest &&
    a.sort === b.sort &&
    a.dir === b.dir &&
    a.q === b.q &&
    a.mode === b.mode &&
    a.platform === b.platform
  )
}

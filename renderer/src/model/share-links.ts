// The links "Copy link" offers for a place in a registry: a berth:// link, which opens the same view
// in the Berth app of anyone who can reach the registry, and in web mode the page's own URL, which
// opens it in another tab of this browser while this `berth web` runs (its access cookie is set).
import { defaultViewLink, formatBerthLink, formatHash, registryAddressOfUrl, type ViewLink } from '../../../shared/view-link'

/** A place to link to; its registry is a saved profile's URL. */
export type LinkPlace = Partial<Omit<ViewLink, 'registry' | 'repository'>> & { repository: string | null }

export interface ShareLink {
  id: 'berth' | 'web'
  label: string
  url: string
}

/**
 * The links to `place` ([] when the registry's address is unknown). `webBase` is the page's origin
 * and path in web mode (`http://127.0.0.1:PORT/`), null in the desktop app, whose page is a file.
 */
export function shareLinks(registryUrl: string | undefined, place: LinkPlace, webBase: string | null): ShareLink[] {
  const address = registryUrl === undefined ? null : registryAddressOfUrl(registryUrl)
  if (address === null) return []
  const link: ViewLink = { ...defaultViewLink, ...place, registry: { kind: 'address', address } }
  const links: ShareLink[] = []
  const berth = formatBerthLink(link)
  if (berth !== null) links.push({ id: 'berth', label: 'Berth link', url: berth })
  if (webBase !== null) links.push({ id: 'web', label: 'Link for this browser', url: `${webBase}${formatHash(link)}` })
  return links
}

/** The page's origin and path when it is served over http (web mode); null for the app's file page. */
export function webBaseOf(location: { protocol: string; origin: string; pathname: string }, inApp: boolean): string | null {
  if (inApp || (location.protocol !== 'http:' && location.protocol !== 'https:')) return null
  return `${location.origin}${location.pathname}`
}

// Counts while a listing pages in, for the app's "1,200 tags so far" instead of placeholder rows
// only. One listing may start several (GitLab lists groups, projects and then each one's
// repositories): only those whose entries are what the user waits for are summed.
import { withListingPages } from '../http/listing-guard'

export interface ListingCount {
  items: number
  pages: number
}

/** At most this often while pages arrive: a catalog of small pages must not flood the window. */
export const listingProgressIntervalMs = 200

/**
 * Runs `work`, reporting the entries called `noun` (the plural: 'tags', 'repositories') of every
 * listing it starts: the first page at once, then at most every `intervalMs`.
 */
export function reportListingProgress<T>(
  noun: string,
  report: (count: ListingCount) => void,
  work: () => Promise<T>,
  intervalMs = listingProgressIntervalMs,
): Promise<T> {
  const listings = new Map<object, ListingCount>()
  let lastReport = Number.NEGATIVE_INFINITY
  return withListingPages(({ listing, entry, items, pages }) => {
    if (entry[1] !== noun) return
    listings.set(listing, { items, pages })
    const now = Date.now()
    if (now - lastReport < intervalMs) return
    lastReport = now
    let total = { items: 0, pages: 0 }
    for (const count of listings.values()) total = { items: total.items + count.items, pages: total.pages + count.pages }
    report(total)
  }, work)
}

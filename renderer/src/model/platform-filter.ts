// The table's platform filter: only tags that offer a platform (`linux/arm64`), judged from the
// details each row carries. A row whose details are not in yet stays until they are (the details
// job must still reach it); a row known not to offer it, an artifact or a failed row goes.
import { formatPlatform } from '../../../shared/format'
import { offersPlatform, parsePlatformSelector } from '../../../shared/platform'
import type { Display } from './display-rows'
import { detailsOf, type TagRow } from './tag-rows'

let last: { display: Display; platform: string; out: Display } | null = null
// One order basis per (basis, platform): a new filter is a new order for the details job to follow.
let basisFor: { basis: object; platform: string; out: object } | null = null

export function filterByPlatform(display: Display, platform: string): Display {
  if (platform === '') return display
  if (last !== null && last.display === display && last.platform === platform) return last.out
  const selector = parsePlatformSelector(platform)
  const rows = selector === null ? display.rows : display.rows.filter((row) => rowMayOffer(row, selector))
  if (basisFor === null || basisFor.basis !== display.orderBasis || basisFor.platform !== platform) {
    basisFor = { basis: display.orderBasis, platform, out: {} }
  }
  const out: Display = {
    ...display,
    rows,
    order: rows.length === display.rows.length ? display.order : rows.map((row) => row.tag),
    orderBasis: basisFor.out,
  }
  last = { display, platform, out }
  return out
}

function rowMayOffer(row: TagRow, selector: NonNullable<ReturnType<typeof parsePlatformSelector>>): boolean {
  if (row.result === undefined) return true
  const details = detailsOf(row)
  return details !== null && offersPlatform(details, selector)
}

let seenFor: { rows: ReadonlyMap<string, TagRow>; out: string[] } | null = null

/** Every platform the repository's rows name so far, sorted (what the toolbar's select offers). */
export function platformsSeen(rows: ReadonlyMap<string, TagRow>): string[] {
  if (seenFor?.rows === rows) return seenFor.out
  const seen = new Set<string>()
  for (const row of rows.values()) {
    const details = detailsOf(row)
    if (details === null) continue
    for (const platform of details.platforms) if (platform.os !== 'unknown') seen.add(formatPlatform(platform))
    if (details.platform) seen.add(formatPlatform(details.platform))
  }
  const out = [...seen].sort()
  seenFor = { rows, out }
  return out
}

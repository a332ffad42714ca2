// Referrer tags in the table: cosign's `sha256-<hex>.sig|.att|.sbom` and the referrers index
// `sha256-<hex>` are placed under their subject's row (shared/referrer-tags.ts), hidden until the
// toolbar's toggle or the subject's badge shows them. Cheap where it must be: the names are matched
// once per tag list, and a repository without such tags (nearly all) costs one Map lookup per
// display; with some, one pass over the rows per batch of answers, keeping every object whose
// content did not change so memoised rows skip rendering.
import {
  groupReferrers,
  noGrouping,
  referrerTagsOf,
  type ReferrerGroup,
  type ReferrerGrouping,
  type ReferrerTagName,
} from '../../../shared/referrer-tags'
import { detailsOf, type TagRow } from './tag-rows'

export interface ReferrerView {
  /** The toolbar's "Show N referrer tags": every grouped tag under its subject. */
  showAll: boolean
  /** Subjects (digests) whose group was opened from its badge. */
  expanded: ReadonlySet<string>
}

export const defaultReferrerView: ReferrerView = { showAll: false, expanded: new Set() }

let namesFor: { tags: readonly string[]; names: ReadonlyMap<string, ReferrerTagName> } | null = null

function namesOf(tags: readonly string[]): ReadonlyMap<string, ReferrerTagName> {
  if (namesFor?.tags !== tags) namesFor = { tags, names: referrerTagsOf(tags) }
  return namesFor.names
}

let groupingFor: { tags: readonly string[]; rows: ReadonlyMap<string, TagRow>; grouping: ReferrerGrouping } | null = null

/** The grouping for these tags and rows; the previous objects where nothing they say changed. */
export function groupingOf(tags: readonly string[], rows: ReadonlyMap<string, TagRow>): ReferrerGrouping {
  if (groupingFor?.tags === tags && groupingFor.rows === rows) return groupingFor.grouping
  const names = namesOf(tags)
  let grouping = noGrouping
  if (names.size > 0) {
    let settled = true
    for (const tag of tags) {
      if (!names.has(tag) && rows.get(tag)?.result === undefined) {
        settled = false
        break
      }
    }
    const rowDetails = (tag: string) => {
      const row = rows.get(tag)
      return row ? detailsOf(row) : null
    }
    grouping = stable(groupReferrers(names, tags, rowDetails, settled), groupingFor?.tags === tags ? groupingFor.grouping : noGrouping)
  }
  groupingFor = { tags, rows, grouping }
  return grouping
}

/** Keeps the previous grouping (or its groups) where equal, so rows and effects stay quiet. */
function stable(next: ReferrerGrouping, previous: ReferrerGrouping): ReferrerGrouping {
  const groups = new Map<string, ReferrerGroup>()
  for (const [subject, group] of next.groups) {
    const before = previous.groups.get(subject)
    groups.set(subject, before !== undefined && sameGroup(before, group) ? before : group)
  }
  const sameGroups = groups.size === previous.groups.size && [...groups].every(([subject, group]) => previous.groups.get(subject) === group)
  const sameHidden = sameSet(next.hidden, previous.hidden)
  const sameOrphans = next.orphans.size === previous.orphans.size && [...next.orphans.keys()].every((tag) => previous.orphans.has(tag))
  if (sameGroups && sameHidden && sameOrphans) return previous
  const bySubjectTag = new Map<string, ReferrerGroup>()
  const byMember = new Map<string, ReferrerGroup>()
  for (const group of groups.values()) {
    for (const tag of group.subjectTags) bySubjectTag.set(tag, group)
    for (const tag of group.members) byMember.set(tag, group)
  }
  return { groups, bySubjectTag, byMember, orphans: next.orphans, hidden: sameHidden ? previous.hidden : next.hidden }
}

function sameGroup(a: ReferrerGroup, b: ReferrerGroup): boolean {
  return a.text === b.text && sameList(a.members, b.members) && sameList(a.subjectTags, b.subjectTags)
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false
  for (const item of a) if (!b.has(item)) return false
  return true
}

let visibleFor: { tags: readonly string[]; hidden: ReadonlySet<string>; visible: readonly string[] } | null = null

/** The tags the table sorts and filters: all but the hidden referrer tags (the same array while those are). */
export function unhiddenTags(tags: readonly string[], hidden: ReadonlySet<string>): readonly string[] {
  if (hidden.size === 0) return tags
  if (visibleFor?.tags === tags && visibleFor.hidden === hidden) return visibleFor.visible
  visibleFor = { tags, hidden, visible: tags.filter((tag) => !hidden.has(tag)) }
  return visibleFor.visible
}

/** Each shown group's referrer rows right under its subject's first row, in tag-list order. */
export function withGroupsShown(
  rows: readonly TagRow[],
  grouping: ReferrerGrouping,
  view: ReferrerView,
  rowOf: (tag: string) => TagRow,
): TagRow[] | null {
  if (!view.showAll && view.expanded.size === 0) return null
  const out: TagRow[] = []
  const placed = new Set<string>()
  let inserted = false
  for (const row of rows) {
    out.push(row)
    const group = grouping.bySubjectTag.get(row.tag)
    if (!group || placed.has(group.subject) || !(view.showAll || view.expanded.has(group.subject))) continue
    placed.add(group.subject)
    for (const member of group.members) out.push(rowOf(member))
    inserted = true
  }
  return inserted ? out : null
}

// `berth tags --details`' text table and referrer tags: each grouped under its image (its TYPE says
// what it has), hidden unless --all; one whose image has no tag stays and says so.
import { groupReferrers, referrerTagsOf, type ReferrerGrouping } from '../../../shared/referrer-tags'
import type { TagDetails } from '../../../shared/types'
import { shortDigest } from '../../http/digest'

export function groupReferrerRows(rows: readonly TagDetails[]): ReferrerGrouping {
  const tags = rows.map((row) => row.tag)
  const byTag = new Map(rows.map((row) => [row.tag, row]))
  return groupReferrers(referrerTagsOf(tags), tags, (tag) => byTag.get(tag) ?? null, true)
}

/** The TYPE cell: what the row is, then its referrers (a subject) or whose referrer it is. */
export function withReferrers(type: string, row: TagDetails, grouping: ReferrerGrouping): string {
  const group = grouping.bySubjectTag.get(row.tag)
  if (group) return `${type} (${group.text})`
  const orphan = grouping.orphans.get(row.tag)
  if (orphan) return `${type}, referrer of ${shortDigest(orphan.subject)} (untagged)`
  const member = grouping.byMember.get(row.tag)
  if (member) return `${type}, referrer of ${member.subjectTags.join(', ')}`
  return type
}

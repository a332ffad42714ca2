// Tags that hold another image's referrers, recognised from the name alone (no request): cosign's
// `sha256-<hex>.sig|.att|.sbom` and the referrers tag schema's `sha256-<hex>` index (OCI
// distribution-spec 1.1 "Referrers Tag Schema"). The table groups them under their subject's row,
// the CLI hides them from its text table; both confirm with the digests once details are known.
import { compareTagNames } from './tag-sort'
import type { ReferrerKind, TagDetails } from './types'

export type ReferrerTagKind = 'signature' | 'attestation' | 'sbom' | 'index'

export interface ReferrerTagName {
  /** The subject's digest, `sha256:<hex>`. */
  subject: string
  kind: ReferrerTagKind
}

const referrerTagPattern = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/
const suffixKinds: Record<string, ReferrerTagKind> = { sig: 'signature', att: 'attestation', sbom: 'sbom' }

export function parseReferrerTag(tag: string): ReferrerTagName | null {
  const match = referrerTagPattern.exec(tag)
  if (!match?.[1]) return null
  return { subject: `sha256:${match[1]}`, kind: match[2] ? (suffixKinds[match[2]] ?? 'index') : 'index' }
}

/** Every referrer-named tag of a list; computed once per tag list (a Map of the few that match). */
export function referrerTagsOf(tags: readonly string[]): Map<string, ReferrerTagName> {
  const found = new Map<string, ReferrerTagName>()
  for (const tag of tags) {
    // Cheap first test: almost every tag of a large repository fails it.
    if (tag.length < 71 || !tag.startsWith('sha256-')) continue
    const parsed = parseReferrerTag(tag)
    if (parsed) found.set(tag, parsed)
  }
  return found
}

export interface ReferrerCounts {
  signature: number
  sbom: number
  attestation: number
  other: number
}

const countLabels: [keyof ReferrerCounts, string, string][] = [
  ['signature', 'signature', 'signatures'],
  ['sbom', 'SBOM', 'SBOMs'],
  ['attestation', 'attestation', 'attestations'],
  ['other', 'other referrer', 'other referrers'],
]

/** "2 signatures · 1 SBOM · 1 attestation" (kinds with none left out). */
export function countsText(counts: ReferrerCounts): string {
  return countLabels
    .filter(([key]) => counts[key] > 0)
    .map(([key, one, many]) => `${counts[key]} ${counts[key] === 1 ? one : many}`)
    .join(' · ')
}

/**
 * What the referrer tags of one subject hold, counted once per referrer digest: a cosign tag counts
 * by its suffix, a `sha256-<hex>` index by its entries' kinds once its details are known (until
 * then it counts as one referrer of unknown kind). A cosign tag whose manifest is also an index entry
 * counts once.
 */
export function countReferrers(members: readonly { name: ReferrerTagName; details: TagDetails | null }[]): ReferrerCounts {
  const counts: ReferrerCounts = { signature: 0, sbom: 0, attestation: 0, other: 0 }
  const seen = new Set<string>()
  const add = (digest: string | null, kind: ReferrerKind): void => {
    if (digest !== null) {
      if (seen.has(digest)) return
      seen.add(digest)
    }
    counts[kind]++
  }
  for (const { name, details } of members) {
    if (name.kind !== 'index') continue
    if (details?.referrerEntries) for (const entry of details.referrerEntries) add(entry.digest, entry.kind)
    else add(details?.digest ?? null, 'other')
  }
  for (const { name, details } of members) if (name.kind !== 'index') add(details?.digest ?? null, name.kind)
  return counts
}

/**
 * Whether loaded details contradict the name: a manifest with an OCI 1.1 `subject` names its
 * subject itself, and one naming another digest is not this subject's referrer.
 */
export function contradictsName(name: ReferrerTagName, details: TagDetails | null): boolean {
  return details?.subject !== undefined && details.subject !== name.subject
}

export interface ReferrerGroup {
  subject: string
  /** The tags on the subject's digest (each row gets the badge), in tag-list order. */
  subjectTags: string[]
  /** Its referrer tags, in name order. */
  members: string[]
  counts: ReferrerCounts
  /** The badge: "2 signatures · 1 SBOM · 1 attestation". */
  text: string
}

export interface ReferrerGrouping {
  /** Subject digest → its group. */
  groups: Map<string, ReferrerGroup>
  /** Subject tag → its group (every tag on the subject's digest). */
  bySubjectTag: Map<string, ReferrerGroup>
  /** Referrer tag → its group. */
  byMember: Map<string, ReferrerGroup>
  /** Referrer tags whose subject no tag points at: they stay visible and say so. */
  orphans: Map<string, ReferrerTagName>
  /** Referrer tags hidden by default: grouped ones, and (until every row is known) those still unplaced. */
  hidden: Set<string>
}

export const noGrouping: ReferrerGrouping = {
  groups: new Map(),
  bySubjectTag: new Map(),
  byMember: new Map(),
  orphans: new Map(),
  hidden: new Set(),
}

/**
 * Places each referrer-named tag under the tags of its subject's digest. `detailsOf` gives a tag's
 * loaded details (null while unknown); `settled` says every other tag's digest is known, so a
 * subject not found has no tag (an orphan, shown) rather than not loaded yet (hidden meanwhile).
 * One pass over the tags, and only when some tag is referrer-named.
 */
export function groupReferrers(
  names: ReadonlyMap<string, ReferrerTagName>,
  tags: readonly string[],
  detailsOf: (tag: string) => TagDetails | null,
  settled: boolean,
): ReferrerGrouping {
  if (names.size === 0) return noGrouping
  const subjects = new Set<string>()
  for (const name of names.values()) subjects.add(name.subject)
  const tagsOn = new Map<string, string[]>()
  for (const tag of tags) {
    if (names.has(tag)) continue
    const digest = detailsOf(tag)?.digest
    if (digest === undefined || !subjects.has(digest)) continue
    const list = tagsOn.get(digest)
    if (list) list.push(tag)
    else tagsOn.set(digest, [tag])
  }
  const grouping: ReferrerGrouping = {
    groups: new Map(),
    bySubjectTag: new Map(),
    byMember: new Map(),
    orphans: new Map(),
    hidden: new Set(),
  }
  const membersOf = new Map<string, { name: ReferrerTagName; tag: string; details: TagDetails | null }[]>()
  for (const [tag, name] of names) {
    const details = detailsOf(tag)
    if (contradictsName(name, details)) continue
    if (!tagsOn.has(name.subject)) {
      if (settled) grouping.orphans.set(tag, name)
      else grouping.hidden.add(tag)
      continue
    }
    grouping.hidden.add(tag)
    const list = membersOf.get(name.subject)
    const member = { name, tag, details }
    if (list) list.push(member)
    else membersOf.set(name.subject, [member])
  }
  for (const [subject, members] of membersOf) {
    const counts = countReferrers(members)
    const group: ReferrerGroup = {
      subject,
      subjectTags: tagsOn.get(subject) ?? [],
      members: members.map((m) => m.tag).sort(compareTagNames),
      counts,
      text: countsText(counts),
    }
    grouping.groups.set(subject, group)
    for (const tag of group.subjectTags) grouping.bySubjectTag.set(tag, group)
    for (const tag of group.members) grouping.byMember.set(tag, group)
  }
  return grouping
}

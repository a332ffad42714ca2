// Cleanup rules and their evaluation into a plan (pure: shared by main, the CLI and the renderer).
//
// Vocabulary and order follow GitLab's cleanup policies (docs/registry-notes.md "Deletion": keep_n,
// name_regex_keep, name_regex_delete, older_than, never `latest`). A tag is REMOVED only if ALL hold:
//   1. it matches the remove regex (no remove regex → nothing is removed, ever);
//   2. it does not match the keep regex (keep wins over remove);
//   3. it is not among the N most recent tags of the repository (keep-n);
//   4. if older-than is set, its date is known and older than that;
//   5. it is not `latest`, unless `unlockLatest` is set.
// Otherwise it is KEPT, and the plan says which rule kept it (the first in the order above, after
// "not in the selection" and "details could not be read").
//
// Dates: the registry's push date (`pushed`) where it has one, else the build date (config
// `created` or the OCI annotation). A tag whose date is unknown (missing, or epoch 0 from
// reproducible builds) is never removed by an older-than rule, and cannot be ranked, so while a
// keep-n rule is set it is kept too: nothing proves it is not among the most recent.
// Keep-n ties: tags exactly as recent as the N-th are all kept (same instant, no way to say which is
// "more recent"); tags sharing a digest share a date, so `2.3`, `2.3.0` and `stable` go together.
// Keep-n ranks the whole repository; a selection only limits which tags may be removed.
//
// The plan is executed with tag-safe deletion only (never by digest), so an image whose tags are
// all removed is merely untagged (its bytes stay until garbage collection) and an index child still
// used by a kept index is never touched. The plan lists both, for the user to see.
import { z } from 'zod'
import type { DateSource, ManifestKind } from './types'
import type { StorageEffect } from './usage'
import { compileTagFilter } from './tag-sort'

const durationUnits = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, month: 30 * 86_400_000, y: 365 * 86_400_000 } as const
const durationPattern = /^\s*(\d{1,5})\s*(h|hours?|d|days?|w|weeks?|months?|y|years?)\s*$/i

/** `7d`, `12h`, `2w`, `1month`, `1y` → milliseconds; null when not a duration (`m` is ambiguous: refused). */
export function parseDuration(text: string): number | null {
  const match = durationPattern.exec(text)
  if (!match) return null
  const amount = Number(match[1])
  const unit = (match[2] ?? '').toLowerCase()
  const key: keyof typeof durationUnits = unit.startsWith('month') ? 'month' : (unit[0] as 'h' | 'd' | 'w' | 'y')
  return amount > 0 ? amount * durationUnits[key] : null
}

const regexField = z
  .string()
  .max(200)
  .refine((text) => text === '' || compileTagFilter(text, 'regex').ok, { message: 'not a usable regular expression' })

export const cleanupRulesSchema = z.object({
  /** Keep the N most recent tags; 0 = no keep-n rule. */
  keepN: z.number().int().min(0).max(100_000).default(0),
  /** Tags matching this are always kept ('' = none). */
  keepRegex: regexField.default(''),
  /** Only tags matching this can be removed ('' = none: nothing is removed). */
  removeRegex: regexField.default(''),
  /** Remove only tags older than this (`30d`); '' = any age. */
  olderThan: z
    .string()
    .max(20)
    .refine((text) => text === '' || parseDuration(text) !== null, { message: 'not a duration like 7d, 12h, 2w, 1month, 1y' })
    .default(''),
  /** `latest` is never removed unless this is set. */
  unlockLatest: z.boolean().default(false),
})
export type CleanupRules = z.output<typeof cleanupRulesSchema>
export type CleanupRulesInput = z.input<typeof cleanupRulesSchema>

/** Shown as a suggestion in the dialog; never applied unless the user puts it in the keep field. */
export const suggestedKeepRegex = '^(latest|main|master|stable|v?\\d+(\\.\\d+)*)$'

/** What evaluation needs to know about one tag. */
export interface CleanupTagInfo {
  tag: string
  /** Null when its details could not be read: such a tag is always kept. */
  digest: string | null
  kind: ManifestKind
  created: string | null
  createdSource: DateSource
  pushed?: string | null
  /** Child manifests of an index (platform images), to report children kept indexes still use. */
  children: string[]
}

export type CleanupReason =
  'not-selected' | 'unreadable' | 'no-remove-match' | 'latest' | 'keep-regex' | 'keep-n' | 'date-unknown' | 'not-old-enough' | 'remove'

export interface CleanupPlanItem {
  tag: string
  digest: string | null
  /** The date the rules used (pushed, else built), and which it was. */
  date: string | null
  dateSource: DateSource
  action: 'keep' | 'remove'
  reason: CleanupReason
  /** One sentence: why. */
  why: string
}

export interface CleanupPlan {
  repository: string
  rules: CleanupRules
  /** The instant older-than was measured from. */
  now: string
  /** Every tag of the repository, newest first (unknown dates last, then by name). */
  items: CleanupPlanItem[]
  /** Tags to remove, in plan order. */
  remove: string[]
  /** tag → digest as previewed: passed to the deletion so a tag that moved since is refused. */
  expectedDigests: Record<string, string>
  /** Images whose every tag is removed: they become untagged (still stored, never deleted by digest). */
  untaggedDigests: { digest: string; tags: string[] }[]
  /** Images that lose some tags but stay referenced by kept tags: only those tags go. */
  sharedWithKept: { digest: string; removed: string[]; kept: string[] }[]
  /** Index children a removed index shares with indexes that stay (safe: nothing is deleted by digest). */
  childrenStillUsed: { digest: string; removedIndexTags: string[]; keptIndexTags: string[] }[]
  summary: string
  /**
   * Set by the session's plan (not by evaluateCleanup alone): bytes garbage collection frees once the
   * removed tags are gone, and bytes of theirs that stay because kept tags (or other repositories)
   * use them; null when Berth could not work them out (`storage.note` says why).
   */
  freesBytes?: number | null
  keptBytes?: number | null
  storage?: StorageEffect | null
}

type Compiled = { test(tag: string): boolean } | null

function compile(pattern: string): Compiled {
  if (pattern === '') return null
  const filter = compileTagFilter(pattern, 'regex')
  if (!filter.ok) throw new Error(filter.error)
  // Unlike GitLab's (full-match RE2), these match anywhere in the tag, like Berth's tag filter; the
  // dialog and the CLI usage say so, and the live plan shows every tag a pattern catches.
  return filter
}

function dateOf(info: CleanupTagInfo): { date: string | null; source: DateSource; time: number | null } {
  const pick = info.pushed
    ? { date: info.pushed, source: 'pushed' as const }
    : { date: info.created, source: info.created ? info.createdSource : ('unknown' as const) }
  const time = pick.date ? Date.parse(pick.date) : Number.NaN
  return Number.isNaN(time) || time === 0 ? { date: null, source: 'unknown', time: null } : { date: pick.date, source: pick.source, time }
}

export interface EvaluateOptions {
  /** Milliseconds since the epoch; older-than is measured from here. */
  now: number
  /** When given, only these tags may be removed (the rest are kept as "not selected"). */
  selection?: readonly string[]
}

/** The plan for `tags` under `rules`. Throws on an invalid regex (validate with the schema first). */
export function evaluateCleanup(
  repository: string,
  tags: readonly CleanupTagInfo[],
  rulesInput: CleanupRulesInput,
  options: EvaluateOptions,
): CleanupPlan {
  const rules = cleanupRulesSchema.parse(rulesInput)
  const keep = compile(rules.keepRegex)
  const remove = compile(rules.removeRegex)
  const olderThanMs = rules.olderThan === '' ? null : parseDuration(rules.olderThan)
  const selected = options.selection ? new Set(options.selection) : null

  const dated = tags.map((info) => ({ info, ...dateOf(info) }))
  // Newest first; unknown dates last; equal dates by name so the plan reads the same every time.
  dated.sort((left, right) => {
    if (left.time === null || right.time === null)
      return left.time === null ? (right.time === null ? compareText(left.info.tag, right.info.tag) : 1) : -1
    return right.time - left.time || compareText(left.info.tag, right.info.tag)
  })
  // Keep-n: the N-th most recent known date is the cut-off; everything at or after it is kept.
  const knownTimes = dated.filter((d) => d.time !== null).map((d) => d.time as number)
  const cutoff = rules.keepN > 0 ? (knownTimes[Math.min(rules.keepN, knownTimes.length) - 1] ?? null) : null
  const rankOf = new Map<string, number>()
  dated.forEach((d, i) => rankOf.set(d.info.tag, i + 1))

  const items: CleanupPlanItem[] = dated.map(({ info, date, source, time }) => {
    const item = (action: 'keep' | 'remove', reason: CleanupReason, why: string): CleanupPlanItem => ({
      tag: info.tag,
      digest: info.digest,
      date,
      dateSource: source,
      action,
      reason,
      why,
    })
    if (selected && !selected.has(info.tag)) return item('keep', 'not-selected', 'Not in the selection.')
    if (info.digest === null) return item('keep', 'unreadable', 'Its manifest could not be read, so it is never removed.')
    if (!remove || !remove.test(info.tag))
      return item('keep', 'no-remove-match', remove ? 'Does not match the remove pattern.' : 'No remove pattern is set.')
    if (info.tag === 'latest' && !rules.unlockLatest)
      return item('keep', 'latest', '`latest` is protected (unlock it explicitly to remove it).')
    if (keep?.test(info.tag)) return item('keep', 'keep-regex', 'Matches the keep pattern.')
    if (rules.keepN > 0) {
      if (time === null) return item('keep', 'date-unknown', 'Date unknown: cannot be ranked for "keep the most recent", so it is kept.')
      if (cutoff !== null && time >= cutoff) {
        const rank = rankOf.get(info.tag) ?? 0
        return item(
          'keep',
          'keep-n',
          rank <= rules.keepN
            ? `Among the ${rules.keepN} most recent (#${rank}).`
            : `As recent as the ${ordinal(rules.keepN)} most recent tag (same date), so kept with it.`,
        )
      }
    }
    if (olderThanMs !== null) {
      if (time === null) return item('keep', 'date-unknown', 'Date unknown: an older-than rule never removes it.')
      if (options.now - time <= olderThanMs) return item('keep', 'not-old-enough', `Not older than ${rules.olderThan}.`)
    }
    const because = [
      'matches the remove pattern',
      rules.keepN > 0 ? `not among the ${rules.keepN} most recent` : null,
      olderThanMs !== null ? `older than ${rules.olderThan}` : null,
    ]
    return item('remove', 'remove', `Removed: ${because.filter(Boolean).join(', ')}.`)
  })

  return { repository, rules, now: new Date(options.now).toISOString(), items, ...consequences(tags, items) }
}

function consequences(
  tags: readonly CleanupTagInfo[],
  items: CleanupPlanItem[],
): Omit<CleanupPlan, 'repository' | 'rules' | 'now' | 'items'> {
  const removeSet = new Set(items.filter((i) => i.action === 'remove').map((i) => i.tag))
  const remove = items.filter((i) => removeSet.has(i.tag)).map((i) => i.tag)
  const expectedDigests: Record<string, string> = {}
  const byDigest = new Map<string, { removed: string[]; kept: string[] }>()
  for (const item of items) {
    if (item.digest === null) continue
    if (removeSet.has(item.tag)) expectedDigests[item.tag] = item.digest
    const group = byDigest.get(item.digest) ?? { removed: [], kept: [] }
    ;(removeSet.has(item.tag) ? group.removed : group.kept).push(item.tag)
    byDigest.set(item.digest, group)
  }
  const untaggedDigests: CleanupPlan['untaggedDigests'] = []
  const sharedWithKept: CleanupPlan['sharedWithKept'] = []
  for (const [digest, group] of byDigest) {
    if (group.removed.length === 0) continue
    if (group.kept.length === 0) untaggedDigests.push({ digest, tags: group.removed })
    else sharedWithKept.push({ digest, removed: group.removed, kept: group.kept })
  }
  // A child used by a removed index and by a kept one (or tagged itself by a kept tag).
  const childUsers = new Map<string, { removed: Set<string>; kept: Set<string> }>()
  for (const info of tags) {
    const users = info.digest ? [...info.children, ...(info.kind === 'index' ? [] : [info.digest])] : []
    for (const child of users) {
      const entry = childUsers.get(child) ?? { removed: new Set<string>(), kept: new Set<string>() }
      ;(removeSet.has(info.tag) ? entry.removed : entry.kept).add(info.tag)
      childUsers.set(child, entry)
    }
  }
  // Only indexes that lose their last tag matter: one still tagged keeps its children in use anyway.
  const untagged = new Set(untaggedDigests.map((u) => u.digest))
  const removedIndexChildren = new Set(
    tags.filter((t) => removeSet.has(t.tag) && t.digest !== null && untagged.has(t.digest)).flatMap((t) => t.children),
  )
  const childrenStillUsed: CleanupPlan['childrenStillUsed'] = []
  for (const child of removedIndexChildren) {
    const users = childUsers.get(child)
    if (users && users.kept.size > 0)
      childrenStillUsed.push({
        digest: child,
        removedIndexTags: [...users.removed].sort(compareText),
        keptIndexTags: [...users.kept].sort(compareText),
      })
  }
  const summary = summarize(items.length, remove.length, untaggedDigests.length, sharedWithKept.length, childrenStillUsed.length)
  return { remove, expectedDigests, untaggedDigests, sharedWithKept, childrenStillUsed, summary }
}

export function summarize(total: number, removing: number, untagged: number, shared: number, children: number): string {
  if (removing === 0) return `Nothing to remove: all ${total.toLocaleString('en')} tags are kept.`
  const parts = [
    `Remove ${removing.toLocaleString('en')} of ${total.toLocaleString('en')} tags (tag by tag; no image is deleted by digest).`,
  ]
  parts.push(
    untagged === 1
      ? '1 image loses its last tag and becomes untagged.'
      : `${untagged.toLocaleString('en')} images lose their last tag and become untagged.`,
  )
  parts.push(
    shared === 1
      ? '1 image keeps other tags: only the listed tags go.'
      : `${shared.toLocaleString('en')} images keep other tags: only the listed tags go.`,
  )
  if (children > 0)
    parts.push(
      `${children} platform ${children === 1 ? 'image is' : 'images are'} still used by kept indexes and stay${children === 1 ? 's' : ''}.`,
    )
  return parts.join(' ')
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

function ordinal(position: number): string {
  const suffix = position % 100 >= 11 && position % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][position % 10] ?? 'th')
  return `${position}${suffix}`
}

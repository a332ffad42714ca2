// "Mirror repository…" as typed, and the planCopy sync request it makes: the same selection as
// `berth sync` (shared/copy.ts's syncTagSelection for the pattern, shared/cleanup-rules.ts's
// parseDuration for the age), so the count the form shows is the set the plan starts from. Pure:
// the form is checked here and the problem said next to its field; main checks it all again.
import { parseDuration } from '../../../shared/cleanup-rules'
import { parsePlatform, syncTagSelection } from '../../../shared/copy'
import { formatPlatform } from '../../../shared/format'
import type { ApiRequests } from '../../../shared/ipc'
import type { TagDetails } from '../../../shared/types'
import { whyNotARepository } from './copy-form'

export interface MirrorSource {
  registryId: string
  repository: string
}

export interface MirrorForm {
  registryId: string
  repository: string
  /** A case-insensitive regular expression, anywhere in the tag ('' = every tag), as `--tags`. */
  tagPattern: string
  /** `7d`, `12h`, `2w`, `1month` ('' = any age), as `--newer-than`. */
  newerThan: string
  /** null: every platform; otherwise the chosen ones among those the loaded tags show. */
  platforms: string[] | null
  /** More platforms typed as os/arch[/variant], separated by spaces or commas. */
  morePlatforms: string
  referrers: boolean
}

export interface MirrorFormErrors {
  registry?: string
  repository?: string
  tagPattern?: string
  newerThan?: string
  platforms?: string
  form?: string
}

/** What the source has, as far as the window knows: its tags, and the details read so far. */
export interface MirrorSourceTags {
  tags: readonly string[]
  details: ReadonlyMap<string, TagDetails>
}

export function initialMirrorForm(source: MirrorSource, last: { registryId: string } | null): MirrorForm {
  return {
    // Another registry is the usual mirror; the source's own stays possible under another name.
    registryId: last?.registryId ?? '',
    repository: source.repository,
    tagPattern: '',
    newerThan: '',
    platforms: null,
    morePlatforms: '',
    referrers: false,
  }
}

export function whyNotATagPattern(pattern: string): string | null {
  const checked = syncTagSelection([], { tagPattern: pattern })
  return checked.ok ? null : `${checked.error} — write a regular expression such as ^v1\\. or -rc`
}

export function whyNotADuration(text: string): string | null {
  if (text.trim() === '') return null
  return parseDuration(text.trim()) === null
    ? `"${text.trim().slice(0, 20)}" is not a duration: write it like 12h, 7d, 2w or 1month.`
    : null
}

export interface MirrorCount {
  total: number
  /** Tags the pattern takes (referrer tags left out when referrers travel with their subjects). */
  matching: number
  /** With an age: of the matching tags whose dates the window has read, how many are that recent. */
  age: { known: number; recent: number } | null
}

/** The live count under the tag filter, or null while the pattern or the age cannot be used. */
export function mirrorCount(source: MirrorSourceTags, form: MirrorForm, now: number): MirrorCount | null {
  const selected = syncTagSelection(source.tags, { tagPattern: form.tagPattern, referrers: form.referrers })
  if (!selected.ok) return null
  const window = form.newerThan.trim() === '' ? null : parseDuration(form.newerThan.trim())
  if (form.newerThan.trim() !== '' && window === null) return null
  let age: MirrorCount['age'] = null
  if (window !== null) {
    age = { known: 0, recent: 0 }
    for (const tag of selected.tags) {
      const details = source.details.get(tag)
      // The engine's rule: the push date where the registry keeps one, else the build date.
      const date = details ? (details.pushed ?? details.created) : null
      const time = date ? Date.parse(date) : Number.NaN
      if (Number.isNaN(time)) continue
      age.known++
      if (now - time <= window) age.recent++
    }
  }
  return { total: source.tags.length, matching: selected.tags.length, age }
}

/** Platforms the loaded indexes of the matching tags list, once, sorted. */
export function mirrorPlatformChoices(source: MirrorSourceTags): string[] {
  const seen = new Set<string>()
  for (const details of source.details.values()) {
    if (details.kind === 'index') for (const platform of details.platforms) seen.add(formatPlatform(platform))
  }
  return [...seen].sort()
}

export function checkMirrorForm(
  source: MirrorSource,
  form: MirrorForm,
): { request: ApiRequests['planCopy'] | null; errors: MirrorFormErrors } {
  const errors: MirrorFormErrors = {}
  const repository = form.repository.trim()
  if (form.registryId === '') errors.registry = 'Choose the registry to mirror to.'
  const badRepository = whyNotARepository(repository)
  if (badRepository !== null) errors.repository = badRepository
  else if (form.registryId === source.registryId && repository === source.repository) {
    errors.repository = 'That is the repository itself: choose another registry, or another repository name.'
  }
  const badPattern = whyNotATagPattern(form.tagPattern)
  if (badPattern !== null) errors.tagPattern = badPattern
  const badAge = whyNotADuration(form.newerThan)
  if (badAge !== null) errors.newerThan = badAge

  const typed = form.morePlatforms.split(/[\s,]+/).filter((text) => text !== '')
  const unreadable = typed.filter((text) => parsePlatform(text) === null)
  const platforms = form.platforms === null ? [] : [...new Set([...form.platforms, ...typed.map((text) => text.toLowerCase())])]
  if (unreadable.length > 0) {
    const first = (unreadable[0] ?? '').slice(0, 40)
    errors.platforms = `"${first}" is not a platform: write it as os/architecture[/variant], e.g. linux/arm64/v8.`
  } else if (form.platforms !== null && platforms.length === 0) {
    errors.platforms = 'Choose at least one platform, or mirror every platform.'
  }
  if (Object.keys(errors).length > 0) return { request: null, errors }
  const newerThan = form.newerThan.trim()
  return {
    request: {
      source: { registryId: source.registryId, repository: source.repository },
      destination: { registryId: form.registryId, repository },
      sync: {
        ...(form.tagPattern !== '' ? { tagPattern: form.tagPattern } : {}),
        ...(newerThan !== '' ? { newerThan } : {}),
      },
      platforms,
      referrers: form.referrers,
      force: false,
    },
    errors,
  }
}

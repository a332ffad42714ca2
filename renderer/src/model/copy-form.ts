// The "Copy to…" and "Add tag…" forms as typed, and the planCopy request they make. Pure, so what
// the user typed is checked in one place and said next to the field (main checks it again).
//
// Every source image is named by the digest the registry confirmed in this load, never by its tag:
// a tag that moves between the plan and the copy must not send another image than the one shown.
import type { ApiRequests } from '../../../shared/ipc'
import { whyNotATagName } from '../../../shared/tag-name'
import { formatPlatform } from '../../../shared/format'
import type { ManifestKind, TagDetails } from '../../../shared/types'
import { verifiedDetailsOf, type TagRow } from './tag-rows'

export interface CopySourceImage {
  /** The tag the user selected. */
  tag: string
  /** Its digest as the registry confirmed it (verifiedDetailsOf, or the details panel's inspect). */
  digest: string
  kind: ManifestKind
  /** `linux/arm64/v8` for each platform of an index; empty otherwise. */
  platforms: string[]
}

/** The image a tag's confirmed details describe. */
export function sourceImageOf(tag: string, details: TagDetails): CopySourceImage {
  return {
    tag,
    digest: details.digest,
    kind: details.kind,
    platforms: details.kind === 'index' ? details.platforms.map(formatPlatform) : [],
  }
}

/**
 * The selected tags as images to copy, from rows the registry confirmed in this load only; `waiting`
 * counts those still loading or being checked, `unreadable` those whose details failed.
 */
export function selectedImages(
  tags: readonly string[],
  rows: ReadonlyMap<string, TagRow>,
): { images: CopySourceImage[]; waiting: number; unreadable: number } {
  const images: CopySourceImage[] = []
  let waiting = 0
  let unreadable = 0
  for (const tag of tags) {
    const row = rows.get(tag)
    const details = verifiedDetailsOf(row)
    if (details !== null) images.push(sourceImageOf(tag, details))
    else if (row !== undefined && row.checking === null && row.result?.ok === false) unreadable++
    else waiting++
  }
  return { images, waiting, unreadable }
}

/** Why the selection cannot be copied yet, or null when every selected tag is confirmed. */
export function whyNotCopyable(selected: number, state: { waiting: number; unreadable: number }): string | null {
  if (selected === 0) return 'Select one or more tags first.'
  if (state.unreadable > 0)
    return `${plural(state.unreadable, 'selected tag')} could not be read: copy only tags whose details the registry answered.`
  if (state.waiting > 0) return `Waiting for the registry to confirm ${plural(state.waiting, 'selected tag')}.`
  if (selected > maxImages) return `At most ${maxImages.toLocaleString('en')} images at once.`
  return null
}

function plural(count: number, one: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : `${one}s`}`
}

export interface CopySource {
  registryId: string
  repository: string
  images: CopySourceImage[]
}

/** `copy`: to any registry and repository; `tag`: more tags in the same repository. */
export type CopyKind = 'copy' | 'tag'

export interface CopyForm {
  registryId: string
  repository: string
  /** Per source image, in the order of `images`: the destination tags as typed. */
  tags: string[]
  /** null: every platform; otherwise the chosen ones. */
  platforms: string[] | null
  referrers: boolean
}

export interface CopyFormErrors {
  registry?: string
  repository?: string
  /** Per source image; null when its tags are fine. */
  tags: (string | null)[]
  platforms?: string
  /** What is wrong with the form as a whole. */
  form?: string
}

export interface CheckedCopyForm {
  request: ApiRequests['planCopy'] | null
  /** The source image of each request item, in order (Add tag… leaves out images given no tag). */
  images: CopySourceImage[]
  errors: CopyFormErrors
}

// The distribution-spec repository name grammar (shared/ipc.ts validates it again in main).
const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
/** What startCopy accepts (shared/ipc.ts). */
const maxTagsPerImage = 50
const maxImages = 1_000

/** Tags as typed, separated by spaces or commas; repeated ones once. */
export function splitTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((tag) => tag !== ''))]
}

/** Every platform of the images, once, in the order they list them. */
export function platformChoices(images: readonly CopySourceImage[]): string[] {
  return [...new Set(images.flatMap((image) => (image.kind === 'index' ? image.platforms : [])))]
}

export function initialCopyForm(source: CopySource, kind: CopyKind, last: { registryId: string; repository: string } | null): CopyForm {
  if (kind === 'tag') {
    return {
      registryId: source.registryId,
      repository: source.repository,
      tags: source.images.map(() => ''),
      platforms: null,
      referrers: false,
    }
  }
  return {
    registryId: last?.registryId ?? source.registryId,
    repository: last?.repository ?? '',
    tags: source.images.map((image) => image.tag),
    platforms: null,
    referrers: false,
  }
}

export function whyNotARepository(name: string): string | null {
  if (name === '') return 'Name the repository, e.g. team/app.'
  if (name.length > 255) return 'A repository name has at most 255 characters.'
  if (!repositoryPattern.test(name)) {
    return /[A-Z]/.test(name)
      ? 'Repository names are lowercase.'
      : 'Use lowercase letters and digits, separated by . _ or -, with / between path parts (e.g. team/app).'
  }
  return null
}

export function checkCopyForm(source: CopySource, form: CopyForm, kind: CopyKind): CheckedCopyForm {
  const errors: CopyFormErrors = { tags: source.images.map(() => null) }
  const repository = kind === 'tag' ? source.repository : form.repository.trim()
  const registryId = kind === 'tag' ? source.registryId : form.registryId
  if (registryId === '') errors.registry = 'Choose the registry to copy to.'
  const badRepository = whyNotARepository(repository)
  if (badRepository !== null) errors.repository = badRepository
  const sameRepository = registryId === source.registryId && repository === source.repository

  const owner = new Map<string, string>()
  const items: { reference: string; tags: string[] }[] = []
  const images: CopySourceImage[] = []
  source.images.forEach((image, index) => {
    const tags = splitTags(form.tags[index] ?? '')
    const problem = tagProblem(image, tags, kind, sameRepository, owner)
    if (problem !== null) errors.tags[index] = problem
    for (const tag of tags) if (!owner.has(tag)) owner.set(tag, image.tag)
    if (tags.length === 0) return
    items.push({ reference: image.digest, tags })
    images.push(image)
  })
  if (kind === 'tag' && items.length === 0 && errors.tags.every((error) => error === null)) errors.form = 'Type the new tag.'
  if (kind === 'copy' && sameRepository && errors.tags.every((error) => error === null)) {
    const moves = items.some((item, index) => item.tags.some((tag) => tag !== images[index]?.tag))
    if (!moves) errors.form = 'That is the repository the tags are in: choose another repository, or other tags.'
  }
  const choices = platformChoices(source.images)
  const platforms = form.platforms === null || choices.length === 0 ? [] : form.platforms.filter((p) => choices.includes(p))
  if (form.platforms !== null && choices.length > 0 && platforms.length === 0) {
    errors.platforms = 'Choose at least one platform, or copy every platform.'
  }
  const failed =
    errors.registry !== undefined ||
    errors.repository !== undefined ||
    errors.platforms !== undefined ||
    errors.form !== undefined ||
    errors.tags.some((error) => error !== null)
  if (failed) return { request: null, images, errors }
  return {
    request: {
      source: { registryId: source.registryId, repository: source.repository },
      destination: { registryId, repository },
      items,
      // Every platform chosen is every platform: the index is copied as it is, digest unchanged.
      platforms: platforms.length === choices.length ? [] : platforms,
      referrers: kind === 'copy' && form.referrers,
      force: false,
    },
    images,
    errors,
  }
}

function tagProblem(
  image: CopySourceImage,
  tags: readonly string[],
  kind: CopyKind,
  sameRepository: boolean,
  owner: ReadonlyMap<string, string>,
): string | null {
  if (tags.length === 0) return kind === 'copy' ? 'Give at least one tag.' : null
  if (tags.length > maxTagsPerImage) return `At most ${maxTagsPerImage} tags per image.`
  for (const tag of tags) {
    const why = whyNotATagName(tag)
    if (why !== null) return `"${tag.slice(0, 40)}" is not a tag: ${why}.`
    if (sameRepository && tag === image.tag && kind === 'tag') return `${tag} is the tag this image has already.`
    const other = owner.get(tag)
    if (other !== undefined) return `${tag} is given to ${other} too: a tag names one image.`
  }
  return null
}

/** Each destination tag the plan showed → its digest there ('' = absent): a tag moved since refuses the copy. */
export function expectedDigestsOf(plan: {
  items: readonly {
    tags: readonly { tag: string; current: string | null }[]
    referrers: readonly { tags: readonly { tag: string; current: string | null }[] }[]
  }[]
}): Record<string, string> {
  const expected: Record<string, string> = {}
  for (const item of plan.items) {
    for (const tag of [...item.tags, ...item.referrers.flatMap((referrer) => referrer.tags)]) expected[tag.tag] = tag.current ?? ''
  }
  return expected
}

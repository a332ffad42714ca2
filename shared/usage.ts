// Storage usage as Berth reports it: what each repository and tag holds, what a registry (or a
// prefix of it) holds with blobs shared across repositories counted once, and what a deletion frees.
// Plain data only: it crosses IPC and is printed by `berth du --json`, `rm --dry-run --json` and
// `cleanup --json` (README "Storage usage").
//
// How bytes are counted: every blob a tag reaches, once — the manifest or index itself (its byte
// length), each platform manifest and attestation manifest of an index, configs (their size is in
// the manifest, so they are never downloaded) and layers (compressed, as stored), and referrers the
// registry's referrers API lists for the tag's digest. Layer blobs are never fetched.
import type { BerthErrorData } from './errors'
import type { RegistryKind } from './types'

/** Where a size the registry reports about itself comes from. */
export type ReportedSizeSource = 'gitlab-registry-api' | 'gitlab-rest-api'

export interface ReportedSize {
  bytes: number
  source: ReportedSizeSource
  /** What the registry counts, in one sentence. */
  note: string
  /** `bytes` minus Berth's own total (positive: the registry counts more); null when Berth has no total. */
  differenceBytes: number | null
}

/** Where a tag's date comes from: the registry's push date (GitLab, Docker Hub), else the image's build date. */
export type TagDateSource = 'pushed' | 'built'

export interface TagUsage {
  tag: string
  digest: string
  /**
   * When the image was pushed (`dateSource` 'pushed', where the registry's API says) or else built
   * (its config's `created`; an index: its newest platform), ISO-8601; null when Berth does not hold
   * it (usage reads no config unless asked: `berth du --tags --dates`, the app's repository view).
   */
  date: string | null
  dateSource: TagDateSource | null
  /** Every blob the tag reaches, each once. */
  bytes: number
  /** Of `bytes`, what no other tag of the repository reaches: deleting only the image behind this tag frees it. */
  uniqueBytes: number
  /** `bytes - uniqueBytes`: also reached by other tags of the repository. */
  sharedBytes: number
}

/** A digest Berth saw behind a tag before, that no tag points at (or reaches) now, still stored. */
export interface UntaggedImage {
  digest: string
  /** Every blob the manifest reaches. */
  bytes: number
  /** Of `bytes`, what no tag and no other untagged image of the repository reaches: what deleting it frees. */
  freesBytes: number
  /** The tags Berth saw on it (the most recent last). */
  lastTags: string[]
  /** When Berth first saw a tag on it (ISO-8601). */
  firstSeen: string | null
}

/** A tag, untagged image or repository whose bytes are missing from the totals, and why. */
export interface UsageFailure {
  repository: string
  tag?: string
  digest?: string
  error: BerthErrorData
}

export interface RepositoryUsage {
  registry: string
  repository: string
  /** The unique bytes reachable from the repository's tags. */
  totalBytes: number
  /** Largest first (then by name). */
  tags: TagUsage[]
  /** "Untagged (seen before)": largest first. */
  untagged: UntaggedImage[]
  /** Blobs the untagged images hold that no tag reaches (each once). */
  untaggedBytes: number
  /** Distinct blobs (manifests included) counted in `totalBytes`. */
  blobs: number
  /** Tags whose digest came from Berth's cache (as last verified) rather than from the registry now. */
  tagsFromCache: number
  /** Manifests that could not be read (a missing platform image, schema 1): their blobs are not counted. */
  incomplete: boolean
  failures: UsageFailure[]
  /** The registry's own figure for this repository, when it reports one. */
  reported: ReportedSize | null
  computedAt: string
}

export interface RepositoryUsageRow {
  repository: string
  /** The unique bytes reachable from the repository's tags. */
  totalBytes: number
  /** Of those, what no other repository counted here reaches: deleting the whole repository frees it. */
  exclusiveBytes: number
  /** `totalBytes - exclusiveBytes`: also used by other repositories. */
  sharedBytes: number
  tags: number
  tagsFromCache: number
  untaggedBytes: number
  incomplete: boolean
  reported: ReportedSize | null
  /** Why this repository could not be measured (its bytes are then 0). */
  error: BerthErrorData | null
}

export interface RegistryUsage {
  registry: string
  /** The repository path prefix measured; '' for the whole registry. */
  prefix: string
  /** Largest first (then by name). */
  repositories: RepositoryUsageRow[]
  /** Every blob of every repository once: distribution stores a blob once per registry. */
  totalBytes: number
  /** The rows' `totalBytes` added up: more than `totalBytes` by what repositories share. */
  sumOfRepositoryBytes: number
  /** `totalBytes` minus every row's exclusive bytes: blobs two or more repositories use. */
  sharedAcrossRepositoriesBytes: number
  /** How the repositories were found: the v2 catalog or the registry's own API (GitLab), and what it said. */
  listing: { source: 'catalog' | 'provider-api' | 'by-name'; reason: string | null }
  tagsFromCache: number
  /** The registry's own figure for the prefix, when it reports one. */
  reported: ReportedSize | null
  /** How shared blobs are attributed, in one paragraph for the UI. */
  attribution: string
  failures: UsageFailure[]
  computedAt: string
}

export type UsageResult = { scope: 'repository'; usage: RepositoryUsage } | { scope: 'registry'; usage: RegistryUsage }

export interface UsageProgress {
  repositoriesDone: number
  repositoriesTotal: number
  tagsDone: number
  /** Grows while repositories are being listed. */
  tagsTotal: number
  /** The repository being listed or measured, when one is. */
  repository: string | null
}

/** What a deletion does to storage, once the registry's garbage collection has run. */
export interface StorageEffect {
  /** Bytes no remaining tag reaches after the deletion (nor another repository, where measured). */
  freesBytes: number
  /** Bytes of what goes that stay, because kept tags (or other repositories) still use them. */
  keptBytes: number
  /** Of `keptBytes`, what only other repositories keep. */
  keptByOtherRepositoriesBytes: number
  /**
   * Other repositories of the registry, from Berth's cache (tags as last seen): how many were
   * measured, and how many Berth has never seen (what they share is not known). Null when they could
   * not be listed, or for an untagged image (what it holds is checked against this repository only).
   */
  otherRepositories: { measured: number; notMeasured: number } | null
  tagsFromCache: number
  incomplete: boolean
  /** One or two sentences: what is freed and why, e.g. that the image stays tagged. */
  note: string
  /** Who frees the disk, and how (the registry's garbage collection). */
  garbageCollection: string
}

/** Deleting untagged images by digest (`berth rm <repo>@<digest>`): what each holds and frees. */
export interface UntaggedDeletePreview {
  repository: string
  /**
   * `alsoDeleted`: the platform and attestation manifests of an untagged index that no tag reaches,
   * deleted with it (the registry stores each as a manifest of its own, which keeps its layers).
   */
  items: { digest: string; alsoDeleted: string[]; bytes: number; freesBytes: number; lastTags: string[]; firstSeen: string | null }[]
  /** Null when Berth could not work them out (`storage.note` says why). */
  freesBytes: number | null
  keptBytes: number | null
  storage: StorageEffect | null
}

export interface UntaggedDeleteResult {
  digest: string
  ok: boolean
  /** Every manifest deleted: the image, and an index's platform manifests no tag uses. */
  deleted: string[]
  error?: BerthErrorData
}

export const usageAttribution =
  'Each repository counts every blob its tags reach, so a layer used by two repositories counts in both rows; ' +
  'the registry total counts it once. "Exclusive" is what only that repository uses (what deleting the whole ' +
  'repository frees); "shared" is used by other repositories too.'

/** Who frees the disk after a deletion, for each kind of registry. */
export function garbageCollectionAdvice(kind: RegistryKind): string {
  switch (kind) {
    case 'gitlab':
      return (
        'GitLab frees the space itself: with the metadata database, online garbage collection removes untagged ' +
        'manifests and unreferenced layers after a review delay (a day by default); without it, an administrator runs ' +
        '`sudo gitlab-ctl registry-garbage-collect -m`.'
      )
    case 'dockerhub':
      return 'Docker Hub frees the space on its own.'
    case 'distribution':
    case 'generic':
      return (
        'Deleting removes references only: the registry frees the disk when its administrator runs garbage collection, ' +
        'on distribution `registry garbage-collect --delete-untagged <config>` (Debian: `docker-registry garbage-collect ' +
        '--delete-untagged /etc/docker/registry/config.yml`), with the registry stopped or read-only. Without ' +
        '--delete-untagged it frees only manifests deleted by digest: tag-only deletes leave the image stored untagged ' +
        '(delete those with `berth rm <repo>@<digest>`). On distribution 2.x, --delete-untagged also removes the ' +
        'platform images of tagged multi-arch images (distribution#3178): there, delete untagged images by digest and ' +
        'run garbage-collect without it.'
      )
    default:
      return 'Deleting removes references only: the registry frees the disk when its garbage collection runs (see its documentation).'
  }
}

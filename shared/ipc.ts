// The whole renderer → main surface in one place. The Electron preload, the web-mode bridge and
// the CLI all go through a handler object typed `Api`, so a missing handler fails to compile.
// Every request is validated with the schema below before a handler sees it.
import { z } from 'zod'
import type { BerthErrorData } from './errors'
import type {
  CachedTagDetails,
  DeletePreview,
  DeleteResult,
  Inspection,
  ProbeResult,
  RegistryView,
  RepositoryListing,
  TagDetailsResult,
  TagList,
  AuditEntry,
  CertificateInfo,
} from './types'
import { authModes, registryKinds } from './types'
import { cleanupRulesSchema, type CleanupPlan } from './cleanup-rules'
import { tagNamePattern } from './tag-name'

const id = z.string().min(1).max(200)
const repository = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, 'not a valid repository name')
const tag = z.string().regex(tagNamePattern, 'not a valid tag')
/** A tag name as the registry listed it: checked row by row (shared/tag-name.ts), so one bad name fails only its row. */
const listedTag = z.string().min(1).max(1_000)
const jobId = z.string().regex(/^job-[0-9]{1,12}$/, 'not a details job id')
const reference = z.string().min(1).max(200)
const registryUrl = z.string().url().max(300)

export const profileInputSchema = z.object({
  id: id.optional(),
  name: z.string().min(1).max(100),
  url: registryUrl,
  kind: z.enum(registryKinds).optional(),
  username: z.string().max(300).optional(),
  authMode: z.enum(authModes).default('auto'),
  insecure: z.boolean().default(false),
  favorites: z.array(repository).max(1000).default([]),
  gitlabUrl: registryUrl.optional(),
})
export type ProfileInput = z.input<typeof profileInputSchema>

export const requestSchemas = {
  listRegistries: z.object({}),
  saveRegistry: z.object({ profile: profileInputSchema }),
  removeRegistry: z.object({ registryId: id }),
  /** The one time a secret crosses from renderer to main: typed by the user, never sent back. */
  login: z.object({ registryId: id, username: z.string().min(1).max(300), secret: z.string().min(1).max(10_000) }),
  logout: z.object({ registryId: id }),
  probeRegistry: z.object({ url: registryUrl, insecure: z.boolean().default(false), registryId: id.optional() }),
  trustCertificate: z.union([
    z.object({ registryId: id, fingerprint: z.string().regex(/^([0-9A-Fa-f]{2}:?){32}$/, 'not a SHA-256 fingerprint') }),
    z.object({ registryId: id, caPem: z.string().includes('-----BEGIN CERTIFICATE-----').max(1_000_000) }),
  ]),
  addFavorite: z.object({ registryId: id, repository }),
  removeFavorite: z.object({ registryId: id, repository }),
  listRepositories: z.object({ registryId: id }),
  listTags: z.object({ registryId: id, repository }),
  getTagDetails: z.object({ registryId: id, repository, tags: z.array(listedTag).min(1).max(500) }),
  /**
   * Starts loading details for the tags listTags last answered, the app's way: rows arrive one by one as
   * `tagDetails` events, in the order `prioritizeTagDetails` asks for (the rows on screen first).
   */
  startTagDetails: z.object({
    registryId: id,
    repository,
    visible: z.array(listedTag).max(2_000).default([]),
    order: z.array(listedTag).max(20_000).optional(),
  }),
  /** What the user sees now: `visible` first, then `margin`, then every tag in `order` (sent when it changes). */
  prioritizeTagDetails: z.object({
    jobId: jobId,
    visible: z.array(listedTag).max(2_000),
    margin: z.array(listedTag).max(5_000).default([]),
    // The table's order, when it changed; past 20,000 tags the listing's order serves (a request stays small).
    order: z.array(listedTag).max(20_000).optional(),
    requeue: z.array(listedTag).max(10_000).optional(),
  }),
  /** The user left the repository: its requests are aborted and no further row is sent. */
  stopTagDetails: z.object({ jobId: jobId }),
  /** What Berth last verified for this repository's tags, from its own caches: no registry request. */
  getCachedTagDetails: z.object({ registryId: id, repository }),
  inspect: z.object({ registryId: id, repository, reference }),
  previewDelete: z.object({ registryId: id, repository, tags: z.array(tag).min(1).max(10_000), mode: z.enum(['tag', 'digest']) }),
  /**
   * `expectedDigests`: every tag the user confirmed will go → its digest in the preview (for a delete
   * by digest, the picked tags and every other tag on their digests). A tag that moved since, or a
   * digest whose tags are no longer exactly those, is refused with a conflict and nothing is deleted.
   */
  deleteTags: z.object({
    registryId: id,
    repository,
    tags: z.array(tag).min(1).max(10_000),
    mode: z.enum(['tag', 'digest']),
    expectedDigests: z.record(tag, z.string().regex(/^sha256:[a-f0-9]{64}$/)),
  }),
  scanDockerLogins: z.object({}),
  importDockerLogins: z.object({ keys: z.array(z.string().min(1).max(300)).min(1).max(100) }),
  readAuditLog: z.object({ limit: z.number().int().min(1).max(10_000).default(200) }),
  /** `selection` limits which tags may be removed (keep-n still ranks the whole repository). */
  previewCleanup: z.object({
    registryId: id,
    repository,
    rules: cleanupRulesSchema,
    selection: z.array(tag).min(1).max(100_000).optional(),
  }),
  /** Tag-safe deletion of planned tags only; each is checked against the digest the plan showed. */
  runCleanup: z.object({
    registryId: id,
    repository,
    tags: z.array(tag).min(1).max(10_000),
    expectedDigests: z.record(tag, z.string().regex(/^sha256:[a-f0-9]{64}$/)),
  }),
  saveCleanupRules: z.object({ registryId: id, repository, rules: cleanupRulesSchema }),
  loadCleanupRules: z.object({ registryId: id, repository }),
  /**
   * GitLab's own asynchronous bulk tag cleanup (GLAPI `DELETE …/tags`): regexes are full-match RE2,
   * `latest` is never deleted, and GitLab accepts one submission per repository per hour.
   */
  submitGitlabBulkDelete: z.object({
    registryId: id,
    repository,
    nameRegexDelete: z.string().min(1).max(500),
    nameRegexKeep: z.string().min(1).max(500).optional(),
    keepN: z.number().int().min(0).max(10_000).optional(),
    olderThan: z
      .string()
      .regex(/^\d+(h|d|month)$/, 'GitLab durations look like 1h, 7d or 1month')
      .optional(),
  }),
} as const

export type ApiRequests = { [K in keyof typeof requestSchemas]: z.input<(typeof requestSchemas)[K]> }
export type ApiMethod = keyof typeof requestSchemas

export interface DockerLoginCandidate {
  /** The key in config.json (`auths`/`credHelpers`), or `podman:<host>`. */
  key: string
  registryUrl: string
  username: string | null
  source: 'docker-config' | 'docker-credential-helper' | 'DOCKER_AUTH_CONFIG' | 'podman-auth'
  /** Whether Berth already has a profile for this host. */
  existingProfileId: string | null
}

export interface ApiResponses {
  listRegistries: RegistryView[]
  saveRegistry: RegistryView
  removeRegistry: null
  login: RegistryView
  logout: RegistryView
  probeRegistry: ProbeResult
  trustCertificate: RegistryView
  addFavorite: RegistryView
  removeFavorite: RegistryView
  listRepositories: RepositoryListing
  /** `rateLimit`: Docker Hub's pull quota as last reported by its `ratelimit-*` headers. */
  listTags: TagList & { rateLimit?: { limit?: number; remaining?: number; windowSeconds?: number } | null }
  getTagDetails: TagDetailsResult[]
  startTagDetails: { jobId: string }
  prioritizeTagDetails: null
  stopTagDetails: null
  getCachedTagDetails: CachedTagDetails
  inspect: Inspection
  previewDelete: DeletePreview
  deleteTags: { results: DeleteResult[]; note: string }
  scanDockerLogins: DockerLoginCandidate[]
  importDockerLogins: RegistryView[]
  readAuditLog: AuditEntry[]
  previewCleanup: CleanupPlan
  runCleanup: { results: DeleteResult[]; removed: string[]; failed: string[]; note: string }
  saveCleanupRules: SavedCleanupRules
  loadCleanupRules: SavedCleanupRules | null
  submitGitlabBulkDelete: { repository: string; status: 'accepted'; note: string }
}

export interface SavedCleanupRules {
  rules: z.output<typeof cleanupRulesSchema>
  savedAt: string
}

/** The typed API the renderer calls (`window.berth`), implemented in main by the handler table. */
export type Api = { [K in ApiMethod]: (req: ApiRequests[K]) => Promise<ApiResponses[K]> }

/** What actually crosses the wire: errors are data because Electron only keeps `message`. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: BerthErrorData }

/** Pushes from main to the renderer. */
export interface ApiEvents {
  /** A berth:// link or second-instance launch asked to show this view (a location hash). */
  navigate: { hash: string }
  certificateChanged: { registryId: string; certificate: CertificateInfo; expectedFingerprint: string }
  /** Rows of a details job (startTagDetails), a few at a time as they complete. */
  tagDetails: { jobId: string; results: TagDetailsResult[]; answered: number }
}

export const apiMethods = Object.keys(requestSchemas) as ApiMethod[]

/** IPC channel names: one per method, namespaced so nothing else can collide. */
export const channelFor = (method: ApiMethod): string => `berth:${method}`

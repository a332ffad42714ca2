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
import { cleanupRulesSchema, parseDuration, type CleanupPlan } from './cleanup-rules'
import { platformPattern, syncTagSelection, type CopyPlan, type CopyProgress, type CopyResult } from './copy'
import { tagNamePattern } from './tag-name'
import { platformSelectorPattern } from './platform'
import type { UntaggedDeletePreview, UntaggedDeleteResult, UsageProgress, UsageResult } from './usage'
import { ciAuthSecretFormats } from './ci-auth-input'
import type { CiAuthInfo, CopiedCiAuth, CreatedDeployToken, HeldCiCredential } from './ci-auth-api'
import type { ConnectResult } from './registry-setup'
import type { SignatureKey, SignatureReport, SignatureSummary } from './signatures'

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
/** An address as the user typed it (`host:port`, a URL): main parses it (parseRegistryAddress) and says what is wrong. */
const registryAddress = z.string().min(1).max(300)
const fingerprint = z.string().regex(/^([0-9A-Fa-f]{2}:?){32}$/, 'not a SHA-256 fingerprint')
const caPem = z.string().includes('-----BEGIN CERTIFICATE-----').max(1_000_000)
/** host:port with the port written, as HostTrust names hosts. */
const hostPort = z
  .string()
  .max(300)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/, 'not host:port')
/** What the user chose in the trust step, not saved yet: pins per host, or a CA for them all. */
export const trustChoiceSchema = z.object({
  pins: z
    .array(z.object({ host: hostPort, fingerprint }))
    .max(16)
    .default([]),
  caPem: caPem.optional(),
})
export type TrustChoice = z.input<typeof trustChoiceSchema>
const credentialId = z.string().regex(/^cred-[0-9a-f]{24}$/, 'not a held credential id')
/** A GitLab project or group: its full path or numeric id. */
const gitlabPath = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(\d+|[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*)$/, 'not a GitLab project or group path')

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

const digestReference = z.string().regex(/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/, 'not a digest')
/** One side of a copy: a saved registry (add a new one with saveRegistry first) and a repository (existing or new). */
const copyEndpoint = z.object({ registryId: id, repository })
const copyFields = {
  source: copyEndpoint,
  destination: copyEndpoint,
  /** What to copy: each source tag or digest with the tags it gets at the destination ([] = by digest only). */
  items: z
    .array(z.object({ reference: z.union([tag, digestReference]), tags: z.array(tag).max(50).default([]) }))
    .min(1)
    .max(1_000)
    .optional(),
  /** Or a sync: every source tag matching `tagPattern` (a case-insensitive regex) and pushed or built within `newerThan`. */
  sync: z
    .object({
      tagPattern: z
        .string()
        .max(500)
        .refine((text) => syncTagSelection([], { tagPattern: text }).ok, 'not a usable regular expression (JavaScript syntax, e.g. ^v1\\.)')
        .optional(),
      newerThan: z
        .string()
        .max(20)
        .refine((text) => parseDuration(text) !== null, 'not a duration like 12h, 7d, 2w, 1month')
        .optional(),
    })
    .optional(),
  /** `os/arch[/variant]`; none = every platform. A subset of an index makes a new index (the plan gives its digest). */
  platforms: z.array(z.string().regex(platformPattern, 'not os/arch[/variant]')).max(32).default([]),
  /** Signatures, SBOMs and attestations too (OCI referrers API, the sha256-<hex> tag schema, cosign's .sig/.att/.sbom tags). */
  referrers: z.boolean().default(false),
  /** Move destination tags that point elsewhere (the plan shows both digests). */
  force: z.boolean().default(false),
}
/** A repository path prefix ('' = the whole registry): whole path components, as in a repository name. */
const usagePrefix = z.union([z.literal(''), repository])
const oneSelection = (request: { items?: unknown; sync?: unknown }): boolean =>
  (request.items === undefined) !== (request.sync === undefined)
const oneSelectionMessage = { message: 'give either items or sync' }

export const requestSchemas = {
  listRegistries: z.object({}),
  saveRegistry: z.object({ profile: profileInputSchema }),
  removeRegistry: z.object({ registryId: id }),
  /** A secret crosses from renderer to main only here and in connectRegistry: typed by the user, never sent back. */
  login: z.object({ registryId: id, username: z.string().min(1).max(300), secret: z.string().min(1).max(10_000) }),
  logout: z.object({ registryId: id }),
  /**
   * `url` as typed: a bare host[:port] is tried over https first (shared/registry-address.ts). `trust`:
   * what the user chose in the trust step so far, checked against every host without saving it.
   */
  probeRegistry: z.object({
    url: registryAddress,
    insecure: z.boolean().default(false),
    registryId: id.optional(),
    trust: trustChoiceSchema.optional(),
  }),
  /**
   * Checks, then saves: the registry is reached with the trust chosen and the credentials given
   * (none: the stored ones, or anonymous for a new registry); only if it lets Berth in are the
   * profile, the trust and the secret saved, and a secret the keychain refuses leaves nothing behind.
   */
  connectRegistry: z.object({
    profile: profileInputSchema,
    trust: trustChoiceSchema.default({ pins: [] }),
    credential: z.object({ username: z.string().min(1).max(300), secret: z.string().min(1).max(10_000) }).optional(),
  }),
  /** `host`: a host the registry sends Berth to (its token realm); default the registry itself. */
  trustCertificate: z.union([z.object({ registryId: id, fingerprint, host: hostPort.optional() }), z.object({ registryId: id, caPem })]),
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
  /** `platform` (`os/arch[/variant]`): for an index, the platform image to show; none lists the index's entries only. */
  inspect: z.object({
    registryId: id,
    repository,
    reference,
    platform: z.string().regex(platformSelectorPattern, 'not os/arch[/variant], e.g. linux/arm64').optional(),
  }),
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
    /** Referrers from the preview to delete too, after their subject (each checked again first). */
    referrers: z
      .array(
        z.object({
          subject: z.string().regex(/^sha256:[a-f0-9]{64}$/),
          kind: z.enum(['signature', 'sbom', 'attestation', 'other', 'index']),
          digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
          tag: tag.nullable(),
        }),
      )
      .max(1_000)
      .optional(),
  }),
  scanDockerLogins: z.object({}),
  importDockerLogins: z.object({ keys: z.array(z.string().min(1).max(300)).min(1).max(100) }),
  /** The newest `limit` entries (of one registry, and one repository of it, when given), oldest first. */
  readAuditLog: z.object({
    limit: z.number().int().min(1).max(10_000).default(200),
    registryId: id.optional(),
    repository: repository.optional(),
  }),
  /** Docker Hub's pull quota as its `ratelimit-*` headers last reported it to this registry's session (null: none seen). */
  getRateLimit: z.object({ registryId: id }),
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
  /** The dry run: every manifest and blob, present or missing, the bytes to send, each destination tag's state. */
  planCopy: z.object(copyFields).refine(oneSelection, oneSelectionMessage),
  /**
   * Plans again and runs: `copyProgress` events, then one `copyFinished` (which may arrive before this
   * call's answer: keep events by jobId). `expectedDestinationDigests`: each destination tag → the
   * digest the confirmed plan showed ('' = absent); if one moved, nothing is written.
   */
  startCopy: z
    .object({ ...copyFields, expectedDestinationDigests: z.record(tag, z.union([digestReference, z.literal('')])).optional() })
    .refine(oneSelection, oneSelectionMessage),
  /** Stops a running copy: finished blobs stay, an interrupted upload resumes next time, no tag is written. */
  cancelCopy: z.object({ jobId: z.string().regex(/^copy-[0-9]{1,12}$/, 'not a copy job id') }),
  /** What the CI / Kubernetes dialog may offer for a registry: usernames and abilities, never a secret. */
  ciAuthInfo: z.object({ registryId: id }),
  /**
   * A deploy token or robot account pasted for CI use (desktop only): held in main's memory for 15
   * minutes, stored in the keychain only with `save`, never sent back.
   */
  holdCiCredential: z.object({
    registryId: id,
    username: z.string().min(1).max(300),
    secret: z.string().min(1).max(10_000),
    save: z.boolean().default(false),
  }),
  /** GitLab: a project or group deploy token with read_registry (desktop only); held like a pasted one. */
  createDeployToken: z.object({
    registryId: id,
    owner: z.object({ kind: z.enum(['project', 'group']), path: gitlabPath }),
    name: z.string().min(1).max(255),
    expiresAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'not a date (YYYY-MM-DD)')
      .optional(),
    username: z.string().max(255).optional(),
    save: z.boolean().default(false),
  }),
  /** Main assembles the text with the real secret and puts it on the clipboard (cleared after 60 s). */
  copyCiAuth: z.object({
    registryId: id,
    format: z.enum(ciAuthSecretFormats),
    name: z.string().min(1).max(253),
    namespace: z.string().max(63).optional(),
    credential: z.union([
      z.object({ kind: z.literal('login') }),
      z.object({ kind: z.literal('saved') }),
      z.object({ kind: z.literal('held'), credentialId }),
    ]),
  }),
  /** Drops a held credential now, or the CI credential kept in the keychain for a registry. */
  forgetCiCredential: z.union([z.object({ credentialId }), z.object({ registryId: id, saved: z.literal(true) })]),
  /**
   * Measures storage (shared/usage.ts): one repository (per tag, and its untagged images seen before)
   * or every repository under a prefix ('' = the whole registry). `usageProgress` events, then one
   * `usageFinished`. `verify`: ask the registry for every tag's digest instead of trusting Berth's cache.
   * `dates` (a repository): read the configs Berth lacks for each tag's build date (one GET per config).
   */
  startUsage: z
    .object({
      registryId: id,
      repository: repository.optional(),
      prefix: usagePrefix.optional(),
      verify: z.boolean().default(false),
      dates: z.boolean().default(false),
    })
    .refine((request) => (request.repository === undefined) !== (request.prefix === undefined), {
      message: 'give either repository or prefix',
    }),
  /** Stops a running measurement: `usageFinished` then carries a `cancelled` error. */
  cancelUsage: z.object({ jobId: z.string().regex(/^usage-[0-9]{1,12}$/, 'not a usage job id') }),
  /** Untagged images to delete by digest: what each holds and frees; refused if a tag points at or reaches one. */
  previewUntaggedDelete: z.object({ registryId: id, repository, digests: z.array(digestReference).min(1).max(1_000) }),
  /** Deletes untagged images by digest, checking again right before that no tag points at or reaches them. */
  deleteUntagged: z.object({ registryId: id, repository, digests: z.array(digestReference).min(1).max(1_000) }),
  /** The public keys kept for verifying this registry's signatures (every scope). */
  listSignatureKeys: z.object({ registryId: id }),
  /** Keeps a PEM public key for the whole registry, or for `repository` and the repositories under it. */
  addSignatureKey: z.object({
    registryId: id,
    repository: repository.optional(),
    name: z.string().trim().min(1, 'give the key a name').max(100),
    pem: z
      .string()
      .min(1)
      .max(64 * 1024),
  }),
  removeSignatureKey: z.object({ registryId: id, keyId: z.string().regex(/^key-[0-9a-f]{16}$/, 'not a signature key id') }),
  /** Every cosign signature of one image (its .sig tag and OCI 1.1 referrers), checked with the stored keys. */
  verifySignatures: z.object({ registryId: id, repository, reference }),
  /** The table's marks, for images whose cosign .sig tag is in the tag list: nothing else is looked up. */
  signatureSummaries: z.object({ registryId: id, repository, digests: z.array(digestReference).min(1).max(200) }),
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
  connectRegistry: ConnectResult
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
  getRateLimit: RateLimitView | null
  previewCleanup: CleanupPlan
  runCleanup: { results: DeleteResult[]; removed: string[]; failed: string[]; note: string }
  saveCleanupRules: SavedCleanupRules
  loadCleanupRules: SavedCleanupRules | null
  /** `accepted`: the parameters GitLab accepted (it answers 202 with no body), in its own vocabulary. */
  submitGitlabBulkDelete: {
    repository: string
    status: 'accepted'
    accepted: { nameRegexDelete: string; nameRegexKeep?: string; keepN?: number; olderThan?: string }
    note: string
  }
  planCopy: CopyPlan
  startCopy: { jobId: string }
  cancelCopy: null
  ciAuthInfo: CiAuthInfo
  holdCiCredential: HeldCiCredential
  createDeployToken: CreatedDeployToken
  copyCiAuth: CopiedCiAuth
  forgetCiCredential: null
  startUsage: { jobId: string }
  cancelUsage: null
  previewUntaggedDelete: UntaggedDeletePreview
  deleteUntagged: { results: UntaggedDeleteResult[]; note: string }
  listSignatureKeys: SignatureKeyView[]
  addSignatureKey: SignatureKeyView
  removeSignatureKey: null
  verifySignatures: SignatureReport
  signatureSummaries: SignatureSummary[]
}

/** A signature key as the renderer sees it: the PEM stays in main (it is public, but nothing shows it). */
export type SignatureKeyView = Omit<SignatureKey, 'pem'>

/** A pull quota as the registry reported it; `seenAt` is when (ISO 8601), since it only changes with requests. */
export interface RateLimitView {
  limit?: number
  remaining?: number
  windowSeconds?: number
  seenAt: string
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
  /**
   * A listing paging in, repositories (`repository` null) or a repository's tags: entries and pages
   * so far, a few times a second at most. The listing's own answer follows.
   */
  listingProgress: { registryId: string; repository: string | null; items: number; pages: number }
  /** Rows of a details job (startTagDetails), a few at a time as they complete. */
  tagDetails: { jobId: string; results: TagDetailsResult[]; answered: number }
  /** A running copy (startCopy), at most ten times a second. */
  copyProgress: { jobId: string; progress: CopyProgress }
  /** A copy ended: its result (some items may have failed: `result.complete`), or the error that stopped it. */
  copyFinished: { jobId: string; result: CopyResult | null; error: BerthErrorData | null }
  /** A running measurement (startUsage): repositories and tags done, at most ten times a second. */
  usageProgress: { jobId: string; progress: UsageProgress }
  /** A measurement ended: its result, or the error that stopped it (`cancelled` after cancelUsage). */
  usageFinished: { jobId: string; result: UsageResult | null; error: BerthErrorData | null }
}

export const apiMethods = Object.keys(requestSchemas) as ApiMethod[]

/** IPC channel names: one per method, namespaced so nothing else can collide. */
export const channelFor = (method: ApiMethod): string => `berth:${method}`

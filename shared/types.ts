// Domain types shared by the main process, the CLI, the web mode and the renderer.
// Plain data only: everything here crosses IPC or is printed as JSON by the CLI.
import type { ArtifactInfo } from './artifact-kind'
import type { BerthErrorData } from './errors'
import type { StorageEffect } from './usage'

export const registryKinds = ['distribution', 'gitlab', 'dockerhub', 'ghcr', 'harbor', 'quay', 'ecr', 'zot', 'generic'] as const
export type RegistryKind = (typeof registryKinds)[number]

export const authModes = ['auto', 'anonymous', 'basic', 'bearer'] as const
export type AuthMode = (typeof authModes)[number]

export interface RegistryProfile {
  id: string
  name: string
  /** scheme + host[:port], no path: https://registry.example.com:5050 */
  url: string
  kind: RegistryKind
  username?: string
  authMode: AuthMode
  /** PEM of CA certificates the user chose to trust for this registry only. */
  caPem?: string
  /** SHA-256 fingerprint (AA:BB:… upper-case hex) of the server certificate the user accepted. */
  pinnedFingerprint?: string
  /** Plain HTTP allowed (always allowed for loopback). */
  insecure: boolean
  /** Repositories added by name, for registries without a usable catalog. */
  favorites: string[]
  /** GitLab: the instance URL, when it differs from the registry URL. */
  gitlabUrl?: string
  /**
   * Certificates the user accepted for the other hosts this registry sends Berth to (its token
   * realm, GitLab's API), by host:port: pinned like `pinnedFingerprint`, for this registry only.
   */
  hostPins?: HostPin[]
}

/** A server certificate accepted by its SHA-256 fingerprint, for one host:port. */
export interface HostPin {
  /** host:port, the port always written: `localhost:5443`, `[::1]:443`. */
  host: string
  /** AA:BB:… upper-case hex. */
  fingerprint: string
}

/** Whether Berth trusts the certificate of one host a registry sends it to (the probe's answer). */
export interface HostTrust {
  /** host:port, the port always written. */
  host: string
  /** What Berth goes there for: the registry itself, its token server, GitLab's API. */
  role: 'registry' | 'token-realm' | 'gitlab-api'
  /** What the server presented; absent when it could not be read (`problem` says why). */
  certificate?: CertificateInfo
  trusted: boolean
  /** Why it is not trusted (OpenSSL's reason), or why it could not be checked. */
  problem?: string
}

/**
 * What a registry's provider can do (electron/providers): the UI and the CLI offer an action only
 * where its capability says so, instead of letting the registry refuse it.
 */
export interface RegistryCapabilities {
  /** How repositories are listed: the v2 catalog (which may still be refused), the provider's own API, or only by name. */
  repositoryListing: 'catalog' | 'provider-api' | 'by-name'
  /** One tag can be deleted while other tags on its digest stay. */
  tagDelete: boolean
  /** A manifest can be deleted by digest, taking every tag on it. */
  digestDelete: boolean
  /** Push dates come from the registry's own API (a `pushed` date beside the build date). */
  pushDates: boolean
  /** The registry runs tag cleanup itself (GitLab's bulk tag delete). */
  serverSideCleanup: boolean
  /** The registry reports a pull quota (Docker Hub's `ratelimit-*` headers). */
  rateLimit: boolean
}

/** What the renderer sees of a profile: never a secret, only whether one is stored. */
export interface RegistryView extends RegistryProfile {
  hasCredential: boolean
  capabilities: RegistryCapabilities
}

export interface CertificateInfo {
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  /** SHA-256 of the DER certificate, AA:BB:… upper-case hex. */
  fingerprint256: string
  serialNumber: string
  selfSigned: boolean
}

export interface ProbeResult {
  url: string
  /** 'open' = /v2/ answered 200 anonymously. */
  auth: 'open' | 'basic' | 'bearer'
  realm?: string
  service?: string
  kind: RegistryKind
  /** The certificate the server presented (https only). */
  certificate?: CertificateInfo
  /** Whether that certificate is trusted by the system roots, the profile's CA or its pin. */
  tlsTrusted?: boolean
  /**
   * Every https host the registry sends Berth to (the registry, its token realm, GitLab's API) and
   * whether its certificate is trusted: the trust step shows each one that is not.
   */
  hosts?: HostTrust[]
  /** GitLab: the instance, from the token realm `<gitlab>/jwt/auth` (or the profile's GitLab URL). */
  gitlabUrl?: string
}

export interface RepositoryListing {
  repositories: string[]
  /** 'unavailable' is a normal state (GitLab non-admin, Docker Hub, GHCR): add repositories by name. */
  catalog: 'available' | 'unavailable'
  reason?: string
}

export interface TagList {
  repository: string
  tags: string[]
}

export interface Platform {
  os: string
  architecture: string
  variant?: string
  digest: string
  mediaType: string
  /** Config + compressed layers of this platform's image; null until known. */
  size: number | null
}

export type ManifestKind = 'image' | 'index' | 'artifact' | 'schema1' | 'unknown'
export type DateSource = 'config' | 'annotation' | 'pushed' | 'unknown'

export interface TagDetails {
  tag: string
  digest: string
  mediaType: string
  kind: ManifestKind
  /** Image config digest; for an index, null (each platform has its own). */
  configDigest: string | null
  /**
   * Bytes: config + compressed layers; for an index, the sum over platforms with shared layers
   * counted once, attestation manifests excluded. `sizeNote` says what was counted.
   */
  size: number | null
  sizeNote: string
  /** ISO-8601 build date, or null when unknown (missing, or reproducible builds' epoch 0). */
  created: string | null
  createdSource: DateSource
  /** Push date from the registry's own API, when it has one (GitLab published_at). */
  pushed?: string | null
  platforms: Platform[]
  /** A single-platform image's os/architecture, from its config (an index lists `platforms` instead). */
  platform?: { os: string; architecture: string; variant?: string }
  /** Number of buildx attestation manifests in an index (not platforms, not in size). */
  attestations: number
  artifactType: string | null
  /**
   * What the manifest holds (an image, a Helm chart, an SBOM…: shared/artifact-kind.ts), which decides
   * the commands offered. Absent on rows from a registry's own API: `artifactOfDetails` says what it can.
   */
  artifact?: ArtifactInfo
  /** OCI 1.1 `subject`: the digest of the manifest this one refers to (a signature, SBOM or attestation). */
  subject?: string
  /**
   * An index whose entries are artifacts (the referrers tag schema's `sha256-<hex>` index): each
   * entry's digest and kind, for the subject row's badge.
   */
  referrerEntries?: { digest: string; kind: ReferrerKind }[]
}

export type TagDetailsResult = { tag: string; ok: true; details: TagDetails } | { tag: string; ok: false; error: BerthErrorData }

/** A row's details without its tag: the same for every tag at that digest. */
export type DigestDetails = Omit<TagDetails, 'tag'>

/**
 * Details for a repository's tags derived from Berth's local caches alone (the digest each tag had
 * when last verified, and the content at that digest), answered without asking the registry. A
 * tag may have moved or gone since: show these rows as "checking" until getTagDetails answers for
 * the tag, and never act on them (delete and cleanup take the digests getTagDetails confirmed).
 * Packed by digest (shared/cached-details.ts): CI repositories often have ten tags per image, and
 * 10,000 rows spelled out were ~5 MB to serialize and parse on every open.
 */
export interface CachedTagDetails {
  repository: string
  /** Tag → the digest it had when last verified, for each tag with cached details. */
  tags: Record<string, string>
  /** The details at each digest named in `tags`, once per digest. */
  details: DigestDetails[]
}

export interface Layer {
  digest: string
  size: number
  mediaType: string
}

export interface HistoryEntry {
  created?: string
  createdBy?: string
  comment?: string
  emptyLayer?: boolean
}

export interface ImageConfigInfo {
  os?: string
  architecture?: string
  variant?: string
  env: string[]
  entrypoint: string[] | null
  cmd: string[] | null
  workingDir?: string
  user?: string
  exposedPorts: string[]
  labels: Record<string, string>
  history: HistoryEntry[]
}

export type ReferrerKind = 'signature' | 'sbom' | 'attestation' | 'other'

export interface Referrer {
  digest: string
  mediaType: string
  artifactType: string | null
  size: number
  annotations: Record<string, string>
  kind: ReferrerKind
  /** How it was found: the referrers API, the sha256-<hex> tag schema, or a cosign .sig/.att tag. */
  source: 'api' | 'tag-schema' | 'cosign-tag'
  /** What its documents say (SBOMs and attestations, read when inspected), one per JSON layer. */
  facts?: ReferrerFacts[]
}

/** A SLSA provenance predicate's answers to "who built this, from what". */
export interface ProvenanceFacts {
  slsaVersion: 'v0.2' | 'v1'
  /** builder.id (v0.2) / runDetails.builder.id (v1). */
  builder: string | null
  buildType: string | null
  /** The source repository the build started from, as the predicate names it (a URI). */
  sourceRepository: string | null
  sourceCommit: string | null
}

export interface SbomFacts {
  format: 'SPDX' | 'CycloneDX'
  /** spdxVersion / specVersion, as the document states it. */
  version: string | null
  /** SPDX `packages`, CycloneDX `components` (top level). */
  packageCount: number
  /** The document's name (SPDX) or its main component (CycloneDX). */
  name: string | null
}

/** One document of a referrer or buildx attestation: an in-toto statement (DSSE-wrapped or not), or a bare SBOM. */
export interface ReferrerFacts {
  /** The layer it was read from. */
  digest: string
  mediaType: string
  /** The in-toto predicate type; null for a bare SBOM document. */
  predicateType: string | null
  provenance?: ProvenanceFacts
  sbom?: SbomFacts
  /** The document as read (a DSSE payload decoded), indented; cut at `rawLimit` characters. */
  raw: string
  rawTruncated: boolean
  /** Why nothing (or not everything) could be read: too large, not JSON, an unexpected shape. */
  problem?: string
}

/** A buildx attestation manifest inside an index (`vnd.docker.reference.type: attestation-manifest`). */
export interface BuildAttestation {
  /** The attestation manifest. */
  digest: string
  /** The platform image it describes (`vnd.docker.reference.digest`). */
  subject: string | null
  facts: ReferrerFacts[]
}

/** One entry of an index as inspect lists it: a platform image, or a build attestation manifest (not a platform). */
export interface IndexEntrySummary {
  kind: 'platform' | 'attestation'
  digest: string
  mediaType: string
  /** The entry's platform (from the image config when the index names none); null for an attestation. */
  platform: { os: string; architecture: string; variant?: string } | null
  /** Config + compressed layers; null when the manifest could not be read. */
  size: number | null
  /** null when the manifest could not be read. */
  layerCount: number | null
  /** Build date from the image config (null when unknown, or for an attestation). */
  created: string | null
  /** An attestation: the digest of the platform image it describes (buildx's `vnd.docker.reference.digest`). */
  attests: string | null
}

/** The platform image of an index that an inspection with a chosen platform shows. */
export interface PlatformImage {
  digest: string
  mediaType: string
  configDigest: string
  /** Config + compressed layers. */
  size: number
  created: string | null
  annotations: Record<string, string>
  /** Its manifest exactly as received, pretty-printed when it is JSON. */
  manifestJson: string
}

export interface Inspection {
  repository: string
  reference: string
  /** What the reference points at (for an index: the index, its total size and its platforms). */
  details: TagDetails
  /** The layers of the image shown: the reference's own, or the chosen platform's of an index; [] for an index without one. */
  layers: Layer[]
  /** The config of the image shown (see `layers`); null for an index without a chosen platform, or an artifact. */
  config: ImageConfigInfo | null
  /** The reference's own manifest annotations (for an index: the index's). */
  annotations: Record<string, string>
  referrers: Referrer[]
  /** An index's buildx attestation manifests, with what they say (absent on older answers). */
  buildAttestations?: BuildAttestation[]
  /** Every tag of the repository currently pointing at this digest (when the tag list was read). */
  tagsSharingDigest: string[]
  /** The reference's manifest exactly as received, pretty-printed when it is JSON. */
  manifestJson: string
  /**
   * The platform `layers` and `config` describe: a single image's own (from its config), or the one
   * chosen of an index. null for an index inspected without a platform (it shows none), an artifact,
   * or an image whose config names none.
   */
  platform: { os: string; architecture: string; variant?: string } | null
  /** For an index: every entry in index order, platform images and attestation manifests; [] otherwise. */
  manifests: IndexEntrySummary[]
  /** The chosen platform's image of an index; null otherwise (the reference itself is what is shown). */
  platformImage: PlatformImage | null
}

export type DeleteMode = 'tag' | 'digest'
export type DeleteMethod = 'tag-delete' | 'throwaway-manifest' | 'digest-delete' | 'gitlab-api'

export interface DeletePreview {
  repository: string
  mode: DeleteMode
  /**
   * Per requested tag: its digest and, for a digest delete, every tag that goes with it.
   * `stillTagged` (tag deletes): the kept tags on the same image, which then frees nothing.
   */
  items: { tag: string; digest: string; alsoRemoved: string[]; stillTagged?: string[] }[]
  /** Bytes garbage collection frees after this deletion; null when Berth could not work it out (`storage` says why). */
  /**
   * Signatures, SBOMs and attestations of the images this delete leaves untagged, which would
   * otherwise dangle; deleted too only when the request names them (DeleteRequest.referrers).
   */
  referrers?: DeleteReferrer[]
  /** Why the referrers cannot be deleted here (the registry cannot delete by digest); absent when they can. */
  referrersBlocked?: string
  freesBytes?: number | null
  /** Bytes of what goes that stay stored, still used by kept tags (or other repositories). */
  keptBytes?: number | null
  storage?: StorageEffect | null
}

/** A referrer that a delete would leave dangling: what it is, and the tag naming it, if any. */
export interface DeleteReferrer {
  /** The digest of the deleted image it refers to. */
  subject: string
  /** `index`: the referrers tag schema's `sha256-<hex>` index itself. */
  kind: ReferrerKind | 'index'
  digest: string
  /** cosign's `sha256-<hex>.sig|.att|.sbom` or the `sha256-<hex>` index tag; null for an untagged OCI 1.1 referrer. */
  tag: string | null
}

/** What happened to one confirmed referrer (deleted by digest after its subject, one audit line each). */
export interface DeleteReferrerResult extends DeleteReferrer {
  ok: boolean
  error?: BerthErrorData
}

export interface DeleteResult {
  tag: string
  digest: string
  ok: boolean
  method?: DeleteMethod
  /** Tags that disappeared with this deletion (more than one for a digest delete). */
  removedTags: string[]
  error?: BerthErrorData
  /** The confirmed referrers of this tag's image, deleted after it (only when it went). */
  referrers?: DeleteReferrerResult[]
}

export const garbageCollectionNote = 'Deleting removes references only: the registry frees disk space when its garbage collection runs.'

/** A write by a copy: a tag written (`tag-write`), or an image copied by digest (`copy`). */
export type WriteMethod = 'tag-write' | 'copy'

/** A cleanup the registry runs itself (GitLab's bulk tag delete): one entry per submission, no single tag. */
export type ServerCleanupMethod = 'gitlab-bulk-delete'

export interface AuditEntry {
  time: string
  registry: string
  repository: string
  tag: string | null
  digest: string
  method: DeleteMethod | WriteMethod | ServerCleanupMethod
  result: 'ok' | 'error'
  error?: string
  /** Who: the local account that ran Berth, and the registry account it used (absent: anonymous or unknown). */
  user?: string
  account?: string
  /** What was asked where no single tag says it (GitLab's bulk cleanup: the parameters it was sent). */
  detail?: string
  /** Writes: where the content came from (`host/repository`) and its digest there. */
  source?: string
  sourceDigest?: string
  /** Writes: the digest the tag pointed at before (null: it did not exist). */
  previousDigest?: string | null
}

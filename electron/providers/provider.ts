// Per profile kind, how Berth lists repositories and tags, reads details and deletes: GitLab and
// Docker Hub have no usable catalog and richer APIs of their own (REGISTRY-NOTES "Listing",
// "Deletion"); every other kind uses the v2 client directly (providerFor returns null).
import type {
  DeleteMode,
  DeleteResult,
  RegistryKind,
  RegistryProfile,
  RepositoryListing,
  TagDetailsResult,
  TagList,
} from '../../shared/types'
import type { AuditLog } from '../stores/audit-log'
import type { DigestCache } from '../stores/cache/digest-cache'
import { createDockerHubProvider } from './dockerhub/dockerhub-provider'
import { createGitlabProvider, type GitlabProvider } from './gitlab/gitlab-provider'
import type { CredentialSource, RateLimitInfo, RegistryClient, TlsTrust } from '../http/client-types'

export interface ProviderContext {
  profile: RegistryProfile
  /** The profile's v2 client (auth, TLS trust and caches already set up). */
  client: RegistryClient
  credentials: CredentialSource
  trust: TlsTrust
  cache: DigestCache
  audit: AuditLog
  concurrency: number
  /** Docker Hub API base URL; tests point it at a recording. */
  dockerHubApiUrl?: string
}

export interface ProviderTagList extends TagList {
  /** Docker Hub's pull quota as last reported (`ratelimit-*` headers), when the registry sends one. */
  rateLimit?: RateLimitInfo | null
}

export interface RegistryProvider {
  readonly kind: RegistryKind
  listRepositories(): Promise<RepositoryListing>
  listTags(repository: string): Promise<ProviderTagList>
  getTagDetails(repository: string, tags: string[]): Promise<TagDetailsResult[]>
  deleteTags(repository: string, tags: string[], mode: DeleteMode, expectedDigests?: Record<string, string>): Promise<DeleteResult[]>
  close(): Promise<void>
}

/** The provider for a profile's kind, or null when the generic v2 path applies. */
export function providerFor(context: ProviderContext): RegistryProvider | null {
  switch (context.profile.kind) {
    case 'gitlab':
      return createGitlabProvider(context)
    case 'dockerhub':
      return createDockerHubProvider(context)
    default:
      return null
  }
}

/**
 * Why a registry of this kind shows no catalog, in its own terms (REGISTRY-NOTES "Listing"), for
 * the kinds that use the generic v2 path; null keeps the client's generic explanation.
 */
export function noCatalogReason(kind: RegistryKind): string | null {
  switch (kind) {
    case 'ghcr':
      return 'GitHub Container Registry has no catalog: add packages by name (owner/image), e.g. from the Packages tab of a GitHub user or organization.'
    case 'quay':
      return 'Quay lists only repositories your account owns in its catalog: add others by name (namespace/repository).'
    case 'ecr':
      return 'Amazon ECR serves no catalog over the registry API (its repository list is an AWS API call): add repositories by name.'
    case 'harbor':
      return 'Harbor shows the catalog to system administrators only: add repositories by name (project/repository).'
    case 'zot':
      return 'This zot instance does not list its repositories to this account: add them by name.'
    default:
      return null
  }
}

export function isGitlabProvider(provider: RegistryProvider | null): provider is GitlabProvider {
  return provider?.kind === 'gitlab'
}

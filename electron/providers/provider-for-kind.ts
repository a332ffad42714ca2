// Which provider serves a registry, by the kind of its profile: GitLab and Docker Hub get their own
// (on top of the generic one), every other kind the generic v2/OCI provider.
import type { RegistryProfile } from '../../shared/types'
import type { CredentialSource, RegistryClient, TlsTrust } from '../http/client-types'
import type { DigestCache } from '../stores/cache/digest-cache'
import { createDockerHubProvider } from './dockerhub/dockerhub-provider'
import { createGenericProvider } from './generic-provider'
import { createGitlabProvider } from './gitlab/gitlab-provider'
import type { RegistryProvider } from './provider'

export interface ProviderContext {
  /** The saved profile, or null for a registry named on the command line without one. */
  profile: RegistryProfile | null
  /** The registry's v2 client (auth, TLS trust and caches already set up). */
  client: RegistryClient
  credentials: CredentialSource
  trust: TlsTrust
  cache?: DigestCache
  concurrency: number
  /** Docker Hub API base URL; tests point it at a recording. */
  dockerHubApiUrl?: string
  /** The repositories the user added by name, as saved now (they change while the session lives). */
  favorites?: () => readonly string[]
}

export function providerFor(context: ProviderContext): RegistryProvider {
  const { profile } = context
  const base = createGenericProvider({
    client: context.client,
    profile,
    concurrency: context.concurrency,
    ...(context.cache ? { cache: context.cache } : {}),
    ...(context.favorites ? { favorites: context.favorites } : {}),
  })
  if (profile === null) return base
  const shared = {
    profile,
    credentials: context.credentials,
    concurrency: context.concurrency,
    favorites: context.favorites ?? (() => profile.favorites),
    ...(context.cache ? { cache: context.cache } : {}),
  }
  switch (profile.kind) {
    case 'gitlab':
      return createGitlabProvider(base, { ...shared, trust: context.trust })
    case 'dockerhub':
      return createDockerHubProvider(base, { ...shared, ...(context.dockerHubApiUrl ? { dockerHubApiUrl: context.dockerHubApiUrl } : {}) })
    default:
      return base
  }
}

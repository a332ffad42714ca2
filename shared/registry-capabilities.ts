// What each kind of registry can do, as its provider (electron/providers) implements it: static
// data, so the UI can offer only what works and the registry list needs no provider to say so.
import type { RegistryCapabilities, RegistryKind } from './types'

/** Any registry over the Distribution API alone. */
export const genericCapabilities: RegistryCapabilities = {
  repositoryListing: 'catalog',
  // OCI 1.1 tag DELETE, or a throw-away manifest where the registry lacks it.
  tagDelete: true,
  digestDelete: true,
  pushDates: false,
  serverSideCleanup: false,
  rateLimit: false,
}

/** GitLab: its REST API lists repositories and deletes single tags; it runs bulk cleanup itself. */
export const gitlabCapabilities: RegistryCapabilities = {
  repositoryListing: 'provider-api',
  tagDelete: true,
  digestDelete: true,
  pushDates: true,
  serverSideCleanup: true,
  rateLimit: false,
}

/** Docker Hub: the Hub API lists a namespace and deletes tags; it has no manifest delete by digest. */
export const dockerHubCapabilities: RegistryCapabilities = {
  repositoryListing: 'provider-api',
  tagDelete: true,
  digestDelete: false,
  pushDates: true,
  serverSideCleanup: false,
  rateLimit: true,
}

export function capabilitiesFor(kind: RegistryKind): RegistryCapabilities {
  switch (kind) {
    case 'gitlab':
      return gitlabCapabilities
    case 'dockerhub':
      return dockerHubCapabilities
    default:
      return genericCapabilities
  }
}

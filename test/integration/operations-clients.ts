// Clients for the operations' integration tests: Berth's real registry client against the lab,
// plus a wrapper that counts the calls an operation makes.
import { createRegistryClient } from '../../electron/http/registry-client'
import type { RegistryClient } from '../../electron/http/client-types'
import type { LabRegistry, LabTlsRegistry, LabUser } from '../lab/lab-client'

export function labClient(registry: LabRegistry, user?: LabUser, caPem?: string): RegistryClient {
  return createRegistryClient({
    endpoint: { url: registry.url, host: registry.host, insecure: registry.url.startsWith('http:') },
    ...(user ? { credentials: () => Promise.resolve({ kind: 'basic' as const, username: user.username, password: user.password }) } : {}),
    ...(caPem ? { trust: { caPems: [caPem] } } : {}),
  })
}

export function tlsClient(registry: LabTlsRegistry, user: LabUser): RegistryClient {
  return labClient(registry, user, registry.caPem)
}

export type CountedMethod = 'headManifest' | 'getManifest' | 'getBlob' | 'listTags' | 'deleteManifest' | 'putManifest'

/** Delegates to `inner`, counting each call by method name. */
export function countingClient(inner: RegistryClient): { client: RegistryClient; counts: Record<CountedMethod, number>; reset(): void } {
  const counts: Record<CountedMethod, number> = {
    headManifest: 0,
    getManifest: 0,
    getBlob: 0,
    listTags: 0,
    deleteManifest: 0,
    putManifest: 0,
  }
  const client: RegistryClient = {
    endpoint: inner.endpoint,
    ping: () => inner.ping(),
    catalog: (o) => inner.catalog(o),
    listTags: (r, o) => (counts.listTags++, inner.listTags(r, o)),
    getManifest: (r, ref, o) => (counts.getManifest++, inner.getManifest(r, ref, o)),
    headManifest: (r, ref, o) => (counts.headManifest++, inner.headManifest(r, ref, o)),
    putManifest: (r, ref, b, m) => (counts.putManifest++, inner.putManifest(r, ref, b, m)),
    deleteManifest: (r, ref) => (counts.deleteManifest++, inner.deleteManifest(r, ref)),
    getBlob: (r, d, o) => (counts.getBlob++, inner.getBlob(r, d, o)),
    uploadBlob: (r, b) => inner.uploadBlob(r, b),
    getReferrers: (r, d, o) => inner.getReferrers(r, d, o),
    rateLimit: () => inner.rateLimit(),
    close: () => inner.close(),
  }
  return {
    client,
    counts,
    reset() {
      for (const key of Object.keys(counts) as CountedMethod[]) counts[key] = 0
    },
  }
}

// A registry given as a bare `host:port` is tried over https first. Where plain HTTP is allowed
// (loopback, or a registry the user marked insecure), a server that answers the TLS handshake
// with plain HTTP gets the http:// client instead — docker's behaviour for insecure registries.
// Safe for every method: a failed handshake means not one byte of the request was sent.
import { BerthError } from '../../shared/errors'
import type { RegistryClient } from './client-types'
import type { BlobTransfer } from './registry-blobs'

const plainHttpCodes = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO'])

export function isPlainHttpAnswer(error: unknown): boolean {
  if (!(error instanceof BerthError) || error.code !== 'network') return false
  let cause: unknown = error.cause
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    if (plainHttpCodes.has(String((cause as Error & { code?: unknown }).code))) return true
    cause = cause.cause
  }
  return false
}

export function withPlainHttpFallback(httpsClient: RegistryClient, makeHttpClient: () => RegistryClient): RegistryClient {
  let current = httpsClient
  let settled = false
  let switching: Promise<void> | null = null

  async function run<T>(call: (client: RegistryClient) => Promise<T>): Promise<T> {
    if (settled) return call(current)
    try {
      const result = await call(current)
      settled = true
      return result
    } catch (error) {
      if (!isPlainHttpAnswer(error)) throw error
      // Concurrent first calls all fail the same way: switch once.
      switching ??= (async () => {
        const old = current
        current = makeHttpClient()
        settled = true
        await old.close()
      })()
      await switching
      return call(current)
    }
  }

  const blobsOf = (client: RegistryClient): BlobTransfer => {
    if (client.blobs) return client.blobs
    throw new BerthError({ code: 'unsupported', message: `${client.endpoint.host}: this client cannot copy blobs.` })
  }
  const blobs: BlobTransfer = {
    headBlob: (...args) => run((c) => blobsOf(c).headBlob(...args)),
    openBlob: (...args) => run((c) => blobsOf(c).openBlob(...args)),
    startUpload: (...args) => run((c) => blobsOf(c).startUpload(...args)),
    uploadStatus: (...args) => run((c) => blobsOf(c).uploadStatus(...args)),
    uploadChunk: (...args) => run((c) => blobsOf(c).uploadChunk(...args)),
    completeUpload: (...args) => run((c) => blobsOf(c).completeUpload(...args)),
    cancelUpload: (...args) => run((c) => blobsOf(c).cancelUpload(...args)),
    pushManifest: (...args) => run((c) => blobsOf(c).pushManifest(...args)),
  }

  return {
    get endpoint() {
      return current.endpoint
    },
    blobs,
    ping: (options) => run((c) => c.ping(options)),
    catalog: (options) => run((c) => c.catalog(options)),
    listTags: (repository, options) => run((c) => c.listTags(repository, options)),
    getManifest: (repository, reference, options) => run((c) => c.getManifest(repository, reference, options)),
    headManifest: (repository, reference, options) => run((c) => c.headManifest(repository, reference, options)),
    putManifest: (repository, reference, bytes, mediaType) => run((c) => c.putManifest(repository, reference, bytes, mediaType)),
    deleteManifest: (repository, reference) => run((c) => c.deleteManifest(repository, reference)),
    getBlob: (repository, digest, options) => run((c) => c.getBlob(repository, digest, options)),
    uploadBlob: (repository, bytes) => run((c) => c.uploadBlob(repository, bytes)),
    getReferrers: (repository, digest, options) => run((c) => c.getReferrers(repository, digest, options)),
    prepareRepositories: async (repositories) => current.prepareRepositories?.(repositories),
    rateLimit: () => current.rateLimit(),
    close: () => current.close(),
  }
}

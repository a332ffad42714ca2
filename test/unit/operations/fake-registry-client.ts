// An in-memory RegistryClient for unit tests of the operations. Content-addressed with honest
// digests (sha256 over the exact bytes served), and distribution's semantics where they matter:
// DELETE by digest removes every tag on it; DELETE by tag answers 400 DIGEST_INVALID (DIST 2.8) unless
// tag deletion is switched on; delete disabled answers 405 UNSUPPORTED. Errors are built by the real
// errorFromResponse, so the operations see exactly the BerthErrors the real client throws.
import { randomBytes } from 'node:crypto'
import type { RepositoryListing } from '../../../shared/types'
import { isDigest, sha256Digest } from '../../../electron/http/digest'
import { errorFromResponse } from '../../../electron/http/registry-errors'
import { ociConfig, ociIndex, ociLayerGzip, ociManifest } from '../../../electron/http/media-types'
import type { ManifestHead, ManifestResponse, PingResult, RegistryClient, RegistryEndpoint } from '../../../electron/http/client-types'

export interface FakeOptions {
  /** 'digest-invalid' = DIST 2.8 (400), 'supported' = OCI 1.1 tag delete, 'unsupported' = 405. */
  tagDelete?: 'digest-invalid' | 'supported' | 'unsupported'
  deleteEnabled?: boolean
  /** The credentials may read and push but DELETE answers 403. */
  deleteForbidden?: boolean
  /** DELETE answers 401 insufficient_scope, as distribution does when the token server granted no delete. */
  deleteInsufficientScope?: boolean
  /** The credentials may only read: PUT, POST and DELETE answer 403. */
  readOnly?: boolean
  /** HEAD answers without Docker-Content-Digest (some proxies). */
  headWithoutDigest?: boolean
  /** Serve the OCI referrers API. */
  referrersApi?: boolean
}

export interface FakeCall {
  method: 'HEAD' | 'GET' | 'PUT' | 'DELETE' | 'POST' | 'LIST'
  kind: 'manifest' | 'blob' | 'tags' | 'referrers' | 'catalog' | 'ping'
  repository: string
  reference: string
}

interface StoredManifest {
  bytes: Uint8Array
  mediaType: string
}

interface Repo {
  manifests: Map<string, StoredManifest>
  tags: Map<string, string>
  blobs: Map<string, Uint8Array>
}

const encoder = new TextEncoder()

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

export class FakeRegistryClient implements RegistryClient {
  readonly endpoint: RegistryEndpoint = { url: 'http://127.0.0.1:1', host: '127.0.0.1:1', insecure: true }
  readonly calls: FakeCall[] = []
  readonly repos = new Map<string, Repo>()
  options: FakeOptions

  constructor(options: FakeOptions = {}) {
    this.options = { tagDelete: 'digest-invalid', deleteEnabled: true, ...options }
  }

  // ---- seeding helpers -------------------------------------------------------------------

  repo(name: string): Repo {
    let r = this.repos.get(name)
    if (!r) {
      r = { manifests: new Map(), tags: new Map(), blobs: new Map() }
      this.repos.set(name, r)
    }
    return r
  }

  addBlob(repository: string, bytes: Uint8Array): { digest: string; size: number } {
    const digest = sha256Digest(bytes)
    this.repo(repository).blobs.set(digest, bytes)
    return { digest, size: bytes.byteLength }
  }

  /** Random bytes standing in for a compressed layer. */
  addLayer(repository: string, size: number): { mediaType: string; digest: string; size: number } {
    return { mediaType: ociLayerGzip, ...this.addBlob(repository, randomBytes(size)) }
  }

  addManifest(repository: string, manifest: unknown, mediaType: string, tag?: string): { digest: string; size: number; bytes: Uint8Array } {
    const bytes = jsonBytes(manifest)
    const digest = sha256Digest(bytes)
    const r = this.repo(repository)
    r.manifests.set(digest, { bytes, mediaType })
    if (tag) r.tags.set(tag, digest)
    return { digest, size: bytes.byteLength, bytes }
  }

  /** An OCI (or Docker v2) image with a config of the given `created` and `layers` sizes. */
  addImage(
    repository: string,
    tag: string | undefined,
    spec: {
      created?: string
      layers: { digest: string; size: number; mediaType: string }[]
      platform?: { os: string; architecture: string; variant?: string }
      config?: Record<string, unknown>
      mediaType?: string
      configMediaType?: string
      annotations?: Record<string, string>
    },
  ) {
    const configJson = {
      ...(spec.created !== undefined ? { created: spec.created } : {}),
      architecture: spec.platform?.architecture ?? 'amd64',
      os: spec.platform?.os ?? 'linux',
      ...(spec.platform?.variant ? { variant: spec.platform.variant } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
      ...spec.config,
    }
    const config = this.addBlob(repository, jsonBytes(configJson))
    const mediaType = spec.mediaType ?? ociManifest
    const manifest = {
      schemaVersion: 2,
      mediaType,
      config: { mediaType: spec.configMediaType ?? ociConfig, ...config },
      layers: spec.layers,
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    }
    return { ...this.addManifest(repository, manifest, mediaType, tag), mediaType, configDigest: config.digest }
  }

  addIndex(repository: string, tag: string | undefined, manifests: unknown[], mediaType: string = ociIndex) {
    const index = { schemaVersion: 2, mediaType, manifests }
    return { ...this.addManifest(repository, index, mediaType, tag), mediaType }
  }

  tag(repository: string, tag: string, digest: string): void {
    this.repo(repository).tags.set(tag, digest)
  }

  count(method: FakeCall['method'], kind: FakeCall['kind']): number {
    return this.calls.filter((c) => c.method === method && c.kind === kind).length
  }

  // ---- RegistryClient ---------------------------------------------------------------------

  private fail(status: number, method: string, path: string, body: unknown, operation: string): never {
    throw errorFromResponse({ status, method, url: `${this.endpoint.url}${path}`, headers: {}, bodyText: JSON.stringify(body), operation })
  }

  private notFound(method: string, repository: string, reference: string, code = 'MANIFEST_UNKNOWN'): never {
    this.fail(404, method, `/v2/${repository}/manifests/${reference}`, { errors: [{ code, message: 'manifest unknown' }] }, 'read manifest')
  }

  private resolve(method: string, repository: string, reference: string): { digest: string; stored: StoredManifest } {
    const r = this.repos.get(repository)
    if (!r)
      this.fail(
        404,
        method,
        `/v2/${repository}/manifests/${reference}`,
        { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] },
        'read manifest',
      )
    const digest = isDigest(reference) ? reference : r.tags.get(reference)
    const stored = digest ? r.manifests.get(digest) : undefined
    if (!digest || !stored) this.notFound(method, repository, reference)
    return { digest, stored }
  }

  ping(): Promise<PingResult> {
    this.calls.push({ method: 'GET', kind: 'ping', repository: '', reference: '' })
    return Promise.resolve({ auth: 'open', challenges: [], headers: {} })
  }

  catalog(): Promise<RepositoryListing> {
    this.calls.push({ method: 'LIST', kind: 'catalog', repository: '', reference: '' })
    return Promise.resolve({ repositories: [...this.repos.keys()].sort(), catalog: 'available' })
  }

  listTags(repository: string): Promise<string[]> {
    this.calls.push({ method: 'LIST', kind: 'tags', repository, reference: '' })
    const r = this.repos.get(repository)
    if (!r)
      return Promise.reject(
        errorFromResponse({
          status: 404,
          method: 'GET',
          url: `${this.endpoint.url}/v2/${repository}/tags/list`,
          headers: {},
          bodyText: '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}',
          operation: 'list tags',
        }),
      )
    return Promise.resolve([...r.tags.keys()].sort())
  }

  getManifest(repository: string, reference: string): Promise<ManifestResponse> {
    return this.run(() => {
      this.calls.push({ method: 'GET', kind: 'manifest', repository, reference })
      const { digest, stored } = this.resolve('GET', repository, reference)
      return { bytes: new Uint8Array(stored.bytes), digest, mediaType: stored.mediaType }
    })
  }

  headManifest(repository: string, reference: string): Promise<ManifestHead> {
    return this.run(() => {
      this.calls.push({ method: 'HEAD', kind: 'manifest', repository, reference })
      const { digest, stored } = this.resolve('HEAD', repository, reference)
      return { digest: this.options.headWithoutDigest ? null : digest, mediaType: stored.mediaType, size: stored.bytes.byteLength }
    })
  }

  putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: string }> {
    return this.run(() => {
      this.calls.push({ method: 'PUT', kind: 'manifest', repository, reference })
      const path = `/v2/${repository}/manifests/${reference}`
      if (this.options.readOnly)
        this.fail(
          403,
          'PUT',
          path,
          { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] },
          'push manifest',
        )
      const digest = sha256Digest(bytes)
      if (isDigest(reference) && reference !== digest)
        this.fail(
          400,
          'PUT',
          path,
          { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] },
          'push manifest',
        )
      const r = this.repo(repository)
      const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { config?: { digest?: string } }
      const configDigest = parsed.config?.digest
      if (configDigest && !r.blobs.has(configDigest))
        this.fail(400, 'PUT', path, { errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] }, 'push manifest')
      r.manifests.set(digest, { bytes: new Uint8Array(bytes), mediaType })
      if (!isDigest(reference)) r.tags.set(reference, digest)
      return { digest }
    })
  }

  deleteManifest(repository: string, reference: string): Promise<void> {
    return this.run(() => {
      this.calls.push({ method: 'DELETE', kind: 'manifest', repository, reference })
      const path = `/v2/${repository}/manifests/${reference}`
      const unsupported = { errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }] }
      if (!this.options.deleteEnabled) this.fail(405, 'DELETE', path, unsupported, 'delete manifest')
      if (this.options.deleteInsufficientScope)
        this.fail(401, 'DELETE', path, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, 'delete manifest')
      if (this.options.readOnly || this.options.deleteForbidden)
        this.fail(
          403,
          'DELETE',
          path,
          { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] },
          'delete manifest',
        )
      const r = this.repo(repository)
      if (!isDigest(reference)) {
        if (this.options.tagDelete === 'digest-invalid')
          this.fail(
            400,
            'DELETE',
            path,
            { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] },
            'delete manifest',
          )
        if (this.options.tagDelete === 'unsupported') this.fail(405, 'DELETE', path, unsupported, 'delete manifest')
        if (!r.tags.delete(reference)) this.notFound('DELETE', repository, reference)
        return
      }
      if (!r.manifests.delete(reference)) this.notFound('DELETE', repository, reference)
      for (const [tag, digest] of r.tags) if (digest === reference) r.tags.delete(tag)
    })
  }

  getBlob(repository: string, digest: string, options: { maxBytes: number }): Promise<Uint8Array> {
    return this.run(() => {
      this.calls.push({ method: 'GET', kind: 'blob', repository, reference: digest })
      const bytes = this.repos.get(repository)?.blobs.get(digest)
      if (!bytes)
        this.fail(
          404,
          'GET',
          `/v2/${repository}/blobs/${digest}`,
          { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] },
          'read blob',
        )
      if (bytes.byteLength > options.maxBytes) this.fail(413, 'GET', `/v2/${repository}/blobs/${digest}`, {}, 'read blob')
      return new Uint8Array(bytes)
    })
  }

  uploadBlob(repository: string, bytes: Uint8Array): Promise<string> {
    return this.run(() => {
      this.calls.push({ method: 'POST', kind: 'blob', repository, reference: '' })
      if (this.options.readOnly)
        this.fail(
          403,
          'POST',
          `/v2/${repository}/blobs/uploads/`,
          { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] },
          'upload blob',
        )
      return this.addBlob(repository, new Uint8Array(bytes)).digest
    })
  }

  getReferrers(repository: string, digest: string): Promise<Uint8Array | null> {
    return this.run(() => {
      this.calls.push({ method: 'GET', kind: 'referrers', repository, reference: digest })
      if (!this.options.referrersApi) return null
      const r = this.repo(repository)
      const manifests: unknown[] = []
      for (const [d, stored] of r.manifests) {
        const body = JSON.parse(new TextDecoder().decode(stored.bytes)) as {
          subject?: { digest?: string }
          artifactType?: string
          config?: { mediaType?: string }
          annotations?: Record<string, string>
        }
        if (body.subject?.digest !== digest) continue
        manifests.push({
          mediaType: stored.mediaType,
          digest: d,
          size: stored.bytes.byteLength,
          artifactType: body.artifactType ?? body.config?.mediaType,
          ...(body.annotations ? { annotations: body.annotations } : {}),
        })
      }
      return jsonBytes({ schemaVersion: 2, mediaType: ociIndex, manifests })
    })
  }

  rateLimit() {
    return null
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  /** Async like the network: callers must never rely on synchronous answers. */
  private run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(fn())
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      })
    })
  }
}

// Signatures, SBOMs and attestations attached to a manifest (OCI distribution-spec 1.1 "Listing
// Referrers"). Three places to look, best first: the referrers API; the `sha256-<hex>` tag schema
// that clients maintain where the API is missing (SPEC "Referrers Tag Schema"); and cosign's own
// `sha256-<hex>.sig|.att|.sbom` tags, which predate both.
import { BerthError } from '../../shared/errors'
import type { Referrer, ReferrerKind } from '../../shared/types'
import { createContentLoader, type ContentLoader } from './content-loader'
import type { DigestCache } from '../stores/cache/digest-cache'
import { isDigest } from '../http/digest'
import { artifactTypeOf, parseManifest, type Descriptor } from './manifest'
import type { RegistryClient } from '../http/client-types'

export interface ReferrersOptions {
  /** The repository's tag list, when known: enables cosign tags and skips a useless tag-schema GET. */
  tags?: string[]
  cache?: DigestCache
  signal?: AbortSignal
  /** Shared with a surrounding operation so its single-flight maps and cache apply. */
  loader?: ContentLoader
}

const cosignSuffixes: Record<string, ReferrerKind> = { sig: 'signature', att: 'attestation', sbom: 'sbom' }

export async function listReferrers(
  client: RegistryClient,
  repository: string,
  digest: string,
  options: ReferrersOptions = {},
): Promise<Referrer[]> {
  if (!isDigest(digest)) throw new BerthError({ code: 'invalid_input', message: 'Referrers are listed for a digest, not a tag.' })
  const loader = options.loader ?? createContentLoader(client, options.cache, options.signal)
  const found = new Map<string, Referrer>()
  const add = (referrer: Referrer): void => {
    if (!found.has(referrer.digest)) found.set(referrer.digest, referrer)
  }

  const apiBytes = await client.getReferrers(repository, digest, options.signal ? { signal: options.signal } : {})
  if (apiBytes) {
    // The API answers only referrers of this subject. OCI-Filters-Applied concerns the optional
    // artifactType filter, which Berth never asks for, so there is nothing left to filter here.
    for (const descriptor of indexEntries(apiBytes)) add(fromDescriptor(descriptor, 'api'))
  } else {
    for (const referrer of await fromTagSchema(loader, repository, digest, options.tags)) add(referrer)
  }
  if (options.tags) {
    for (const referrer of await fromCosignTags(loader, repository, digest, options.tags)) add(referrer)
  }
  return [...found.values()]
}

/** The referrers tag `sha256-<hex>` (SPEC "Referrers Tag Schema": `<alg>-<ref>`). */
export function referrersTagFor(digest: string): string {
  return digest.replace(':', '-')
}

async function fromTagSchema(loader: ContentLoader, repository: string, digest: string, tags: string[] | undefined): Promise<Referrer[]> {
  const tag = referrersTagFor(digest)
  if (tags && !tags.includes(tag)) return []
  let entries: Descriptor[]
  try {
    const resolved = await loader.resolve(repository, tag)
    const index = await loader.manifest(repository, resolved.digest, resolved.mediaType)
    if (index.parsed.kind !== 'index') return []
    entries = index.parsed.manifests
  } catch (error) {
    if (error instanceof BerthError && error.code === 'not_found') return []
    throw error
  }
  // The tag is maintained by pushing clients, not the registry: an entry may outlive its
  // manifest or name another subject after a bad update. Keep only entries that really refer here.
  const checked = await Promise.all(
    entries.map(async (descriptor) => {
      try {
        const manifest = await loader.manifest(repository, descriptor.digest, descriptor.mediaType)
        return manifest.parsed.kind !== 'schema1' && manifest.parsed.subject?.digest === digest
          ? fromDescriptor(descriptor, 'tag-schema')
          : null
      } catch (error) {
        if (error instanceof BerthError && error.code === 'cancelled') throw error
        return null
      }
    }),
  )
  return checked.filter((r): r is Referrer => r !== null)
}

async function fromCosignTags(loader: ContentLoader, repository: string, digest: string, tags: string[]): Promise<Referrer[]> {
  const prefix = `${referrersTagFor(digest)}.`
  const out: Referrer[] = []
  for (const tag of tags) {
    if (!tag.startsWith(prefix)) continue
    const kind = cosignSuffixes[tag.slice(prefix.length)]
    if (!kind) continue
    try {
      const resolved = await loader.resolve(repository, tag)
      const loaded = await loader.manifest(repository, resolved.digest, resolved.mediaType)
      const parsed = loaded.parsed
      const annotations = parsed.kind === 'schema1' ? {} : parsed.annotations
      const artifactType = artifactTypeOf(parsed) ?? (parsed.kind === 'image' ? (parsed.layers[0]?.mediaType ?? null) : null)
      out.push({
        digest: loaded.digest,
        mediaType: parsed.mediaType,
        artifactType,
        size: loaded.bytes.byteLength,
        annotations,
        kind,
        source: 'cosign-tag',
      })
    } catch (error) {
      if (error instanceof BerthError && error.code === 'not_found') continue
      throw error
    }
  }
  return out
}

function indexEntries(bytes: Uint8Array): Descriptor[] {
  const parsed = parseManifest(bytes, null)
  if (parsed.kind !== 'index') {
    throw new BerthError({ code: 'invalid_response', message: 'The referrers API answered with something other than an image index.' })
  }
  return parsed.manifests
}

function fromDescriptor(descriptor: Descriptor, source: Referrer['source']): Referrer {
  const annotations = descriptor.annotations ?? {}
  return {
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    artifactType: descriptor.artifactType ?? null,
    size: descriptor.size,
    annotations,
    kind: classifyReferrer(descriptor.artifactType ?? descriptor.mediaType, annotations),
    source,
  }
}

/**
 * Kind from the artifact type (cosign, notation, SPDX, CycloneDX, in-toto). An in-toto statement
 * whose predicate is an SBOM is an SBOM: that is how `docker buildx --sbom` and cosign attach them.
 */
export function classifyReferrer(type: string | null, annotations: Record<string, string> = {}): ReferrerKind {
  const lowerType = (type ?? '').toLowerCase()
  const predicate = (annotations['in-toto.io/predicate-type'] ?? '').toLowerCase()
  const isSbom = (s: string): boolean => s.includes('spdx') || s.includes('cyclonedx') || s.includes('syft')
  if (isSbom(lowerType) || isSbom(predicate)) return 'sbom'
  if (
    lowerType.includes('notary') ||
    lowerType.includes('notation') ||
    lowerType.includes('cosign.artifact.sig') ||
    lowerType.includes('cosign.simplesigning') ||
    lowerType.includes('sigstore.bundle')
  ) {
    return 'signature'
  }
  if (
    lowerType.includes('in-toto') ||
    lowerType.includes('intoto') ||
    lowerType.includes('dsse') ||
    lowerType.includes('cosign.attestation') ||
    predicate !== ''
  )
    return 'attestation'
  return 'other'
}

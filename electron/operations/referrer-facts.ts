// What a referrer's documents say (an SBOM's format and package count, a provenance's builder,
// source and commit), read when a tag is inspected: each JSON layer is one blob GET, bounded and
// digest-verified by the client (and kept in the digest cache: content at a digest never changes).
// The parsing itself is shared/referrer-facts.ts; a document that cannot be read says why instead.
import { toErrorData } from '../../shared/errors'
import { factsFromDocument } from '../../shared/referrer-facts'
import type { BuildAttestation, Referrer, ReferrerFacts } from '../../shared/types'
import { formatBytes } from '../../shared/format'
import type { ContentLoader, LoadedManifest } from './content-loader'
import { isAttestationDescriptor, type Descriptor } from './manifest'

/** A document over this is not fetched: SBOMs of large images run to megabytes, not hundreds. */
export const maxDocumentBytes = 16 * 1024 * 1024
/** Layers read per manifest (cosign appends one per attestation to its `.att` image). */
const maxDocumentsPerManifest = 8

/** Referrers with `facts` for the kinds that carry documents (SBOMs, attestations); signatures as they are. */
export async function withFacts(
  loader: ContentLoader,
  repository: string,
  referrers: readonly Referrer[],
  signal?: AbortSignal,
): Promise<Referrer[]> {
  return Promise.all(
    referrers.map(async (referrer) => {
      if (referrer.kind !== 'sbom' && referrer.kind !== 'attestation') return referrer
      try {
        const manifest = await loader.manifest(repository, referrer.digest, referrer.mediaType)
        return { ...referrer, facts: await documentsOf(loader, repository, manifest, signal) }
      } catch (error) {
        rethrowCancel(error)
        return { ...referrer, facts: [unreadable(referrer.digest, referrer.mediaType, toErrorData(error).message)] }
      }
    }),
  )
}

/** An index's buildx attestation manifests and their documents (none for anything else). */
export async function buildAttestationsOf(
  loader: ContentLoader,
  repository: string,
  top: LoadedManifest,
  signal?: AbortSignal,
): Promise<BuildAttestation[]> {
  if (top.parsed.kind !== 'index') return []
  const attestations = top.parsed.manifests.filter(isAttestationDescriptor)
  return Promise.all(
    attestations.map(async (descriptor): Promise<BuildAttestation> => {
      const subject = descriptor.annotations?.['vnd.docker.reference.digest'] ?? null
      try {
        const manifest = await loader.manifest(repository, descriptor.digest, descriptor.mediaType)
        return { digest: descriptor.digest, subject, facts: await documentsOf(loader, repository, manifest, signal) }
      } catch (error) {
        rethrowCancel(error)
        return {
          digest: descriptor.digest,
          subject,
          facts: [unreadable(descriptor.digest, descriptor.mediaType, toErrorData(error).message)],
        }
      }
    }),
  )
}

async function documentsOf(
  loader: ContentLoader,
  repository: string,
  manifest: LoadedManifest,
  signal: AbortSignal | undefined,
): Promise<ReferrerFacts[]> {
  if (manifest.parsed.kind !== 'image') return []
  const documents = manifest.parsed.layers.filter(isDocument).slice(0, maxDocumentsPerManifest)
  return Promise.all(documents.map((layer) => documentFacts(loader, repository, layer, signal)))
}

async function documentFacts(
  loader: ContentLoader,
  repository: string,
  layer: Descriptor,
  signal: AbortSignal | undefined,
): Promise<ReferrerFacts> {
  const where = { digest: layer.digest, mediaType: layer.mediaType }
  if (layer.size > maxDocumentBytes) {
    return unreadable(
      layer.digest,
      layer.mediaType,
      `The document is ${formatBytes(layer.size)}; Berth reads up to ${formatBytes(maxDocumentBytes)}.`,
    )
  }
  try {
    const bytes = await loader.client.getBlob(repository, layer.digest, {
      maxBytes: maxDocumentBytes,
      ...(signal ? { signal } : {}),
    })
    return factsFromDocument(bytes, where)
  } catch (error) {
    rethrowCancel(error)
    return unreadable(layer.digest, layer.mediaType, toErrorData(error).message)
  }
}

/** JSON documents: in-toto statements, DSSE envelopes, SPDX and CycloneDX (not tarballs or signatures). */
function isDocument(layer: Descriptor): boolean {
  const type = layer.mediaType.toLowerCase()
  return type.includes('json') || type.includes('in-toto') || type.includes('spdx') || type.includes('cyclonedx')
}

function unreadable(digest: string, mediaType: string, problem: string): ReferrerFacts {
  return { digest, mediaType, predicateType: null, raw: '', rawTruncated: false, problem }
}

function rethrowCancel(error: unknown): void {
  if (toErrorData(error).code === 'cancelled') throw error
}

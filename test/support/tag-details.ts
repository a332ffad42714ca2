// Unit tests build TagDetails by the dozen; most care about a tag, a digest and one or two fields.
import type { TagDetails } from '../../shared/types'

/** A single-platform OCI image of 1 byte with nothing else known, with `extra` laid over it. */
export function imageDetails(tag: string, digest: string, extra: Partial<TagDetails> = {}): TagDetails {
  return {
    tag,
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    configDigest: null,
    size: 1,
    sizeNote: '',
    created: null,
    createdSource: 'unknown',
    platforms: [],
    attestations: 0,
    artifactType: null,
    ...extra,
  }
}

// Everything about one reference for the inspect view: details, layers, the image config, the
// annotations, referrers, the other tags on the same digest, and the manifest as received. For an
// index, every entry's summary, and the layers and config of the platform asked for, if any.
import { BerthError } from '../../shared/errors'
import type { PlatformName } from '../../shared/platform'
import type { ImageConfigInfo, Inspection, Layer, PlatformImage, Referrer } from '../../shared/types'
import { createContentLoader, resolveTagDigests, tagsOnDigest, type ContentLoader, type LoadedManifest } from './content-loader'
import type { DigestCache } from '../stores/cache/digest-cache'
import { isDigest } from '../http/digest'
import { shownImage } from './inspect-platform'
import { artifactTypeOf, parseImageConfig } from './manifest'
import { listReferrers } from './referrers'
import { buildAttestationsOf, withFacts } from './referrer-facts'
import { describeManifest, sumBlobs } from './tag-details'
import type { RegistryClient } from '../http/client-types'

export interface InspectOptions {
  cache?: DigestCache
  signal?: AbortSignal
  /** HEADs in flight while looking for tags that share the digest. Default 8. */
  concurrency?: number
  /** For an index: the platform whose manifest, config, layers and history to show (none: the index's entries only). */
  platform?: PlatformName
}

export async function inspectReference(
  client: RegistryClient,
  repository: string,
  reference: string,
  options: InspectOptions = {},
): Promise<Inspection> {
  const loader = createContentLoader(client, options.cache, options.signal)
  const resolved = isDigest(reference) ? { digest: reference, mediaType: undefined } : await loader.resolve(repository, reference)
  const manifest = await loader.manifest(repository, resolved.digest, resolved.mediaType)
  const details = await describeManifest(loader, repository, reference, resolved.digest, manifest.parsed)
  // A platform the index does not offer fails here, before the tag list and referrers are read.
  const shown = await shownImage(loader, repository, reference, manifest, options.platform)

  // The tag list feeds both "other tags on this digest" and cosign's tag-named referrers. A
  // registry that will not list tags still gets an inspection, just without those two.
  const tags = await client.listTags(repository, options.signal ? { signal: options.signal } : {}).catch(rethrowCancel)
  const [shape, referrers, sharing, buildAttestations] = await Promise.all([
    imageShape(loader, repository, shown.image),
    listReferrers(client, repository, resolved.digest, { loader, ...(tags ? { tags } : {}) })
      .then((found) => withFacts(loader, repository, found, options.signal))
      .catch((error: unknown): Referrer[] => {
        rethrowCancel(error)
        return []
      }),
    tags ? sharingTags(loader, repository, tags, resolved.digest, options.concurrency ?? 8) : Promise.resolve([]),
    buildAttestationsOf(loader, repository, manifest, options.signal),
  ])

  const parsed = manifest.parsed
  return {
    repository,
    reference,
    details,
    layers: shape.layers,
    config: shape.config,
    annotations: parsed.kind === 'schema1' ? {} : { ...parsed.annotations },
    referrers,
    buildAttestations,
    tagsSharingDigest: sharing,
    manifestJson: prettyJson(manifest.bytes),
    platform: shown.platform,
    manifests: shown.manifests,
    platformImage: shown.chosen && shown.image ? platformImage(shown.image, shape.created) : null,
  }
}

function platformImage(image: LoadedManifest, created: string | null): PlatformImage | null {
  const parsed = image.parsed
  if (parsed.kind !== 'image') return null
  return {
    digest: image.digest,
    mediaType: parsed.mediaType,
    configDigest: parsed.config.digest,
    size: sumBlobs([parsed.config, ...parsed.layers]),
    created,
    annotations: { ...parsed.annotations },
    manifestJson: prettyJson(image.bytes),
  }
}

async function imageShape(
  loader: ContentLoader,
  repository: string,
  image: LoadedManifest | null,
): Promise<{ layers: Layer[]; config: ImageConfigInfo | null; created: string | null }> {
  const manifest = image?.parsed
  if (manifest?.kind !== 'image') return { layers: [], config: null, created: null }
  const layers = manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }))
  if (artifactTypeOf(manifest) !== null) return { layers, config: null, created: null }
  const { created, ...config } = parseImageConfig(await loader.configBlob(repository, manifest.config.digest))
  return { layers, config, created }
}

async function sharingTags(
  loader: ContentLoader,
  repository: string,
  tags: string[],
  digest: string,
  concurrency: number,
): Promise<string[]> {
  try {
    return tagsOnDigest(await resolveTagDigests(loader, repository, tags, concurrency), digest)
  } catch (error) {
    rethrowCancel(error)
    return []
  }
}

/** Optional parts degrade to "none" on failure, but a cancel stops the whole inspection. */
function rethrowCancel(error: unknown): undefined {
  if (error instanceof BerthError && error.code === 'cancelled') throw error
  return undefined
}

/** The manifest exactly as received, indented when it is JSON (display only; the digest is of the raw bytes). */
export function prettyJson(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes)
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

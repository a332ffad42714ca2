// Everything about one reference for the inspect view: details, layers, the image config, the
// annotations, referrers, the other tags on the same digest, and the manifest as received.
import { BerthError } from '../../shared/errors'
import type { ImageConfigInfo, Inspection, Layer, Referrer } from '../../shared/types'
import { createContentLoader, resolveTagDigests, tagsOnDigest, type ContentLoader, type LoadedManifest } from './content-loader'
import type { DigestCache } from '../stores/cache/digest-cache'
import { isDigest } from '../http/digest'
import { artifactTypeOf, isAttestationDescriptor, parseImageConfig, type Descriptor } from './manifest'
import { listReferrers } from './referrers'
import { describeManifest } from './tag-details'
import type { RegistryClient } from '../http/client-types'

export interface InspectOptions {
  cache?: DigestCache
  signal?: AbortSignal
  /** HEADs in flight while looking for tags that share the digest. Default 8. */
  concurrency?: number
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

  // The tag list feeds both "other tags on this digest" and cosign's tag-named referrers. A
  // registry that will not list tags still gets an inspection, just without those two.
  const tags = await client.listTags(repository, options.signal ? { signal: options.signal } : {}).catch(rethrowCancel)
  const [shape, referrers, sharing] = await Promise.all([
    imageShape(loader, repository, manifest),
    listReferrers(client, repository, resolved.digest, { loader, ...(tags ? { tags } : {}) }).catch((error: unknown): Referrer[] => {
      rethrowCancel(error)
      return []
    }),
    tags ? sharingTags(loader, repository, tags, resolved.digest, options.concurrency ?? 8) : Promise.resolve([]),
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
    tagsSharingDigest: sharing,
    manifestJson: prettyJson(manifest.bytes),
  }
}

/** For an index: the linux/amd64 platform (what most people run), else the first real platform. */
async function imageShape(
  loader: ContentLoader,
  repository: string,
  top: LoadedManifest,
): Promise<{ layers: Layer[]; config: ImageConfigInfo | null }> {
  let image = top
  if (top.parsed.kind === 'index') {
    const platforms = top.parsed.manifests.filter((d) => !isAttestationDescriptor(d))
    const chosen = platforms.find(isLinuxAmd64) ?? platforms[0]
    if (!chosen) return { layers: [], config: null }
    image = await loader.manifest(repository, chosen.digest, chosen.mediaType)
  }
  const manifest = image.parsed
  if (manifest.kind !== 'image') return { layers: [], config: null }
  const layers = manifest.layers.map((l) => ({ digest: l.digest, size: l.size, mediaType: l.mediaType }))
  if (artifactTypeOf(manifest) !== null) return { layers, config: null }
  const { created: _created, ...config } = parseImageConfig(await loader.configBlob(repository, manifest.config.digest))
  return { layers, config }
}

function isLinuxAmd64(descriptor: Descriptor): boolean {
  return descriptor.platform?.os === 'linux' && descriptor.platform.architecture === 'amd64'
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

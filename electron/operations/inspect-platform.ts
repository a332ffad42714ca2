// Which image an inspection shows: a single image is its own; an index shows none unless a platform
// is asked for (it used to show linux/amd64 without saying so), and lists every entry instead, with
// the build attestations marked as what they are. Matching is shared/platform.ts.
import { BerthError } from '../../shared/errors'
import { formatPlatform } from '../../shared/format'
import { pickPlatform, platformSatisfies, type PlatformName } from '../../shared/platform'
import type { IndexEntrySummary } from '../../shared/types'
import { isDigest } from '../http/digest'
import type { ContentLoader, LoadedManifest } from './content-loader'
import { artifactTypeOf, isAttestationDescriptor, parseImageConfig, type Descriptor, type ParsedManifest } from './manifest'
import { sumBlobs } from './tag-details'

export interface ShownImage {
  /** The image manifest whose layers and config are shown; null for an index with no platform asked. */
  image: LoadedManifest | null
  platform: PlatformName | null
  manifests: IndexEntrySummary[]
  /** True when `image` is a platform image of the index, not the reference itself. */
  chosen: boolean
}

export async function shownImage(
  loader: ContentLoader,
  repository: string,
  reference: string,
  top: LoadedManifest,
  selector: PlatformName | undefined,
): Promise<ShownImage> {
  const parsed = top.parsed
  const name = isDigest(reference) ? `${repository}@${reference}` : `${repository}:${reference}`
  if (parsed.kind === 'index') {
    const manifests = await Promise.all(parsed.manifests.map((entry) => summarizeEntry(loader, repository, entry)))
    if (selector === undefined) return { image: null, platform: null, manifests, chosen: false }
    const platforms = manifests.filter((entry) => entry.kind === 'platform')
    const picked = pickPlatform(platforms, (entry) => entry.platform, selector)
    if (!picked.ok) throw platformError(name, selector, picked.reason, picked.offered)
    const entry = picked.entry
    const image = await loader.manifest(repository, entry.digest, entry.mediaType)
    if (image.parsed.kind !== 'image') {
      throw new BerthError({
        code: 'invalid_response',
        message: `The ${formatPlatform(selector)} entry of ${name} (${entry.digest}) is not an image manifest.`,
      })
    }
    return { image, platform: entry.platform, manifests, chosen: true }
  }
  if (parsed.kind === 'schema1' || artifactTypeOf(parsed) !== null) {
    if (selector !== undefined) {
      throw new BerthError({
        code: 'invalid_input',
        message:
          `${name} is ${parsed.kind === 'schema1' ? 'a Docker schema 1 manifest' : 'an artifact'}, ` +
          'not a multi-platform image: it has no platforms to choose from.',
        fix: 'Inspect it without a platform.',
      })
    }
    return { image: parsed.kind === 'schema1' ? null : top, platform: null, manifests: [], chosen: false }
  }
  const config = parseImageConfig(await loader.configBlob(repository, parsed.config.digest))
  const platform = config.os && config.architecture ? platformName(config.os, config.architecture, config.variant) : null
  if (selector !== undefined && (platform === null || !platformSatisfies(platform, selector))) {
    throw new BerthError({
      code: 'not_found',
      message:
        `${name} is a single-platform image (${platform ? formatPlatform(platform) : 'its config names no platform'}), ` +
        `not ${formatPlatform(selector)}.`,
      fix: 'Inspect it without a platform.',
    })
  }
  return { image: top, platform, manifests: [], chosen: false }
}

function platformError(name: string, selector: PlatformName, reason: 'not_found' | 'ambiguous', offered: string[]): BerthError {
  const asked = formatPlatform(selector)
  if (reason === 'ambiguous') {
    return new BerthError({
      code: 'invalid_input',
      message: `${asked} matches several platforms of ${name}: ${offered.join(', ')}.`,
      fix: `Name the variant, e.g. ${offered[0] ?? asked}.`,
    })
  }
  return new BerthError({
    code: 'not_found',
    message: `${name} has no ${asked} image; it offers ${offered.join(', ') || 'no named platform'}.`,
    fix: 'Choose one of the platforms it offers.',
  })
}

async function summarizeEntry(loader: ContentLoader, repository: string, entry: Descriptor): Promise<IndexEntrySummary> {
  const attestation = isAttestationDescriptor(entry)
  const summary: IndexEntrySummary = {
    kind: attestation ? 'attestation' : 'platform',
    digest: entry.digest,
    mediaType: entry.mediaType,
    platform: !attestation && entry.platform ? platformName(entry.platform.os, entry.platform.architecture, entry.platform.variant) : null,
    size: null,
    layerCount: null,
    created: null,
    attests: attestation ? (entry.annotations?.['vnd.docker.reference.digest'] ?? null) : null,
  }
  let child: ParsedManifest
  try {
    child = (await loader.manifest(repository, entry.digest, entry.mediaType)).parsed
    if (child.kind !== 'image') return summary
    summary.size = sumBlobs([child.config, ...child.layers])
    summary.layerCount = child.layers.length
    if (attestation || artifactTypeOf(child) !== null) return summary
    const config = parseImageConfig(await loader.configBlob(repository, child.config.digest))
    summary.created = config.created
    // The spec allows an entry without a platform: its config says which it is.
    if (summary.platform === null && config.os && config.architecture)
      summary.platform = platformName(config.os, config.architecture, config.variant)
  } catch (error) {
    // One unreadable entry (a partial mirror) leaves the others listed; a cancel is still a cancel.
    if (error instanceof BerthError && error.code === 'cancelled') throw error
  }
  return summary
}

function platformName(os: string, architecture: string, variant: string | undefined): PlatformName {
  return variant ? { os, architecture, variant } : { os, architecture }
}

// Which platforms of an image a copy takes (`--platform`, the dialog's choice): every one by default;
// for an index, only the entries of the chosen platforms and the buildx attestations that describe
// them — a new index, the source's own JSON with only those entries, hence a new digest; for a single
// image, a check that it is one of the chosen platforms.
import { BerthError } from '../../shared/errors'
import { formatPlatform } from '../../shared/format'
import { platformMatches, type PlatformSelector } from '../../shared/copy'
import { sha256Digest } from '../http/digest'
import type { ContentLoader } from './content-loader'
import { isAttestationDescriptor, parseImageConfig, parseManifest, type Descriptor, type ParsedManifest } from './manifest'

export interface PlatformContext {
  source: { repository: string }
  loader: ContentLoader
  platforms: readonly PlatformSelector[]
}

export interface PlatformSelection {
  bytes: Uint8Array
  parsed: Exclude<ParsedManifest, { kind: 'schema1' }>
  changed: boolean
  kept: string[]
  dropped: string[]
  notes: string[]
}

/** The root to write: the source's bytes, or for a platform subset of an index a new index with only those entries. */
export async function selectPlatforms(
  context: PlatformContext,
  reference: string,
  bytes: Uint8Array,
  parsed: Exclude<ParsedManifest, { kind: 'schema1' }>,
): Promise<PlatformSelection> {
  const wanted = context.platforms
  if (parsed.kind === 'image') {
    if (wanted.length === 0 || parsed.artifactType !== null) return { bytes, parsed, changed: false, kept: [], dropped: [], notes: [] }
    const config = parseImageConfig(await context.loader.configBlob(context.source.repository, parsed.config.digest))
    const platform = { os: config.os ?? '', architecture: config.architecture ?? '', variant: config.variant }
    const name = formatPlatform(platform)
    if (!wanted.some((selector) => platformMatches(platform, selector))) {
      throw new BerthError({
        code: 'invalid_input',
        message:
          `${reference} is a single-platform image (${name || 'unknown platform'}), ` +
          `not one of ${wanted.map(formatPlatform).join(', ')}.`,
        fix: 'Leave out --platform to copy it as it is.',
      })
    }
    return { bytes, parsed, changed: false, kept: [name], dropped: [], notes: [] }
  }
  const platforms = parsed.manifests.filter((entry) => !isAttestationDescriptor(entry))
  const names = (entries: Descriptor[]): string[] =>
    entries.filter((entry) => entry.platform).map((entry) => formatPlatform(entry.platform!))
  if (wanted.length === 0) return { bytes, parsed, changed: false, kept: names(platforms), dropped: [], notes: [] }
  const keptEntries = platforms.filter(
    (entry) => entry.platform !== undefined && wanted.some((selector) => platformMatches(entry.platform!, selector)),
  )
  if (keptEntries.length === 0) {
    throw new BerthError({
      code: 'invalid_input',
      message:
        `${reference} has none of the platforms ${wanted.map(formatPlatform).join(', ')}; ` +
        `it has ${names(platforms).join(', ') || 'no named platform'}.`,
      fix: 'Pick platforms the image has, or leave out --platform to copy all of them.',
    })
  }
  const keptDigests = new Set(keptEntries.map((entry) => entry.digest))
  // Buildx attestations describe one platform image each: they go with it.
  const keep = (entry: Descriptor): boolean =>
    keptDigests.has(entry.digest) ||
    (isAttestationDescriptor(entry) && keptDigests.has(entry.annotations?.['vnd.docker.reference.digest'] ?? ''))
  const droppedEntries = parsed.manifests.filter((entry) => !keep(entry))
  const dropped = names(droppedEntries.filter((entry) => !isAttestationDescriptor(entry)))
  if (droppedEntries.length === 0) return { bytes, parsed, changed: false, kept: names(keptEntries), dropped, notes: [] }
  const subset = subsetIndex(bytes, (digest) => parsed.manifests.some((entry) => entry.digest === digest && keep(entry)))
  const reparsed = parseManifest(subset, parsed.mediaType)
  if (reparsed.kind !== 'index') throw new BerthError({ code: 'internal', message: 'A platform subset did not stay an index.' })
  return {
    bytes: subset,
    parsed: reparsed,
    changed: true,
    kept: names(keptEntries),
    dropped,
    notes: [`A subset of the platforms makes a new index: its digest is ${sha256Digest(subset)}, not the source's.`],
  }
}

/** The index's own JSON with only the entries `keep` accepts, every other field as it was. */
export function subsetIndex(bytes: Uint8Array, keep: (digest: string) => boolean): Uint8Array {
  const document = JSON.parse(new TextDecoder().decode(bytes)) as { manifests?: unknown }
  if (!Array.isArray(document.manifests)) throw new BerthError({ code: 'internal', message: 'Not an index.' })
  document.manifests = document.manifests.filter((entry: unknown) => {
    const digest = typeof entry === 'object' && entry !== null ? (entry as { digest?: unknown }).digest : undefined
    return typeof digest === 'string' && keep(digest)
  })
  return new TextEncoder().encode(JSON.stringify(document))
}

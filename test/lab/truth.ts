import { z } from 'zod'
import { MediaType, descriptorSchema, type Descriptor, type LayoutReader } from './oci-layout'

export interface TruthPlatform {
  os: string
  architecture: string
  variant?: string
  digest: string
  /** The platform image's size: config + Σ layers. */
  size: number
}

export interface TruthTag {
  /** sha256 of the manifest bytes as stored. */
  digest: string
  mediaType: string
  /** Null for an index / manifest list. */
  configDigest: string | null
  /** Image: config + Σ layers. Index: every distinct blob of the non-attestation children, once. */
  size: number
  /** Config `created` (index: newest child); null when missing or epoch 0. */
  created: string | null
  /** Index only; attestation manifests excluded. Empty for a single image. */
  platforms: TruthPlatform[]
  attestations: number
  /** `artifactType`, else a non-image config mediaType (Helm), else null. */
  artifactType: string | null
}

export interface LabTruth {
  /** repository → tag → what Berth must report for it. */
  repositories: Record<string, Record<string, TruthTag>>
}

const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.ociConfig, MediaType.dockerConfig])
const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerList])

const manifestSchema = z.object({
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema.optional(),
  layers: z.array(descriptorSchema).optional(),
  manifests: z.array(descriptorSchema).optional(),
})
const configSchema = z.object({ created: z.string().optional() }).passthrough()

interface ImageFacts {
  configDigest: string
  blobs: Map<string, number>
  created: string | null
  artifactType: string | null
}

function isAttestation(descriptor: Descriptor): boolean {
  return descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
}

function normaliseCreated(value: string | undefined): string | null {
  if (value === undefined) return null
  const time = new Date(value).getTime()
  // Reproducible builds (SOURCE_DATE_EPOCH=0) write the epoch: that means "unknown", not 1970; so
  // does anything before it, like the Go zero time cosign writes in its signature images' configs.
  if (Number.isNaN(time) || time <= 0) return null
  return new Date(time).toISOString()
}

async function imageFacts(layout: LayoutReader, bytes: Buffer): Promise<ImageFacts> {
  const manifest = manifestSchema.parse(JSON.parse(bytes.toString('utf8')))
  if (manifest.config === undefined) throw new Error('image manifest without config')
  const blobs = new Map<string, number>([[manifest.config.digest, manifest.config.size]])
  for (const layer of manifest.layers ?? []) blobs.set(layer.digest, layer.size)
  const configType = manifest.config.mediaType
  let created: string | null = null
  if (IMAGE_CONFIG_TYPES.has(configType)) {
    const config = configSchema.parse(JSON.parse((await layout.readBlob(manifest.config.digest)).toString('utf8')))
    created = normaliseCreated(config.created)
  }
  const artifactType = manifest.artifactType ?? (IMAGE_CONFIG_TYPES.has(configType) ? null : configType)
  return { configDigest: manifest.config.digest, blobs, created, artifactType }
}

function sum(blobs: Map<string, number>): number {
  let total = 0
  for (const size of blobs.values()) total += size
  return total
}

async function tagTruth(layout: LayoutReader, descriptor: Descriptor): Promise<TruthTag> {
  const bytes = await layout.readBlob(descriptor.digest)
  const manifest = manifestSchema.parse(JSON.parse(bytes.toString('utf8')))
  const mediaType = manifest.mediaType ?? descriptor.mediaType
  if (!INDEX_TYPES.has(mediaType)) {
    const facts = await imageFacts(layout, bytes)
    return {
      digest: descriptor.digest,
      mediaType,
      configDigest: facts.configDigest,
      size: sum(facts.blobs),
      created: facts.created,
      platforms: [],
      attestations: 0,
      artifactType: facts.artifactType,
    }
  }
  const union = new Map<string, number>()
  const platforms: TruthPlatform[] = []
  let attestations = 0
  let newest: string | null = null
  for (const child of manifest.manifests ?? []) {
    if (isAttestation(child)) {
      attestations++
      continue
    }
    const facts = await imageFacts(layout, await layout.readBlob(child.digest))
    for (const [digest, size] of facts.blobs) union.set(digest, size)
    if (facts.created !== null && (newest === null || facts.created > newest)) newest = facts.created
    platforms.push({
      os: child.platform?.os ?? 'unknown',
      architecture: child.platform?.architecture ?? 'unknown',
      ...(child.platform?.variant === undefined ? {} : { variant: child.platform.variant }),
      digest: child.digest,
      size: sum(facts.blobs),
    })
  }
  return {
    digest: descriptor.digest,
    mediaType,
    configDigest: null,
    size: sum(union),
    created: newest,
    platforms,
    attestations,
    artifactType: manifest.artifactType ?? null,
  }
}

/** The truth for every tag of one repository, read back from its layout files. */
export async function repositoryTruth(layout: LayoutReader): Promise<Record<string, TruthTag>> {
  const tags: Record<string, TruthTag> = {}
  for (const [tag, descriptor] of layout.tags) tags[tag] = await tagTruth(layout, descriptor)
  return tags
}

export const labTruthSchema: z.ZodType<LabTruth> = z.object({
  repositories: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        digest: z.string(),
        mediaType: z.string(),
        configDigest: z.string().nullable(),
        size: z.number(),
        created: z.string().nullable(),
        platforms: z.array(
          z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional(), digest: z.string(), size: z.number() }),
        ),
        attestations: z.number(),
        artifactType: z.string().nullable(),
      }),
    ),
  ),
})

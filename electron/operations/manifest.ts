// Manifest and image-config parsing (OCI image-spec manifest.md, image-index.md, config.md;
// Docker image manifest v2 schema 2). Registry JSON crosses a trust boundary: every field we use
// is validated with zod, unknown fields are tolerated (registries and tools add their own).
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import type { ImageConfigInfo } from '../../shared/types'
import type { HelmChartFacts, ManifestFacts } from '../../shared/artifact-kind'
import { isDigest } from '../http/digest'
import {
  baseMediaType,
  dockerSchema1,
  dockerSchema1Signed,
  helmChartLayer,
  helmConfig,
  isImageConfigMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  isManifestMediaType,
  isSchema1MediaType,
  ociIndex,
  ociManifest,
} from '../http/media-types'
import { sanitizeForMessage } from '../http/sanitize'

export const maxManifestBytes = 4 * 1024 * 1024
export const maxConfigBytes = 4 * 1024 * 1024

export interface DescriptorPlatform {
  os: string
  architecture: string
  variant?: string
  'os.version'?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  annotations?: Record<string, string>
  artifactType?: string
  platform?: DescriptorPlatform
}

export type ParsedManifest =
  | {
      kind: 'image'
      mediaType: string
      config: Descriptor
      layers: Descriptor[]
      annotations: Record<string, string>
      artifactType: string | null
      subject: Descriptor | null
    }
  | {
      kind: 'index'
      mediaType: string
      manifests: Descriptor[]
      annotations: Record<string, string>
      artifactType: string | null
      subject: Descriptor | null
    }
  | { kind: 'schema1'; mediaType: string; name: string; tag: string }

const annotationsSchema = z.record(z.string(), z.string(), { error: 'annotations must map strings to strings' })

const platformSchema = z.looseObject({
  os: z.string({ error: 'platform.os must be a string' }),
  architecture: z.string({ error: 'platform.architecture must be a string' }),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
})

const descriptorSchema = z.looseObject({
  mediaType: z.string({ error: 'mediaType must be a string' }),
  digest: z
    .string({ error: 'digest must be a string' })
    .refine(isDigest, { error: (issue) => `"${sanitizeForMessage(String(issue.input), 80)}" is not a valid digest` }),
  size: z
    .number({ error: 'size must be a number' })
    .int({ error: 'size must be an integer' })
    .nonnegative({ error: 'size must not be negative' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'size is too large' }),
  annotations: annotationsSchema.optional(),
  artifactType: z.string().optional(),
  platform: platformSchema.optional(),
})

const commonSchema = {
  schemaVersion: z.literal(2, { error: 'schemaVersion must be 2' }).optional(),
  mediaType: z.string().optional(),
  annotations: annotationsSchema.optional(),
  artifactType: z.string().optional(),
  subject: descriptorSchema.optional(),
}

const imageManifestSchema = z.looseObject({
  ...commonSchema,
  config: descriptorSchema,
  layers: z.array(descriptorSchema, { error: 'layers must be an array' }),
})

const indexSchema = z.looseObject({
  ...commonSchema,
  manifests: z.array(descriptorSchema, { error: 'manifests must be an array' }),
})

const schema1Schema = z.looseObject({
  schemaVersion: z.literal(1),
  name: z.string({ error: 'name must be a string' }),
  tag: z.string({ error: 'tag must be a string' }),
  signatures: z.array(z.unknown()).optional(),
})

function invalid(what: string, detail: string): BerthError {
  return new BerthError({
    code: 'invalid_response',
    message: `The registry sent an invalid ${what}: ${detail}.`,
    fix: 'The content is malformed or not a container image; check what was pushed to this tag.',
  })
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
}

/** Parses JSON bytes into a plain object, or throws invalid_response naming `what`. */
function decodeJsonObject(bytes: Uint8Array, max: number, what: string): Record<string, unknown> {
  if (bytes.byteLength > max) throw invalid(what, `it is ${bytes.byteLength} bytes, more than the ${max}-byte limit`)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw invalid(what, 'it is not UTF-8 text')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw invalid(what, `it is not JSON (starts with "${sanitizeForMessage(text.slice(0, 40), 40)}")`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(what, 'it is not a JSON object')
  return value as Record<string, unknown>
}

function toDescriptor(descriptor: z.infer<typeof descriptorSchema>): Descriptor {
  const out: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size }
  if (descriptor.annotations) out.annotations = { ...descriptor.annotations }
  if (descriptor.artifactType !== undefined) out.artifactType = descriptor.artifactType
  if (descriptor.platform) {
    const platform: DescriptorPlatform = { os: descriptor.platform.os, architecture: descriptor.platform.architecture }
    if (descriptor.platform.variant !== undefined) platform.variant = descriptor.platform.variant
    if (descriptor.platform['os.version'] !== undefined) platform['os.version'] = descriptor.platform['os.version']
    out.platform = platform
  }
  return out
}

type Shape = 'image' | 'index' | 'schema1'

function shapeOfMediaType(mediaType: string): Shape | null {
  if (isIndexMediaType(mediaType)) return 'index'
  if (isImageManifestMediaType(mediaType)) return 'image'
  if (isSchema1MediaType(mediaType)) return 'schema1'
  return null
}

function inferShape(body: Record<string, unknown>): Shape | null {
  if (body.schemaVersion === 1) return 'schema1'
  if (Array.isArray(body.manifests)) return 'index'
  if ('config' in body && 'layers' in body) return 'image'
  return null
}

/**
 * The media type comes from the body, else the Content-Type (when it names a manifest type:
 * some proxies answer `application/json`), else the shape. Throws invalid_response precisely.
 */
export function parseManifest(bytes: Uint8Array, contentType?: string | null): ParsedManifest {
  const body = decodeJsonObject(bytes, maxManifestBytes, 'manifest')
  const bodyType = typeof body.mediaType === 'string' && body.mediaType.length > 0 ? body.mediaType : null
  const headerType = isManifestMediaType(contentType) ? baseMediaType(contentType) : null
  const shape =
    (bodyType ? shapeOfMediaType(bodyType) : null) ?? (!bodyType && headerType ? shapeOfMediaType(headerType) : null) ?? inferShape(body)
  if (shape === null) {
    const named = bodyType ?? (contentType ? baseMediaType(contentType) : null)
    throw invalid(
      'manifest',
      named
        ? `unsupported media type "${sanitizeForMessage(named, 100)}" with neither manifests nor config+layers`
        : 'it has no mediaType and is neither an image manifest nor an index',
    )
  }
  if (shape === 'schema1') {
    const result = schema1Schema.safeParse(body)
    if (!result.success) throw invalid('schema1 manifest', describeIssues(result.error))
    const mediaType = bodyType ?? headerType ?? (result.data.signatures ? dockerSchema1Signed : dockerSchema1)
    return { kind: 'schema1', mediaType, name: result.data.name, tag: result.data.tag }
  }
  if (shape === 'index') {
    const result = indexSchema.safeParse(body)
    if (!result.success) throw invalid('image index', describeIssues(result.error))
    const index = result.data
    return {
      kind: 'index',
      mediaType: bodyType ?? headerType ?? ociIndex,
      manifests: index.manifests.map(toDescriptor),
      annotations: { ...(index.annotations ?? {}) },
      artifactType: index.artifactType ?? null,
      subject: index.subject ? toDescriptor(index.subject) : null,
    }
  }
  const result = imageManifestSchema.safeParse(body)
  if (!result.success) throw invalid('image manifest', describeIssues(result.error))
  const manifest = result.data
  return {
    kind: 'image',
    mediaType: bodyType ?? headerType ?? ociManifest,
    config: toDescriptor(manifest.config),
    layers: manifest.layers.map(toDescriptor),
    annotations: { ...(manifest.annotations ?? {}) },
    artifactType: manifest.artifactType ?? null,
    subject: manifest.subject ? toDescriptor(manifest.subject) : null,
  }
}

/** Buildx attestation manifests live in the index but are not a platform (docs/registry-notes.md). */
export function isAttestationDescriptor(descriptor: Descriptor): boolean {
  if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true
  return descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown'
}

/** OCI 1.1: `artifactType`, else a config media type that is not an image config (Helm). */
export function artifactTypeOf(manifest: ParsedManifest): string | null {
  if (manifest.kind === 'schema1') return null
  if (manifest.artifactType) return manifest.artifactType
  if (manifest.kind === 'image' && !isImageConfigMediaType(manifest.config.mediaType)) return manifest.config.mediaType
  return null
}

/**
 * A Helm chart's config is its Chart.yaml as JSON (Helm pkg/registry: `application/vnd.cncf.helm.config.v1+json`),
 * a few hundred bytes; anything far larger is not one, and is not fetched.
 */
export const maxChartConfigBytes = 256 * 1024

/** Names and versions are short in Chart.yaml; a longer value is shown as unknown rather than trusted. */
const chartText = z.string().max(256).nullable().optional().catch(null)

const helmChartConfigSchema = z.looseObject({ name: chartText, version: chartText, appVersion: chartText })

/**
 * Name, version and appVersion of a chart's config; null when it is not a JSON object of that shape.
 * A chart's facts are descriptive only: a malformed config leaves them unknown instead of failing the row.
 */
export function parseHelmChartConfig(bytes: Uint8Array): HelmChartFacts | null {
  let body: Record<string, unknown>
  try {
    body = decodeJsonObject(bytes, maxChartConfigBytes, 'Helm chart config')
  } catch {
    return null
  }
  const result = helmChartConfigSchema.safeParse(body)
  if (!result.success) return null
  const text = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value)
  return { name: text(result.data.name), version: text(result.data.version), appVersion: text(result.data.appVersion) }
}

/** The facts shared/artifact-kind.ts classifies a manifest by. */
export function manifestFactsOf(manifest: Exclude<ParsedManifest, { kind: 'schema1' }>, chart?: HelmChartFacts | null): ManifestFacts {
  if (manifest.kind === 'index') {
    return {
      shape: 'index',
      artifactType: manifest.artifactType,
      configMediaType: null,
      layers: [],
      subject: manifest.subject?.digest ?? null,
    }
  }
  return {
    shape: 'image',
    artifactType: manifest.artifactType,
    configMediaType: manifest.config.mediaType,
    layers: manifest.layers,
    annotations: manifest.annotations,
    subject: manifest.subject?.digest ?? null,
    ...(chart !== undefined ? { chart } : {}),
  }
}

/** Helm's config type, or its chart layer under some other config (charts pushed by other tools). */
export function isHelmChartManifest(manifest: ParsedManifest): manifest is Extract<ParsedManifest, { kind: 'image' }> {
  if (manifest.kind !== 'image') return false
  return (
    baseMediaType(manifest.config.mediaType) === helmConfig || manifest.layers.some((l) => baseMediaType(l.mediaType) === helmChartLayer)
  )
}

// Docker writes null for empty lists and maps; Entrypoint/Cmd may be a bare string (strslice).
const stringList = z
  .union([z.array(z.string()), z.string().transform((s) => [s])], { error: 'must be a list of strings' })
  .nullable()
  .optional()

const containerConfigSchema = z.looseObject({
  Env: stringList,
  Entrypoint: stringList,
  Cmd: stringList,
  WorkingDir: z.string().nullable().optional(),
  User: z.string().nullable().optional(),
  ExposedPorts: z.record(z.string(), z.unknown()).nullable().optional(),
  Labels: z.record(z.string(), z.string()).nullable().optional(),
})

const historySchema = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
})

const imageConfigSchema = z.looseObject({
  created: z.unknown().optional(),
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  config: containerConfigSchema.nullable().optional(),
  history: z.array(historySchema).nullable().optional(),
})

/**
 * ISO-8601 or null. The Unix epoch (reproducible builds, SOURCE_DATE_EPOCH=0) and anything
 * before it (Go's zero time 0001-01-01) mean "unknown", not a real build date.
 */
export function normalizeCreated(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return null
  const time = new Date(value).getTime()
  if (Number.isNaN(time) || time <= 0) return null
  return new Date(time).toISOString()
}

export function parseImageConfig(bytes: Uint8Array): ImageConfigInfo & { created: string | null } {
  const body = decodeJsonObject(bytes, maxConfigBytes, 'image config')
  const result = imageConfigSchema.safeParse(body)
  if (!result.success) throw invalid('image config', describeIssues(result.error))
  const image = result.data
  const container = image.config ?? {}
  const info: ImageConfigInfo & { created: string | null } = {
    created: normalizeCreated(image.created),
    env: container.Env ?? [],
    entrypoint: container.Entrypoint ?? null,
    cmd: container.Cmd ?? null,
    exposedPorts: Object.keys(container.ExposedPorts ?? {}),
    labels: { ...(container.Labels ?? {}) },
    history: (image.history ?? []).map((step) => {
      const entry: ImageConfigInfo['history'][number] = {}
      const created = normalizeCreated(step.created)
      if (created) entry.created = created
      if (step.created_by !== undefined) entry.createdBy = step.created_by
      if (step.comment !== undefined) entry.comment = step.comment
      if (step.empty_layer !== undefined) entry.emptyLayer = step.empty_layer
      return entry
    }),
  }
  if (image.os !== undefined) info.os = image.os
  if (image.architecture !== undefined) info.architecture = image.architecture
  if (image.variant !== undefined) info.variant = image.variant
  if (container.WorkingDir) info.workingDir = container.WorkingDir
  if (container.User) info.user = container.User
  return info
}

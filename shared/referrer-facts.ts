// What an SBOM or a provenance attestation says, read from the document a referrer (or a buildx
// attestation manifest) carries. Registry content is untrusted: every field is checked with a schema
// and anything unexpected becomes "unknown", never a throw. Pure, so the vectors are unit-tested.
//   - DSSE envelope (cosign attest): { payloadType, payload: base64(in-toto statement), signatures }
//   - in-toto statement: { _type, subject, predicateType, predicate } (in-toto attestation v0.1/v1)
//   - SLSA provenance v0.2: predicate.builder.id, invocation.configSource {uri, digest}, materials
//   - SLSA provenance v1: runDetails.builder.id, buildDefinition.{buildType, externalParameters,
//     resolvedDependencies}
//   - SPDX 2.x JSON (`spdxVersion`, `packages`), CycloneDX JSON (`bomFormat`, `components`)
import { z } from 'zod'
import type { ProvenanceFacts, ReferrerFacts, SbomFacts } from './types'

/** Characters of a document kept for the raw view: enough to read, bounded for IPC and the DOM. */
export const rawLimit = 256 * 1024

const text = z.string().max(4096)
const digestSet = z.record(z.string(), z.string().max(256))
const resource = z.object({ uri: text.optional(), digest: digestSet.optional(), name: text.optional() }).passthrough()

const envelopeSchema = z.object({ payloadType: z.string(), payload: z.string(), signatures: z.array(z.unknown()) }).passthrough()
const statementSchema = z
  .object({ _type: z.string().optional(), predicateType: z.string().max(1024), predicate: z.unknown(), subject: z.unknown().optional() })
  .passthrough()

const slsa02Schema = z
  .object({
    builder: z.object({ id: text.optional() }).passthrough().optional(),
    buildType: text.optional(),
    invocation: z.object({ configSource: resource.optional() }).passthrough().optional(),
    materials: z.array(resource).optional(),
  })
  .passthrough()

const slsa1Schema = z
  .object({
    buildDefinition: z
      .object({
        buildType: text.optional(),
        externalParameters: z.record(z.string(), z.unknown()).optional(),
        resolvedDependencies: z.array(resource).optional(),
      })
      .passthrough()
      .optional(),
    runDetails: z
      .object({ builder: z.object({ id: text.optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough()

const spdxSchema = z
  .object({ spdxVersion: z.string().max(64), name: text.optional(), packages: z.array(z.unknown()).optional() })
  .passthrough()
const cyclonedxSchema = z
  .object({
    bomFormat: z.literal('CycloneDX'),
    specVersion: z.string().max(64).optional(),
    components: z.array(z.unknown()).optional(),
    metadata: z
      .object({ component: z.object({ name: text.optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough()

/** Facts from a document's bytes (JSON, maybe a DSSE envelope). `digest`/`mediaType` name the layer. */
export function factsFromDocument(bytes: Uint8Array, layer: { digest: string; mediaType: string }): ReferrerFacts {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ...layer, predicateType: null, raw: '', rawTruncated: false, problem: 'The document is not UTF-8 JSON.' }
  }
  const envelope = envelopeSchema.safeParse(value)
  if (envelope.success) {
    const payload = decodeBase64(envelope.data.payload)
    if (payload === null) return withRaw(layer, value, { predicateType: null, problem: 'The DSSE payload is not valid base64.' })
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload))
    } catch {
      return withRaw(layer, value, { predicateType: null, problem: 'The DSSE payload is not UTF-8 JSON.' })
    }
  }
  return withRaw(layer, value, factsOf(value))
}

type Extracted = Pick<ReferrerFacts, 'predicateType' | 'provenance' | 'sbom' | 'problem'>

export function factsOf(value: unknown): Extracted {
  const statement = statementSchema.safeParse(value)
  if (statement.success) {
    const predicateType = statement.data.predicateType
    const predicate = statement.data.predicate
    const provenance = provenanceOf(predicateType, predicate)
    if (provenance) return { predicateType, provenance }
    const sbom = sbomOf(predicate)
    if (sbom) return { predicateType, sbom }
    return { predicateType }
  }
  const sbom = sbomOf(value)
  if (sbom) return { predicateType: null, sbom }
  return { predicateType: null, problem: 'Neither an in-toto statement nor an SPDX or CycloneDX document.' }
}

export function provenanceOf(predicateType: string, predicate: unknown): ProvenanceFacts | undefined {
  if (/^https:\/\/slsa\.dev\/provenance\/v0\.[12]$/.test(predicateType)) {
    const parsed = slsa02Schema.safeParse(predicate)
    if (!parsed.success) return { slsaVersion: 'v0.2', builder: null, buildType: null, sourceRepository: null, sourceCommit: null }
    const p = parsed.data
    const config = p.invocation?.configSource
    const material = (p.materials ?? []).find((m) => isSourceUri(m.uri))
    const source = config?.uri !== undefined ? config : material
    return {
      slsaVersion: 'v0.2',
      builder: p.builder?.id ?? null,
      buildType: p.buildType ?? null,
      sourceRepository: source?.uri ?? null,
      sourceCommit: commitOf(source?.digest),
    }
  }
  if (/^https:\/\/slsa\.dev\/provenance\/v1(\.\d+)?$/.test(predicateType)) {
    const parsed = slsa1Schema.safeParse(predicate)
    if (!parsed.success) return { slsaVersion: 'v1', builder: null, buildType: null, sourceRepository: null, sourceCommit: null }
    const definition = parsed.data.buildDefinition
    const external = definition?.externalParameters ?? {}
    const dependency = (definition?.resolvedDependencies ?? []).find((d) => isSourceUri(d.uri))
    // GitHub's workflow builder names { repository, ref }; BuildKit a configSource { uri, digest }.
    const workflow = z.object({ repository: text }).passthrough().safeParse(external['workflow'])
    const configSource = resource.safeParse(external['configSource'])
    const sourceRepository =
      (workflow.success ? workflow.data.repository : undefined) ??
      (configSource.success ? configSource.data.uri : undefined) ??
      stringAt(external, 'source') ??
      dependency?.uri ??
      null
    const sourceCommit = commitOf(dependency?.digest) ?? (configSource.success ? commitOf(configSource.data.digest) : null)
    return {
      slsaVersion: 'v1',
      builder: parsed.data.runDetails?.builder?.id ?? null,
      buildType: definition?.buildType ?? null,
      sourceRepository,
      sourceCommit,
    }
  }
  return undefined
}

export function sbomOf(value: unknown): SbomFacts | undefined {
  const spdx = spdxSchema.safeParse(value)
  if (spdx.success && spdx.data.spdxVersion.startsWith('SPDX-')) {
    return { format: 'SPDX', version: spdx.data.spdxVersion, packageCount: spdx.data.packages?.length ?? 0, name: spdx.data.name ?? null }
  }
  const cyclonedx = cyclonedxSchema.safeParse(value)
  if (cyclonedx.success) {
    return {
      format: 'CycloneDX',
      version: cyclonedx.data.specVersion ?? null,
      packageCount: cyclonedx.data.components?.length ?? 0,
      name: cyclonedx.data.metadata?.component?.name ?? null,
    }
  }
  return undefined
}

/** A git source: `git+https://…`, a `.git` URL (maybe `#ref`), or a repository on a known forge. */
function isSourceUri(uri: string | undefined): boolean {
  if (uri === undefined) return false
  return /^git\+|\.git(?:[#@].*)?$|^https:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(uri)
}

function commitOf(digest: Record<string, string> | undefined): string | null {
  return digest?.['gitCommit'] ?? digest?.['sha1'] ?? null
}

function stringAt(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key]
  return typeof value === 'string' && value.length <= 4096 ? value : undefined
}

function decodeBase64(input: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(input)) return null
  try {
    const binary = atob(input.replaceAll('-', '+').replaceAll('_', '/'))
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return bytes
  } catch {
    return null
  }
}

function withRaw(layer: { digest: string; mediaType: string }, value: unknown, extracted: Extracted): ReferrerFacts {
  const raw = JSON.stringify(value, null, 2)
  return { ...layer, ...extracted, raw: raw.slice(0, rawLimit), rawTruncated: raw.length > rawLimit }
}

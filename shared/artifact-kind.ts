// What a manifest holds — a container image, a Helm chart, an SBOM, an attestation, WebAssembly, a
// signature or some other OCI artifact — decided from its `artifactType`, config media type and
// layer media types. Which commands fit (shared/pull-commands.ts) and the label a row shows follow
// from it: `docker pull` of a Helm chart fails, so the kind must be right before a command is offered.
// Pure: the caller parses the manifest (and a chart's config) and hands over the facts.

export const artifactKinds = ['image', 'helm-chart', 'sbom', 'attestation', 'wasm', 'signature', 'artifact'] as const
export type ArtifactKind = (typeof artifactKinds)[number]

export type SbomFormat = 'SPDX' | 'CycloneDX' | 'Syft'
export type SignatureFormat = 'cosign' | 'sigstore-bundle' | 'notation'

export type ArtifactInfo =
  | { kind: 'image' }
  /** Name, version and appVersion as the chart's config says (null when it does not, or could not be read). */
  | { kind: 'helm-chart'; name: string | null; version: string | null; appVersion: string | null }
  | { kind: 'sbom'; format: SbomFormat | null }
  /** `subject`: the digest of the manifest it is about (OCI 1.1 `subject`), when the manifest names one. */
  | { kind: 'attestation'; predicateType: string | null; subject: string | null }
  | { kind: 'wasm' }
  | { kind: 'signature'; format: SignatureFormat; subject: string | null }
  /** Anything else: its `artifactType`, else its config media type (null when neither says). */
  | { kind: 'artifact'; artifactType: string | null }

/** A Helm chart's config blob (Chart.yaml as JSON), the fields Berth shows. */
export interface HelmChartFacts {
  name: string | null
  version: string | null
  appVersion: string | null
}

export interface ManifestFacts {
  shape: 'image' | 'index'
  artifactType: string | null
  /** null for an index. */
  configMediaType: string | null
  layers: readonly { mediaType: string; annotations?: Readonly<Record<string, string>> }[]
  annotations?: Readonly<Record<string, string>>
  /** The OCI 1.1 `subject` digest, when the manifest has one. */
  subject?: string | null
  /** A Helm chart's config, when it was read; absent or null: not read (the chart's facts stay null). */
  chart?: HelmChartFacts | null
}

export const mediaTypes = {
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChartLayer: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  wasmConfig: 'application/vnd.wasm.config.v0+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  cosignSignatureArtifact: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  sigstoreBundleArtifact: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  notarySignature: 'application/vnd.cncf.notary.signature',
  inToto: 'application/vnd.in-toto+json',
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  spdxJson: 'application/spdx+json',
  cyclonedxJson: 'application/vnd.cyclonedx+json',
} as const

const imageConfigTypes = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'])

// The CNCF wasm OCI artifact layout (config v0, `application/wasm` layers), and the older
// wasm-to-oci and Istio/Solo layer types that registries still hold.
const wasmTypes = new Set<string>([
  mediaTypes.wasmConfig,
  'application/wasm',
  'application/vnd.wasm.content.layer.v1+wasm',
  'application/vnd.module.wasm.content.layer.v1+wasm',
  'application/vnd.module.wasm.config.v1+json',
])

const sbomTypes: ReadonlyMap<string, SbomFormat | null> = new Map<string, SbomFormat | null>([
  [mediaTypes.spdxJson, 'SPDX'],
  ['application/spdx+xml', 'SPDX'],
  ['text/spdx', 'SPDX'],
  ['text/spdx+json', 'SPDX'],
  ['text/spdx+xml', 'SPDX'],
  [mediaTypes.cyclonedxJson, 'CycloneDX'],
  ['application/vnd.cyclonedx+xml', 'CycloneDX'],
  ['application/vnd.cyclonedx', 'CycloneDX'],
  ['application/vnd.syft+json', 'Syft'],
  // cosign attach sbom's artifact type: the format is in the layer's type.
  ['application/vnd.dev.cosign.artifact.sbom.v1+json', null],
])

const attestationTypes = new Set<string>([mediaTypes.inToto, mediaTypes.dsseEnvelope])

/** Layer and config types of runnable images: docker, podman and containerd pull these. */
function isImageLayerType(mediaType: string): boolean {
  return (
    mediaType.startsWith('application/vnd.oci.image.layer.') ||
    mediaType.startsWith('application/vnd.docker.image.rootfs.') ||
    mediaType === 'application/vnd.docker.container.image.rootfs.diff+x-gtar'
  )
}

/** `application/x; charset=utf-8` → `application/x`. */
function base(mediaType: string | null | undefined): string {
  return (mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

function predicateTypeOf(facts: ManifestFacts): string | null {
  for (const layer of facts.layers) {
    // buildx and the in-toto attestation spec name it `in-toto.io/predicate-type`; cosign `predicateType`.
    const named = layer.annotations?.['in-toto.io/predicate-type'] ?? layer.annotations?.predicateType
    if (named) return named
  }
  return facts.annotations?.['dev.sigstore.bundle.predicateType'] ?? null
}

function signatureFormat(types: readonly string[]): SignatureFormat | null {
  if (types.includes(mediaTypes.cosignSimpleSigning) || types.includes(mediaTypes.cosignSignatureArtifact)) return 'cosign'
  if (types.includes(mediaTypes.notarySignature)) return 'notation'
  if (types.some((t) => t === mediaTypes.sigstoreBundleArtifact || t === 'application/vnd.dev.sigstore.bundle+json'))
    return 'sigstore-bundle'
  return null
}

function sbomFormat(types: readonly string[]): { format: SbomFormat | null } | null {
  let found: { format: SbomFormat | null } | null = null
  for (const type of types) {
    if (!sbomTypes.has(type)) continue
    const format = sbomTypes.get(type) ?? null
    // A specific format (from a layer) wins over the generic cosign artifact type.
    if (found === null || (found.format === null && format !== null)) found = { format }
  }
  return found
}

/**
 * The kind of what a manifest holds. Signatures, attestations and SBOMs are recognised by their
 * layers as well as by `artifactType`: cosign stores them under an ordinary image config.
 */
export function classifyArtifact(facts: ManifestFacts): ArtifactInfo {
  const artifactType = facts.artifactType ? base(facts.artifactType) : null
  const config = facts.configMediaType ? base(facts.configMediaType) : null
  const layerTypes = facts.layers.map((layer) => base(layer.mediaType))
  const subject = facts.subject ?? null
  // What the manifest says about itself first, then its layers.
  const declared = [artifactType, config].filter((t): t is string => t !== null)
  const all = [...declared, ...layerTypes]

  if (facts.shape === 'index') return artifactType === null ? { kind: 'image' } : classifyDeclared(artifactType, subject)

  if (declared.includes(mediaTypes.helmConfig) || layerTypes.includes(mediaTypes.helmChartLayer)) {
    const chart = facts.chart ?? null
    return { kind: 'helm-chart', name: chart?.name ?? null, version: chart?.version ?? null, appVersion: chart?.appVersion ?? null }
  }
  if (all.some((t) => wasmTypes.has(t))) return { kind: 'wasm' }
  const signature = signatureFormat(all)
  const predicateType = predicateTypeOf(facts)
  // A sigstore bundle holds either a signature or a DSSE attestation; the predicate type tells which.
  if (signature !== null && !(signature === 'sigstore-bundle' && predicateType !== null))
    return { kind: 'signature', format: signature, subject }
  if (all.some((t) => attestationTypes.has(t)) || (signature === 'sigstore-bundle' && predicateType !== null)) {
    return { kind: 'attestation', predicateType, subject }
  }
  const sbom = sbomFormat(all)
  if (sbom !== null) return { kind: 'sbom', format: sbom.format }
  if (config !== null && imageConfigTypes.has(config) && artifactType === null && layerTypes.every(isImageLayerType))
    return { kind: 'image' }
  return { kind: 'artifact', artifactType: artifactType ?? (config !== null && config !== mediaTypes.ociEmpty ? config : null) }
}

/** An index (or anything known only by its `artifactType`). */
function classifyDeclared(artifactType: string, subject: string | null): ArtifactInfo {
  if (artifactType === mediaTypes.helmConfig) return { kind: 'helm-chart', name: null, version: null, appVersion: null }
  if (wasmTypes.has(artifactType)) return { kind: 'wasm' }
  const signature = signatureFormat([artifactType])
  if (signature !== null) return { kind: 'signature', format: signature, subject }
  if (attestationTypes.has(artifactType)) return { kind: 'attestation', predicateType: null, subject }
  const sbom = sbomFormat([artifactType])
  if (sbom !== null) return { kind: 'sbom', format: sbom.format }
  return { kind: 'artifact', artifactType }
}

/** The fields of TagDetails this needs (shared/types.ts imports nothing from here, and vice versa). */
export interface DetailsForKind {
  kind: 'image' | 'index' | 'artifact' | 'schema1' | 'unknown'
  mediaType: string
  artifactType: string | null
  artifact?: ArtifactInfo
}

/**
 * What a row holds: its `artifact` when the details carry one, else what its shape alone says
 * (rows from a registry's own API, or cached before Berth kept the kind). An OCI image manifest
 * alone could as well be a chart: null, "not known yet", rather than a guess.
 */
export function artifactOfDetails(details: DetailsForKind): ArtifactInfo | null {
  if (details.artifact) return details.artifact
  if (details.kind === 'artifact')
    return details.artifactType ? classifyDeclared(base(details.artifactType), null) : { kind: 'artifact', artifactType: null }
  if (details.kind === 'index' || details.kind === 'schema1')
    return details.artifactType ? classifyDeclared(base(details.artifactType), null) : { kind: 'image' }
  // Helm, oras and cosign write OCI manifests; a Docker schema 2 manifest is an image.
  if (base(details.mediaType) === 'application/vnd.docker.distribution.manifest.v2+json') return { kind: 'image' }
  return null
}

/** A short badge and what follows it: ("Helm chart", "demo 0.1.0 (app 1.2.3)"), ("SBOM", "SPDX"). */
export function artifactBadge(info: ArtifactInfo): { label: string; detail: string } {
  switch (info.kind) {
    case 'image':
      return { label: 'image', detail: '' }
    case 'helm-chart': {
      const version = [info.name, info.version].filter((part) => part !== null && part !== '').join(' ')
      const app = info.appVersion ? `(app ${info.appVersion})` : ''
      return { label: 'Helm chart', detail: [version, app].filter((part) => part !== '').join(' ') }
    }
    case 'sbom':
      return { label: 'SBOM', detail: info.format ?? '' }
    case 'attestation':
      return { label: 'attestation', detail: info.predicateType ?? '' }
    case 'wasm':
      return { label: 'WebAssembly', detail: '' }
    case 'signature':
      return { label: 'signature', detail: info.format }
    case 'artifact':
      return { label: 'OCI artifact', detail: info.artifactType ?? '' }
  }
}

/** One line: "Helm chart demo 0.1.0 (app 1.2.3)", "SBOM (SPDX)", "WebAssembly", "OCI artifact <type>". */
export function artifactLabel(info: ArtifactInfo): string {
  switch (info.kind) {
    case 'image':
      return 'Container image'
    case 'sbom':
      return info.format ? `SBOM (${info.format})` : 'SBOM'
    case 'attestation':
      return info.predicateType ? `In-toto attestation (${info.predicateType})` : 'In-toto attestation'
    case 'signature':
      return `Signature (${info.format})`
    default: {
      const { label, detail } = artifactBadge(info)
      return detail ? `${label} ${detail}` : label
    }
  }
}

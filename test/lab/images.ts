import { MediaType, type Descriptor, type LayoutBuilder, type Platform } from './oci-layout'
import { createLayer, type Layer } from './tar'

export type ManifestFormat = 'oci' | 'docker'

export interface ImageSpec {
  platform: Platform
  /** ISO time, or null to leave `created` out of the config entirely. */
  created: string | null
  env: string[]
  labels: Record<string, string>
  entrypoint: string[]
  cmd: string[]
  layers: Array<{ layer: Layer; createdBy: string }>
  format: ManifestFormat
  annotations?: Record<string, string>
}

/** Writes config + layers + manifest of one single-platform image; returns the manifest descriptor. */
export function addImage(builder: LayoutBuilder, spec: ImageSpec): Descriptor {
  const docker = spec.format === 'docker'
  const config = {
    ...(spec.created === null ? {} : { created: spec.created }),
    architecture: spec.platform.architecture,
    ...(spec.platform.variant === undefined ? {} : { variant: spec.platform.variant }),
    os: spec.platform.os,
    config: { Env: spec.env, Entrypoint: spec.entrypoint, Cmd: spec.cmd, Labels: spec.labels, WorkingDir: '/app' },
    rootfs: { type: 'layers', diff_ids: spec.layers.map(({ layer }) => layer.diffId) },
    history: spec.layers.map(({ createdBy }) => ({
      ...(spec.created === null ? {} : { created: spec.created }),
      created_by: createdBy,
    })),
  }
  const configDescriptor = builder.addJson(config, docker ? MediaType.dockerConfig : MediaType.ociConfig)
  const layerDescriptors = spec.layers.map(({ layer }) => builder.addBlob(layer.blob, docker ? MediaType.dockerLayer : MediaType.ociLayer))
  const manifest = {
    schemaVersion: 2,
    mediaType: docker ? MediaType.dockerManifest : MediaType.ociManifest,
    config: configDescriptor,
    layers: layerDescriptors,
    ...(spec.annotations === undefined || docker ? {} : { annotations: spec.annotations }),
  }
  const descriptor = builder.addJson(manifest, manifest.mediaType)
  return { ...descriptor, platform: spec.platform }
}

/** An OCI index or a Docker manifest list over already-added children. */
export function addIndex(builder: LayoutBuilder, children: Descriptor[], format: ManifestFormat): Descriptor {
  const mediaType = format === 'docker' ? MediaType.dockerList : MediaType.ociIndex
  return builder.addJson({ schemaVersion: 2, mediaType, manifests: children }, mediaType)
}

/**
 * A buildx-style provenance attestation for `subject`: an OCI manifest whose layer is an in-toto
 * statement, listed in the index as platform unknown/unknown with the
 * `vnd.docker.reference.*` annotations (buildx docs: attestation-storage.md).
 */
export function addAttestation(builder: LayoutBuilder, subject: Descriptor, created: string): Descriptor {
  const statement = JSON.stringify({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: 'pkg:docker/acme/multiarch', digest: { sha256: subject.digest.slice(7) } }],
    predicate: { builder: { id: 'berth-lab' }, metadata: { buildStartedOn: created } },
  })
  const statementLayer = builder.addBlob(statement, MediaType.inToto)
  const config = builder.addJson(
    { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [statementLayer.digest] } },
    MediaType.ociConfig,
  )
  const manifest = builder.addJson(
    {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: [{ ...statementLayer, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
    },
    MediaType.ociManifest,
  )
  return {
    ...manifest,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: {
      'vnd.docker.reference.digest': subject.digest,
      'vnd.docker.reference.type': 'attestation-manifest',
    },
  }
}

/** A Helm chart as `helm push` stores it: helm config JSON + one chart tarball layer, no image config. */
export function addHelmChart(builder: LayoutBuilder, name: string, version: string): Descriptor {
  const chartYaml =
    `apiVersion: v2\nname: ${name}\nversion: ${version}\n` +
    `description: A demo chart for Berth's lab\ntype: application\nappVersion: "1.0.0"\n`
  const chart = createLayer([
    { path: `${name}/Chart.yaml`, content: chartYaml },
    { path: `${name}/values.yaml`, content: 'replicaCount: 1\nimage:\n  repository: acme/web\n  tag: latest\n' },
    { path: `${name}/templates/NOTES.txt`, content: 'Thanks for installing {{ .Chart.Name }}.\n' },
  ])
  const config = builder.addJson(
    { name, version, description: "A demo chart for Berth's lab", apiVersion: 'v2', appVersion: '1.0.0', type: 'application' },
    MediaType.helmConfig,
  )
  const layer = builder.addBlob(chart.blob, MediaType.helmChart)
  return builder.addJson(
    {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: [layer],
      annotations: { 'org.opencontainers.image.created': '2025-06-01T12:00:00Z' },
    },
    MediaType.ociManifest,
  )
}

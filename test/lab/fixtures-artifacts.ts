// acme/artifacts: content that is not a container image, each as its tool writes it, so Berth must
// offer `oras pull` (never `docker pull`) for every tag:
// - `wasm`: a WebAssembly module as the CNCF wasm OCI artifact layout (config
//   `application/vnd.wasm.config.v0+json`, one `application/wasm` layer; no artifactType).
// - `sbom`: a standalone SPDX SBOM as `oras push --artifact-type application/spdx+json` writes it
//   (OCI 1.1 empty config, no subject: not attached to any image).
// - `docs-1.0`: a generic OCI artifact (artifactType of its own, empty config, a markdown layer).
// Every byte is fixed, so the digests are stable. Pushed with plain HTTP: skopeo 1.9 copies images.
import { join } from 'node:path'
import type { FixtureRepository } from './fixtures'
import { LayoutBuilder, MediaType, type Descriptor } from './oci-layout'

export const ARTIFACTS_REPOSITORY = 'acme/artifacts'
export const ARTIFACTS_TAGS = { wasm: 'wasm', sbom: 'sbom', generic: 'docs-1.0' } as const
export const GENERIC_ARTIFACT_TYPE = 'application/vnd.acme.docs.v1'

const created = '2025-07-01T09:00:00Z'
const titleAnnotation = 'org.opencontainers.image.title'
const emptyConfigType = 'application/vnd.oci.empty.v1+json'

/** The OCI 1.1 empty descriptor: `{}`, two bytes (image-spec manifest.md "Guidance for an Empty Descriptor"). */
function emptyConfig(builder: LayoutBuilder): Descriptor {
  return builder.addBlob('{}', emptyConfigType)
}

function manifest(builder: LayoutBuilder, body: Record<string, unknown>): Descriptor {
  return builder.addJson({ schemaVersion: 2, mediaType: MediaType.ociManifest, ...body }, MediaType.ociManifest)
}

/** The smallest valid module: magic `\0asm` and version 1, no sections. */
const wasmModule = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])

function wasmArtifact(builder: LayoutBuilder): Descriptor {
  const layer = builder.addBlob(wasmModule, 'application/wasm')
  const config = builder.addJson(
    { created, author: 'berth-lab', architecture: 'wasm', os: 'wasip1', layerDigests: [layer.digest] },
    'application/vnd.wasm.config.v0+json',
  )
  return manifest(builder, {
    config,
    layers: [{ ...layer, annotations: { [titleAnnotation]: 'hello.wasm' } }],
    annotations: { 'org.opencontainers.image.created': created },
  })
}

function spdxArtifact(builder: LayoutBuilder): Descriptor {
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'acme-artifacts-sbom',
    documentNamespace: 'https://berth.invalid/spdx/acme-artifacts-sbom',
    creationInfo: { created, creators: ['Tool: berth-lab'] },
    packages: [{ SPDXID: 'SPDXRef-Package-hello', name: 'hello', versionInfo: '1.0.0', downloadLocation: 'NOASSERTION' }],
  }
  const layer = builder.addJson(document, 'application/spdx+json')
  return manifest(builder, {
    artifactType: 'application/spdx+json',
    config: emptyConfig(builder),
    layers: [{ ...layer, annotations: { [titleAnnotation]: 'sbom.spdx.json' } }],
    annotations: { 'org.opencontainers.image.created': created },
  })
}

function genericArtifact(builder: LayoutBuilder): Descriptor {
  const layer = builder.addBlob('# acme docs\n\nRelease notes for 1.0.\n', 'text/markdown')
  return manifest(builder, {
    artifactType: GENERIC_ARTIFACT_TYPE,
    config: emptyConfig(builder),
    layers: [{ ...layer, annotations: { [titleAnnotation]: 'README.md' } }],
    annotations: { 'org.opencontainers.image.created': created },
  })
}

export function artifactsRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  builder.tag(ARTIFACTS_TAGS.wasm, wasmArtifact(builder))
  builder.tag(ARTIFACTS_TAGS.sbom, spdxArtifact(builder))
  builder.tag(ARTIFACTS_TAGS.generic, genericArtifact(builder))
  return {
    builder,
    repo: {
      repository: ARTIFACTS_REPOSITORY,
      layoutDir: join(root, 'acme__artifacts'),
      skopeoTags: [],
      httpTags: [ARTIFACTS_TAGS.wasm, ARTIFACTS_TAGS.sbom, ARTIFACTS_TAGS.generic],
    },
  }
}

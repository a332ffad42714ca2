import { describe, expect, it } from 'vitest'
import {
  artifactBadge,
  artifactLabel,
  artifactOfDetails,
  classifyArtifact,
  type ArtifactInfo,
  type ManifestFacts,
} from '../../../shared/artifact-kind'

const subject = `sha256:${'5'.repeat(64)}`
const ociConfig = 'application/vnd.oci.image.config.v1+json'
const empty = 'application/vnd.oci.empty.v1+json'

function image(configMediaType: string, layers: string[], more: Partial<ManifestFacts> = {}): ManifestFacts {
  return { shape: 'image', artifactType: null, configMediaType, layers: layers.map((mediaType) => ({ mediaType })), ...more }
}

describe('classifyArtifact', () => {
  it.each<[string, ManifestFacts, ArtifactInfo]>([
    ['an OCI image', image(ociConfig, ['application/vnd.oci.image.layer.v1.tar+gzip']), { kind: 'image' }],
    [
      'a Docker image',
      image('application/vnd.docker.container.image.v1+json', ['application/vnd.docker.image.rootfs.diff.tar.gzip']),
      { kind: 'image' },
    ],
    [
      'an image with a zstd and a foreign layer',
      image(ociConfig, ['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip']),
      { kind: 'image' },
    ],
    ['an index', { shape: 'index', artifactType: null, configMediaType: null, layers: [] }, { kind: 'image' }],
    [
      'a Helm chart with its config read',
      image('application/vnd.cncf.helm.config.v1+json', ['application/vnd.cncf.helm.chart.content.v1.tar+gzip'], {
        chart: { name: 'demo', version: '0.1.0', appVersion: '1.2.3' },
      }),
      { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.2.3' },
    ],
    [
      'a Helm chart whose config was not read',
      image('application/vnd.cncf.helm.config.v1+json', ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']),
      { kind: 'helm-chart', name: null, version: null, appVersion: null },
    ],
    [
      'a chart layer under an empty config',
      image(empty, ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']),
      { kind: 'helm-chart', name: null, version: null, appVersion: null },
    ],
    ['WebAssembly (CNCF wasm config)', image('application/vnd.wasm.config.v0+json', ['application/wasm']), { kind: 'wasm' }],
    [
      'WebAssembly (wasm-to-oci layer)',
      image('application/vnd.unknown.config.v1+json', ['application/vnd.wasm.content.layer.v1+wasm']),
      { kind: 'wasm' },
    ],
    [
      'an SPDX SBOM artifact',
      image(empty, ['application/spdx+json'], { artifactType: 'application/spdx+json' }),
      { kind: 'sbom', format: 'SPDX' },
    ],
    ['a CycloneDX SBOM by its layer', image(empty, ['application/vnd.cyclonedx+json']), { kind: 'sbom', format: 'CycloneDX' }],
    ['cosign attach sbom (image config, text/spdx layer)', image(ociConfig, ['text/spdx+json']), { kind: 'sbom', format: 'SPDX' }],
    [
      'cosign’s SBOM artifact type with a CycloneDX layer',
      image(empty, ['application/vnd.cyclonedx+xml'], { artifactType: 'application/vnd.dev.cosign.artifact.sbom.v1+json' }),
      { kind: 'sbom', format: 'CycloneDX' },
    ],
    [
      'a cosign .sig (simple signing under an image config)',
      image(ociConfig, ['application/vnd.dev.cosign.simplesigning.v1+json']),
      { kind: 'signature', format: 'cosign', subject: null },
    ],
    [
      'a notation signature referrer',
      image(empty, ['application/jose+json'], { artifactType: 'application/vnd.cncf.notary.signature', subject }),
      { kind: 'signature', format: 'notation', subject },
    ],
    [
      'a sigstore bundle signature',
      image(empty, ['application/vnd.dev.sigstore.bundle.v0.3+json'], {
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        subject,
      }),
      { kind: 'signature', format: 'sigstore-bundle', subject },
    ],
    [
      'a sigstore bundle attestation (predicate type annotated)',
      image(empty, ['application/vnd.dev.sigstore.bundle.v0.3+json'], {
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
        subject,
      }),
      { kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v1', subject },
    ],
    [
      'a buildx attestation manifest',
      {
        shape: 'image',
        artifactType: null,
        configMediaType: ociConfig,
        layers: [{ mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
      },
      { kind: 'attestation', predicateType: 'https://spdx.dev/Document', subject: null },
    ],
    [
      'a cosign .att (DSSE envelope, predicateType annotation)',
      {
        shape: 'image',
        artifactType: null,
        configMediaType: ociConfig,
        layers: [
          { mediaType: 'application/vnd.dsse.envelope.v1+json', annotations: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
        ],
      },
      { kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v0.2', subject: null },
    ],
    [
      'a generic artifact (artifactType, empty config)',
      image(empty, ['application/vnd.acme.rocket.docs.layer.v1+tar'], { artifactType: 'application/vnd.acme.rocket.config.v1+json' }),
      { kind: 'artifact', artifactType: 'application/vnd.acme.rocket.config.v1+json' },
    ],
    [
      'an artifact known by its config type only',
      image('application/vnd.acme.rocket.config.v1+json', ['application/octet-stream']),
      { kind: 'artifact', artifactType: 'application/vnd.acme.rocket.config.v1+json' },
    ],
    ['an empty config without artifactType', image(empty, ['application/octet-stream']), { kind: 'artifact', artifactType: null }],
    [
      'an image config over layers docker cannot unpack',
      image(ociConfig, ['application/octet-stream']),
      { kind: 'artifact', artifactType: 'application/vnd.oci.image.config.v1+json' },
    ],
    ['media types with parameters and capitals', image('Application/VND.wasm.config.v0+json; charset=utf-8', []), { kind: 'wasm' }],
    [
      'an index of artifacts',
      { shape: 'index', artifactType: 'application/vnd.acme.bundle.v1', configMediaType: null, layers: [], subject: null },
      { kind: 'artifact', artifactType: 'application/vnd.acme.bundle.v1' },
    ],
  ])('recognises %s', (_what, facts, expected) => {
    expect(classifyArtifact(facts)).toEqual(expected)
  })
})

describe('labels', () => {
  it.each<[ArtifactInfo, string, { label: string; detail: string }]>([
    [{ kind: 'image' }, 'Container image', { label: 'image', detail: '' }],
    [
      { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.2.3' },
      'Helm chart demo 0.1.0 (app 1.2.3)',
      { label: 'Helm chart', detail: 'demo 0.1.0 (app 1.2.3)' },
    ],
    [
      { kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: null },
      'Helm chart demo 0.1.0',
      { label: 'Helm chart', detail: 'demo 0.1.0' },
    ],
    [{ kind: 'helm-chart', name: null, version: null, appVersion: null }, 'Helm chart', { label: 'Helm chart', detail: '' }],
    [{ kind: 'sbom', format: 'SPDX' }, 'SBOM (SPDX)', { label: 'SBOM', detail: 'SPDX' }],
    [{ kind: 'sbom', format: null }, 'SBOM', { label: 'SBOM', detail: '' }],
    [{ kind: 'wasm' }, 'WebAssembly', { label: 'WebAssembly', detail: '' }],
    [
      { kind: 'artifact', artifactType: 'application/vnd.acme.x' },
      'OCI artifact application/vnd.acme.x',
      { label: 'OCI artifact', detail: 'application/vnd.acme.x' },
    ],
    [{ kind: 'signature', format: 'cosign', subject: null }, 'Signature (cosign)', { label: 'signature', detail: 'cosign' }],
    [
      { kind: 'attestation', predicateType: 'https://slsa.dev/provenance/v1', subject: null },
      'In-toto attestation (https://slsa.dev/provenance/v1)',
      { label: 'attestation', detail: 'https://slsa.dev/provenance/v1' },
    ],
  ])('%j reads "%s"', (info, label, badge) => {
    expect(artifactLabel(info)).toBe(label)
    expect(artifactBadge(info)).toEqual(badge)
  })
})

describe('artifactOfDetails', () => {
  const row = { kind: 'image' as const, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: null }

  it('takes the kind the details carry', () => {
    expect(artifactOfDetails({ ...row, artifact: { kind: 'wasm' } })).toEqual({ kind: 'wasm' })
  })

  it('says what a row without one shows: Docker manifests and indexes are images, artifacts by their type', () => {
    expect(artifactOfDetails({ ...row, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' })).toEqual({ kind: 'image' })
    expect(artifactOfDetails({ ...row, kind: 'index' })).toEqual({ kind: 'image' })
    expect(artifactOfDetails({ ...row, kind: 'artifact', artifactType: 'application/vnd.cncf.helm.config.v1+json' })).toEqual({
      kind: 'helm-chart',
      name: null,
      version: null,
      appVersion: null,
    })
  })

  it('does not guess for an OCI image manifest it has not read: it could be a chart', () => {
    expect(artifactOfDetails(row)).toBeNull()
    expect(artifactOfDetails({ ...row, kind: 'unknown', mediaType: '' })).toBeNull()
  })
})

// acme/attested: an image with an SPDX SBOM and a SLSA provenance attached the ways real tools do.
// - OCI 1.1 referrers: two artifact manifests whose `subject` is the image (config = the empty
//   descriptor, artifactType on the manifest), as `oras attach` / `cosign attest
//   --registry-referrers-mode=oci-1-1` write them.
// - The referrers tag schema: distribution 2.8 has no referrers API, so a pushing client keeps the
//   index `sha256-<hex>` listing them (distribution-spec 1.1 "Pushing Manifests with Subject"). The
//   registry then lists it as a tag: exactly the row the table groups under `1.0`.
// - cosign's own `sha256-<hex>.att`: an image manifest whose layer is a DSSE envelope of an in-toto
//   statement, `predicateType` annotated (cosign's attestation layout), here with SLSA v0.2 so both
//   provenance versions are in the lab. The envelope is signed with a fixed Ed25519 lab key: the
//   bytes are deterministic, the signature is not checked by this fixture's tests.
import { createPrivateKey, sign } from 'node:crypto'
import { join } from 'node:path'
import { addImage, type ImageSpec } from './images'
import { LayoutBuilder, MediaType, type Descriptor } from './oci-layout'
import { createLayer } from './tar'
import type { FixtureRepository } from './fixtures'

export const ATTESTED_REPOSITORY = 'acme/attested'
export const ATTESTED_CREATED = '2025-09-01T10:00:00Z'
/** What the provenance names: the lab's truth for the facts tests. */
export const ATTESTED_PROVENANCE = {
  builder: 'https://github.com/actions/runner/berth-lab',
  sourceRepository: 'https://github.com/acme/attested',
  sourceCommit: '0123456789abcdef0123456789abcdef01234567',
} as const
export const ATTESTED_SBOM_PACKAGES = 3

const emptyConfigType = 'application/vnd.oci.empty.v1+json'
const spdxType = 'application/spdx+json'
const dsseType = 'application/vnd.dsse.envelope.v1+json'

/** RFC 8032 test key 1's seed: a fixed key keeps the lab's bytes, and so its digests, stable. */
const labKeySeed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'

function labKey() {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(labKeySeed, 'hex')])
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
}

/** DSSE PAE (pre-authentication encoding), what the signature covers (DSSE protocol.md). */
function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload])
}

function statement(subject: Descriptor, predicateType: string, predicate: unknown): Record<string, unknown> {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `pkg:docker/${ATTESTED_REPOSITORY}@1.0`, digest: { sha256: subject.digest.slice(7) } }],
    predicateType,
    predicate,
  }
}

function spdxDocument(): Record<string, unknown> {
  const packages = ['busybox', 'musl', 'node'].slice(0, ATTESTED_SBOM_PACKAGES).map((name, i) => ({
    SPDXID: `SPDXRef-Package-${name}`,
    name,
    versionInfo: `1.${i}.0`,
    downloadLocation: 'NOASSERTION',
  }))
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${ATTESTED_REPOSITORY}:1.0`,
    documentNamespace: `https://berth.invalid/spdx/${ATTESTED_REPOSITORY}/1.0`,
    creationInfo: { created: ATTESTED_CREATED, creators: ['Tool: berth-lab'] },
    packages,
  }
}

function slsaV1(): Record<string, unknown> {
  return {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: {
        workflow: { ref: 'refs/heads/main', repository: ATTESTED_PROVENANCE.sourceRepository, path: '.github/workflows/release.yml' },
      },
      resolvedDependencies: [
        { uri: `git+${ATTESTED_PROVENANCE.sourceRepository}@refs/heads/main`, digest: { gitCommit: ATTESTED_PROVENANCE.sourceCommit } },
      ],
    },
    runDetails: { builder: { id: ATTESTED_PROVENANCE.builder }, metadata: { invocationId: 'berth-lab-1' } },
  }
}

function slsaV02(): Record<string, unknown> {
  return {
    builder: { id: ATTESTED_PROVENANCE.builder },
    buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
    invocation: {
      configSource: {
        uri: `git+${ATTESTED_PROVENANCE.sourceRepository}@refs/heads/main`,
        digest: { sha1: ATTESTED_PROVENANCE.sourceCommit },
        entryPoint: '.github/workflows/release.yml',
      },
    },
    materials: [{ uri: `git+${ATTESTED_PROVENANCE.sourceRepository}@refs/heads/main`, digest: { sha1: ATTESTED_PROVENANCE.sourceCommit } }],
  }
}

/** An OCI 1.1 artifact manifest referring to `subject`, with one document layer. */
function addReferrer(
  builder: LayoutBuilder,
  subject: Descriptor,
  artifactType: string,
  layer: Descriptor,
  annotations: Record<string, string>,
): Descriptor {
  const config = builder.addBlob('{}', emptyConfigType)
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { 'org.opencontainers.image.created': ATTESTED_CREATED, ...annotations },
  }
  const descriptor = builder.addJson(manifest, MediaType.ociManifest)
  return { ...descriptor, artifactType, annotations: manifest.annotations }
}

/** cosign's `.att` image: the DSSE envelope as the layer, the statement's predicate type annotated. */
function addCosignAttestation(builder: LayoutBuilder, subject: Descriptor): Descriptor {
  const predicateType = 'https://slsa.dev/provenance/v0.2'
  const payload = Buffer.from(
    JSON.stringify({ ...statement(subject, predicateType, slsaV02()), _type: 'https://in-toto.io/Statement/v0.1' }),
  )
  const payloadType = MediaType.inToto
  const sig = sign(null, pae(payloadType, payload), labKey()).toString('base64')
  const envelope = builder.addJson({ payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig }] }, dsseType)
  // cosign writes a minimal image config naming the layers it carries.
  const config = builder.addJson(
    { architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [envelope.digest] } },
    MediaType.ociConfig,
  )
  return builder.addJson(
    {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config,
      layers: [{ ...envelope, annotations: { predicateType } }],
    },
    MediaType.ociManifest,
  )
}

export function attestedRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  const spec: ImageSpec = {
    platform: { os: 'linux', architecture: 'amd64' },
    created: ATTESTED_CREATED,
    env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
    labels: { 'org.opencontainers.image.source': ATTESTED_PROVENANCE.sourceRepository },
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['node /app/server.js'],
    layers: [
      {
        layer: createLayer([{ path: 'app/server.js', content: 'console.log("acme attested")\n' }]),
        createdBy: 'COPY app /app',
      },
    ],
    format: 'oci',
  }
  const image = addImage(builder, spec)
  const subject: Descriptor = { mediaType: image.mediaType, digest: image.digest, size: image.size }

  const sbomLayer = builder.addJson(spdxDocument(), spdxType)
  const sbom = addReferrer(builder, subject, spdxType, sbomLayer, {})
  const provenanceType = 'https://slsa.dev/provenance/v1'
  const provenanceLayer = builder.addJson(statement(subject, provenanceType, slsaV1()), MediaType.inToto)
  const provenance = addReferrer(
    builder,
    subject,
    MediaType.inToto,
    { ...provenanceLayer },
    { 'in-toto.io/predicate-type': provenanceType },
  )
  const index = builder.addJson(
    {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [sbom, provenance],
    },
    MediaType.ociIndex,
  )
  const hex = image.digest.slice(7)
  builder.tag('1.0', subject)
  builder.tag(`sha256-${hex}`, index)
  builder.tag(`sha256-${hex}.att`, addCosignAttestation(builder, subject))
  return {
    builder,
    repo: {
      repository: ATTESTED_REPOSITORY,
      layoutDir: join(root, 'acme__attested'),
      skopeoTags: [{ tag: '1.0', all: false }],
      // Plain HTTP, byte for byte: the referrers (children of the index) by digest, then the tags.
      httpTags: [`sha256-${hex}`, `sha256-${hex}.att`],
    },
  }
}

// acme/signed: images with cosign signatures, for verification tests. Debian's skopeo 1.9.3 has
// `--sign-by-sigstore-private-key`, but its build refuses it ("Debian-local change: sigstore
// disabled"), and neither cosign nor a signing podman is packaged here; so this script writes the
// signatures exactly as sigstore/cosign specs/SIGNATURE_SPEC.md lays them out and cosign stores
// them: a simple-signing payload blob, one OCI manifest whose layer is that payload with the base64
// signature annotation, under the `sha256-<hex>.sig` tag; or the same manifest as an OCI 1.1
// referrer (artifactType + subject) listed in the referrers tag schema index `sha256-<hex>`,
// since distribution 2.8 has no referrers API. Everything is part of the OCI layout, so the truth
// (truth.ts, storage-truth.ts) reads the signature manifests like any other tag.
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { addImage, type ImageSpec } from './images'
import { LayoutBuilder, MediaType, type Descriptor } from './oci-layout'
import { run } from './processes'
import { createLayer } from './tar'
import type { FixtureRepository } from './fixtures'

export const SIGNED_REPOSITORY = 'acme/signed'
const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json'
const COSIGN_SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json'

export interface LabSigningKey {
  name: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** SPKI PEM, as cosign.pub. */
  publicPem: string
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url')
}

/** A P-256 key from a seed: the same seed, the same key, so tests can hold the public half. */
function ecdsaKey(name: string, seed: string): LabSigningKey {
  const d = createHash('sha256').update(seed).digest()
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(d)
  const point = ecdh.getPublicKey()
  const jwk = { kty: 'EC', crv: 'P-256', d: base64url(d), x: base64url(point.subarray(1, 33)), y: base64url(point.subarray(33, 65)) }
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' })
  return withPublic(name, privateKey)
}

/** An Ed25519 key from a seed (RFC 8410 PKCS#8: the fixed prefix, then the 32-byte seed). */
function ed25519Key(name: string, seed: string): LabSigningKey {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex')
  const der = Buffer.concat([prefix, createHash('sha256').update(seed).digest()])
  return withPublic(name, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }))
}

function withPublic(name: string, privateKey: KeyObject): LabSigningKey {
  const publicKey = createPublicKey(privateKey)
  return { name, privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

/** Key A signs most images (ECDSA P-256, cosign's default); key B (Ed25519) is "another key". */
export function labSigningKeys(): { a: LabSigningKey; b: LabSigningKey; keyless: LabSigningKey } {
  return {
    a: ecdsaKey('lab-key-a', 'berth lab signing key A'),
    b: ed25519Key('lab-key-b', 'berth lab signing key B'),
    keyless: ecdsaKey('lab-ephemeral', 'berth lab keyless ephemeral key'),
  }
}

/** The tags of acme/signed and what verifying each with key A must say. */
export const SIGNED_TAGS = {
  signed: 'verified',
  'other-key': 'failed',
  tampered: 'failed',
  'wrong-digest': 'failed',
  keyless: 'keyless',
  referrer: 'verified',
  unsigned: 'unsigned',
} as const

/** cosign's payload (simple signing), serialised as Go's encoding/json does: field order, no spaces. */
export function simpleSigningPayload(digest: string, identity: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': identity },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  )
}

/** cosign's signature over the payload bytes: ECDSA (SHA-256, ASN.1 DER) or pure Ed25519. */
export function cosignSign(key: LabSigningKey, payload: Buffer): string {
  const algorithm = key.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256'
  return sign(algorithm, payload, key.privateKey).toString('base64')
}

interface SignatureLayer {
  payload: Buffer
  annotations: Record<string, string>
}

/** The config cosign gives a signature image (go-containerregistry empty image, one diff_id per layer). */
function signatureConfig(layers: Descriptor[]): unknown {
  return {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.digest) },
    config: {},
  }
}

function signatureManifest(builder: LayoutBuilder, signatures: SignatureLayer[], referrerOf?: Descriptor): Descriptor {
  const layers = signatures.map(({ payload, annotations }) => ({ ...builder.addBlob(payload, SIMPLE_SIGNING), annotations }))
  if (referrerOf === undefined) {
    const config = builder.addJson(signatureConfig(layers), MediaType.ociConfig)
    return builder.addJson({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers }, MediaType.ociManifest)
  }
  // cosign --registry-referrers-mode=oci-1-1: the OCI empty config, the artifact type, the subject.
  const config = builder.addBlob('{}', OCI_EMPTY)
  const subject = { mediaType: referrerOf.mediaType, digest: referrerOf.digest, size: referrerOf.size }
  const manifest = builder.addJson(
    { schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: COSIGN_SIG_ARTIFACT, config, layers, subject },
    MediaType.ociManifest,
  )
  return { ...manifest, artifactType: COSIGN_SIG_ARTIFACT }
}

function cosignTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`
}

function image(name: string, day: number): ImageSpec {
  const platform = { os: 'linux', architecture: 'amd64' }
  const created = new Date(Date.parse('2025-09-01T08:00:00Z') + day * 86_400_000).toISOString()
  return {
    platform,
    created,
    env: ['PATH=/usr/local/bin:/usr/bin:/bin', `APP_VARIANT=${name}`],
    labels: { 'org.opencontainers.image.title': SIGNED_REPOSITORY, 'org.opencontainers.image.version': name },
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['node /app/server.js'],
    layers: [
      {
        layer: createLayer([
          { path: 'etc/os-release', content: 'NAME="Berth Lab Linux"\nID=berthlab\n' },
          { path: 'app/VERSION', content: `acme/signed ${name}\n` },
        ]),
        createdBy: 'COPY app /app',
      },
    ],
    format: 'oci',
  }
}

/** A self-signed certificate over the ephemeral key, where Fulcio would have issued one. */
async function keylessCertificate(key: LabSigningKey, workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true })
  const keyFile = join(workDir, 'keyless-ephemeral.pem')
  await writeFile(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  try {
    await run('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-subj',
      '/O=sigstore.dev/CN=sigstore-intermediate',
      '-days',
      '3650',
      '-out',
      join(workDir, 'keyless.crt'),
    ])
    return await readFile(join(workDir, 'keyless.crt'), 'utf8')
  } finally {
    await rm(keyFile, { force: true })
  }
}

/** acme/signed as an OCI layout; every tag (images, `.sig` tags, the referrers index) is pushed over plain HTTP, byte for byte. */
export async function signedRepository(root: string): Promise<{ builder: LayoutBuilder; repo: FixtureRepository }> {
  const builder = new LayoutBuilder()
  const keys = labSigningKeys()
  const identity = SIGNED_REPOSITORY
  const images = new Map<keyof typeof SIGNED_TAGS, Descriptor>()
  Object.keys(SIGNED_TAGS).forEach((tag, day) => {
    const descriptor = addImage(builder, image(tag, day))
    images.set(tag as keyof typeof SIGNED_TAGS, descriptor)
    builder.tag(tag, descriptor)
  })
  const digestOf = (tag: keyof typeof SIGNED_TAGS): string => images.get(tag)?.digest ?? ''
  const signed = (key: LabSigningKey, digest: string, extra: Record<string, string> = {}): SignatureLayer => {
    const payload = simpleSigningPayload(digest, identity)
    return { payload, annotations: { 'dev.cosignproject.cosign/signature': cosignSign(key, payload), ...extra } }
  }

  builder.tag(cosignTag(digestOf('signed')), signatureManifest(builder, [signed(keys.a, digestOf('signed'))]))
  builder.tag(cosignTag(digestOf('other-key')), signatureManifest(builder, [signed(keys.b, digestOf('other-key'))]))
  // Signed by A, then the payload edited (its descriptor updated so the registry takes it): the signature no longer holds.
  const original = signed(keys.a, digestOf('tampered'))
  const tampered = { ...original, payload: Buffer.from(original.payload.toString('utf8').replace('"optional":null', '"optional":{"x":1}')) }
  builder.tag(cosignTag(digestOf('tampered')), signatureManifest(builder, [tampered]))
  // A valid signature by A, over a payload that names the `signed` image, attached to `wrong-digest`.
  builder.tag(cosignTag(digestOf('wrong-digest')), signatureManifest(builder, [signed(keys.a, digestOf('signed'))]))
  const certificate = await keylessCertificate(keys.keyless, join(root, 'keyless-work'))
  builder.tag(
    cosignTag(digestOf('keyless')),
    signatureManifest(builder, [signed(keys.keyless, digestOf('keyless'), { 'dev.sigstore.cosign/certificate': certificate })]),
  )
  const referrerImage = images.get('referrer')
  if (referrerImage !== undefined) {
    const referrer = signatureManifest(builder, [signed(keys.a, referrerImage.digest)], referrerImage)
    const index = builder.addJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [referrer] }, MediaType.ociIndex)
    builder.tag(referrerImage.digest.replace(':', '-'), index)
  }
  await rm(join(root, 'keyless-work'), { recursive: true, force: true })
  const tags: string[] = []
  for (const tag of Object.keys(SIGNED_TAGS)) {
    tags.push(tag)
    const digest = digestOf(tag as keyof typeof SIGNED_TAGS)
    if (tag !== 'unsigned' && tag !== 'referrer') tags.push(cosignTag(digest))
    if (tag === 'referrer') tags.push(digest.replace(':', '-'))
  }
  return {
    builder,
    repo: { repository: SIGNED_REPOSITORY, layoutDir: join(root, 'acme__signed'), skopeoTags: [], httpTags: tags },
  }
}

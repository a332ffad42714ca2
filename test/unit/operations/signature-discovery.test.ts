import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ociEmptyConfig, ociManifest } from '../../../electron/http/media-types'
import { createContentLoader } from '../../../electron/operations/content-loader'
import { verifyImageSignatures, type SignatureCache, type VerificationKey } from '../../../electron/operations/signature-verify'
import { parsePublicKey } from '../../../electron/trust/public-key'
import type { SignatureCheck } from '../../../shared/signatures'
import { FakeRegistryClient, jsonBytes } from './fake-registry-client'

const repo = 'acme/signed'
const simpleSigning = 'application/vnd.dev.cosign.simplesigning.v1+json'

function keyPair(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const parsed = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  const key: VerificationKey = { name, fingerprint: parsed.fingerprint, algorithm: parsed.algorithm, key: parsed.key }
  return { privateKey, key }
}

/** An image, signed by `signer` at cosign's .sig tag and as an OCI 1.1 referrer (referrers API). */
function seeded() {
  const fake = new FakeRegistryClient({ referrersApi: true })
  const image = fake.addImage(repo, 'latest', { layers: [fake.addLayer(repo, 20)] })
  const signer = keyPair('release')
  const signatureLayer = (digest: string) => {
    const payload = jsonBytes({
      critical: {
        identity: { 'docker-reference': repo },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    })
    const blob = fake.addBlob(repo, payload)
    const signature = sign('sha256', payload, signer.privateKey).toString('base64')
    return { mediaType: simpleSigning, ...blob, annotations: { 'dev.cosignproject.cosign/signature': signature } }
  }
  const config = fake.addBlob(repo, jsonBytes({ rootfs: { type: 'layers', diff_ids: [] } }))
  const sigTag = `${image.digest.replace(':', '-')}.sig`
  fake.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [signatureLayer(image.digest)],
    },
    ociManifest,
    sigTag,
  )
  const empty = fake.addBlob(repo, new TextEncoder().encode('{}'))
  fake.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: ociManifest,
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      config: { mediaType: ociEmptyConfig, ...empty },
      layers: [signatureLayer(image.digest)],
      subject: { mediaType: ociManifest, digest: image.digest, size: image.size },
    },
    ociManifest,
  )
  return { fake, image, signer, sigTag }
}

function memoryCache(): SignatureCache & { size: () => number } {
  const map = new Map<string, SignatureCheck[]>()
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), size: () => map.size }
}

describe('finding and checking an image’s cosign signatures', () => {
  it('reads the .sig tag and the referrers, and checks each with the keys', async () => {
    const { fake, image, signer } = seeded()
    const checks = await verifyImageSignatures(createContentLoader(fake), repo, image.digest, { keys: [signer.key], referrers: true })
    expect(checks.map((check) => [check.source, check.status, check.key?.name])).toEqual([
      ['cosign-tag', 'verified', 'release'],
      ['referrer', 'verified', 'release'],
    ])
  })

  it('for the table, looks only at a listed .sig tag: no referrers request, no lookup when the tag is not listed', async () => {
    const { fake, image, signer, sigTag } = seeded()
    const unlisted = await verifyImageSignatures(createContentLoader(fake), repo, image.digest, {
      keys: [signer.key],
      referrers: false,
      tags: ['latest'],
    })
    expect(unlisted).toEqual([])
    expect(fake.calls).toEqual([])
    const listed = await verifyImageSignatures(createContentLoader(fake), repo, image.digest, {
      keys: [signer.key],
      referrers: false,
      tags: ['latest', sigTag],
    })
    expect(listed.map((check) => check.status)).toEqual(['verified'])
    expect(fake.count('GET', 'referrers')).toBe(0)
  })

  it('keeps results per subject, signature manifest and keys: the payload is fetched again only for other keys', async () => {
    const { fake, image, signer } = seeded()
    const cache = memoryCache()
    const run = (keys: VerificationKey[]) =>
      verifyImageSignatures(createContentLoader(fake), repo, image.digest, { keys, referrers: true, cache })
    await run([signer.key])
    const blobGets = fake.count('GET', 'blob')
    expect(blobGets).toBe(2)
    expect((await run([signer.key])).map((check) => check.status)).toEqual(['verified', 'verified'])
    expect(fake.count('GET', 'blob')).toBe(blobGets)
    const other = keyPair('other').key
    expect((await run([other])).map((check) => check.status)).toEqual(['failed', 'failed'])
    expect(fake.count('GET', 'blob')).toBe(blobGets + 2)
    expect(cache.size()).toBe(4)
  })
})

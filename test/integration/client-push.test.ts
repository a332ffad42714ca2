// Writes against the real lab: blob upload (POST + PUT to distribution's relative Location),
// manifest push, read-back with verification, and deletion by digest with the writer's token.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { sha256Digest } from '../../electron/http/digest'
import { ociConfig, ociLayerGzip, ociManifest } from '../../electron/http/media-types'
import { createRegistryClient } from '../../electron/http/registry-client'
import type { RegistryClient } from '../../electron/http/client-types'
import { getLab } from '../lab/lab-client'

const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function writerClient(): RegistryClient {
  const lab = getLab()
  const { username, password } = lab.users.writer
  const client = createRegistryClient({
    endpoint: { url: lab.token.url, host: lab.token.host, insecure: true },
    credentials: () => Promise.resolve({ kind: 'basic', username, password }),
  })
  clients.push(client)
  return client
}

describe('pushing and deleting', () => {
  it('uploads blobs, pushes a manifest, reads both back verified, then deletes the manifest by digest', async () => {
    const client = writerClient()
    const repository = `scratch/client-push-${randomBytes(4).toString('hex')}`
    const config = new TextEncoder().encode(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    )
    const layer = new Uint8Array(randomBytes(2048))
    expect(await client.uploadBlob(repository, config)).toBe(sha256Digest(config))
    expect(await client.uploadBlob(repository, layer)).toBe(sha256Digest(layer))
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: ociManifest,
        config: { mediaType: ociConfig, digest: sha256Digest(config), size: config.byteLength },
        layers: [{ mediaType: ociLayerGzip, digest: sha256Digest(layer), size: layer.byteLength }],
      }),
    )
    const { digest } = await client.putManifest(repository, 'v1', manifest, ociManifest)
    expect(digest).toBe(sha256Digest(manifest))

    const fetched = await client.getManifest(repository, 'v1')
    expect(fetched.digest).toBe(digest)
    expect(fetched.mediaType).toBe(ociManifest)
    expect(await client.getBlob(repository, sha256Digest(layer), { maxBytes: 4096 })).toEqual(layer)
    await expect(client.getBlob(repository, sha256Digest(layer), { maxBytes: 1000 })).rejects.toMatchObject({ code: 'invalid_response' })
    expect(await client.listTags(repository)).toEqual(['v1'])

    await client.deleteManifest(repository, digest)
    await expect(client.headManifest(repository, digest)).rejects.toMatchObject({ code: 'not_found' })
  })
})

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { getLab } from '../lab/lab-client'
import { MANIFEST_ACCEPT } from '../lab/test-helpers'

const lab = getLab()
const descriptor = z.object({ mediaType: z.string(), digest: z.string(), size: z.number() })
const imageManifest = z.object({ config: descriptor, layers: z.array(descriptor) })
const imageConfig = z.object({
  created: z.string(),
  architecture: z.string(),
  os: z.string(),
  config: z.object({
    Env: z.array(z.string()),
    Labels: z.record(z.string(), z.string()),
    Entrypoint: z.array(z.string()),
    Cmd: z.array(z.string()),
  }),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(z.string()) }),
  history: z.array(z.object({ created_by: z.string() })),
})

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

async function blob(repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`${lab.open.url}/v2/${repository}/blobs/${digest}`)
  expect(response.status).toBe(200)
  const bytes = Buffer.from(await response.arrayBuffer())
  expect(sha256(bytes)).toBe(digest)
  return bytes
}

async function manifest(repository: string, reference: string): Promise<z.infer<typeof imageManifest>> {
  const response = await fetch(`${lab.open.url}/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } })
  return imageManifest.parse(await response.json())
}

describe('the generated fixtures', () => {
  it('have real gzip tar layers whose uncompressed digests are the config diff_ids', async () => {
    for (const reference of ['latest', '1.0.0']) {
      const image = await manifest('acme/web', reference)
      const config = imageConfig.parse(JSON.parse((await blob('acme/web', image.config.digest)).toString('utf8')))
      expect(config.rootfs.diff_ids).toHaveLength(image.layers.length)
      expect(config.history).toHaveLength(image.layers.length)
      expect(config.config.Entrypoint.length).toBeGreaterThan(0)
      for (const [index, layer] of image.layers.entries()) {
        const tar = gunzipSync(await blob('acme/web', layer.digest))
        expect(sha256(tar)).toBe(config.rootfs.diff_ids[index])
        const listing = execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' })
        expect(listing.split('\n').filter(Boolean).length).toBeGreaterThan(1)
      }
    }
  })

  it('record sizes that equal config plus layers as served by the registry', async () => {
    for (const [tag, truth] of Object.entries(lab.truth.repositories['acme/web'] ?? {})) {
      const image = await manifest('acme/web', tag)
      const size = image.config.size + image.layers.reduce((sum, layer) => sum + layer.size, 0)
      expect(truth.size, tag).toBe(size)
      expect(truth.configDigest, tag).toBe(image.config.digest)
    }
  })

  it('spread acme/web build dates over a year, with the epoch image reported as unknown', () => {
    const created = Object.values(lab.truth.repositories['acme/web'] ?? {})
      .map((tag) => tag.created)
      .filter((value): value is string => value !== null)
      .map((value) => Date.parse(value))
    const spanDays = (Math.max(...created) - Math.min(...created)) / 86_400_000
    expect(spanDays).toBeGreaterThan(300)
    expect(lab.truth.repositories['acme/web']?.reproducible?.created).toBeNull()
  })

  it('count a platform-shared layer once in the size of the multi-arch index', async () => {
    const truth = lab.truth.repositories['acme/multiarch']?.latest
    const blobs = new Map<string, number>()
    for (const platform of truth?.platforms ?? []) {
      const image = await manifest('acme/multiarch', platform.digest)
      for (const entry of [image.config, ...image.layers]) blobs.set(entry.digest, entry.size)
    }
    expect(truth?.size).toBe([...blobs.values()].reduce((sum, size) => sum + size, 0))
  })
})

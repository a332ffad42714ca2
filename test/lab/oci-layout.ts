import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { sha256Digest } from './tar'

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
  artifactType?: string
}

/** Annotation an OCI image layout uses to name a tag (image-spec image-layout.md). */
export const REF_NAME = 'org.opencontainers.image.ref.name'

/**
 * Collects blobs (layers, configs, manifests) in memory and writes them as an OCI image layout:
 * `oci-layout`, `index.json` with one descriptor per tag, `blobs/sha256/<hex>`.
 */
export class LayoutBuilder {
  private readonly blobs = new Map<string, Buffer>()
  private readonly refs: Descriptor[] = []

  addBlob(data: Buffer | string, mediaType: string): Descriptor {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')
    const digest = sha256Digest(bytes)
    this.blobs.set(digest, bytes)
    return { mediaType, digest, size: bytes.length }
  }

  /** JSON documents are serialised once here: these bytes are the ones whose digest is the truth. */
  addJson(value: unknown, mediaType: string): Descriptor {
    return this.addBlob(JSON.stringify(value), mediaType)
  }

  tag(name: string, descriptor: Descriptor): void {
    this.refs.push({ mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size, annotations: { [REF_NAME]: name } })
  }

  get tagCount(): number {
    return this.refs.length
  }

  async write(dir: string): Promise<void> {
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: this.refs }))
    for (const [digest, bytes] of this.blobs) {
      await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes)
    }
  }
}

const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  platform: z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().optional(),
})

const layoutIndexSchema = z.object({ manifests: z.array(descriptorSchema) })

export interface LayoutReader {
  dir: string
  /** Tag → descriptor, in the order of index.json. */
  tags: Map<string, Descriptor>
  readBlob(digest: string): Promise<Buffer>
}

/** Reads a layout back from disk (the truth is computed from these files, not from memory). */
export async function openLayout(dir: string): Promise<LayoutReader> {
  const index = layoutIndexSchema.parse(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')))
  const tags = new Map<string, Descriptor>()
  for (const entry of index.manifests) {
    const name = entry.annotations?.[REF_NAME]
    if (name !== undefined) tags.set(name, entry)
  }
  return {
    dir,
    tags,
    async readBlob(digest) {
      const bytes = await readFile(join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, '')))
      if (sha256Digest(bytes) !== digest) throw new Error(`layout blob ${digest} in ${dir} is corrupt`)
      return bytes
    },
  }
}

export { descriptorSchema }

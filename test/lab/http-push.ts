import { z } from 'zod'
import { descriptorSchema, type LayoutReader } from './oci-layout'

const manifestRefs = z.object({
  mediaType: z.string().optional(),
  config: descriptorSchema.optional(),
  layers: z.array(descriptorSchema).optional(),
  manifests: z.array(descriptorSchema).optional(),
})

async function expectStatus(response: Response, expected: number[], what: string): Promise<void> {
  if (expected.includes(response.status)) return
  const body = await response.text().catch(() => '')
  throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 300)}`)
}

/** Monolithic upload (distribution-spec "POST then PUT"): distribution 2.8 has no single-POST upload. */
async function pushBlob(registryUrl: string, repository: string, layout: LayoutReader, digest: string): Promise<void> {
  const head = await fetch(`${registryUrl}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' })
  if (head.status === 200) return
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' })
  await expectStatus(start, [202], `start upload of ${digest}`)
  await start.body?.cancel()
  const location = start.headers.get('location')
  if (location === null) throw new Error('upload without Location')
  const target = new URL(location, registryUrl)
  target.searchParams.set('digest', digest)
  const put = await fetch(target, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: await layout.readBlob(digest),
  })
  await expectStatus(put, [201], `finish upload of ${digest}`)
  await put.body?.cancel()
}

/**
 * Pushes one tag of a layout with plain HTTP, byte for byte: blobs first, children of an index
 * next (by digest), then the manifest under the tag. Used for the Helm chart and perf/many.
 */
export async function pushTagOverHttp(registryUrl: string, repository: string, layout: LayoutReader, tag: string): Promise<void> {
  const descriptor = layout.tags.get(tag)
  if (descriptor === undefined) throw new Error(`tag ${tag} is not in ${layout.dir}`)
  await pushManifest(registryUrl, repository, layout, descriptor.digest, descriptor.mediaType, tag)
}

async function pushManifest(
  registryUrl: string,
  repository: string,
  layout: LayoutReader,
  digest: string,
  mediaType: string,
  reference: string,
): Promise<void> {
  const bytes = await layout.readBlob(digest)
  const manifest = manifestRefs.parse(JSON.parse(bytes.toString('utf8')))
  const blobs = [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])]
  for (const blob of blobs) await pushBlob(registryUrl, repository, layout, blob.digest)
  for (const child of manifest.manifests ?? []) {
    await pushManifest(registryUrl, repository, layout, child.digest, child.mediaType, child.digest)
  }
  const put = await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType ?? mediaType },
    body: bytes,
  })
  await expectStatus(put, [201], `put manifest ${repository}:${reference}`)
  await put.body?.cancel()
  const stored = put.headers.get('docker-content-digest')
  if (stored !== null && stored !== digest) throw new Error(`registry stored ${repository}:${reference} as ${stored}, expected ${digest}`)
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      await fn(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

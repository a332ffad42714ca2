// The throw-away content the soak deletes, pushed by the harness straight to the registry (not
// through the fault proxy: the harness must be able to refill the repository whatever the faults).
// Two small pools of single-platform images, built offline like the lab's fixtures:
// - anchored images, each kept under a permanent `anchor-<i>` tag: churn tags pushed onto them are
//   deleted in tag mode, which must take only the churn tag (the anchor proves it did);
// - digest images, never anchored: churn tags on them are deleted in digest mode, which removes
//   the manifest and every tag on it; the next round pushes the same bytes again.
// The same few digests come back round after round, so Berth's digest cache stays the same size
// and any growth the soak sees is not new content.
import { request } from 'node:http'
import { join } from 'node:path'
import { pushTagOverHttp } from '../lab/http-push'
import { addImage } from '../lab/images'
import { LayoutBuilder, openLayout, type LayoutReader } from '../lab/oci-layout'
import { createLayer } from '../lab/tar'

export const churnRepository = 'soak/churn'
export const anchorPrefix = 'anchor-'

export interface ChurnImage {
  /** The layout tag it was built under (`anchored-0`, `digest-2` …). */
  name: string
  digest: string
  mediaType: string
  bytes: Buffer
}

export interface ChurnImages {
  anchored: ChurnImage[]
  digest: ChurnImage[]
}

const poolSize = 4

/** Builds the pools into `directory` and pushes every blob and an anchor tag per anchored image. */
export async function prepareChurnImages(registryUrl: string, directory: string): Promise<ChurnImages> {
  const builder = new LayoutBuilder()
  const names: string[] = []
  for (const pool of ['anchored', 'digest'] as const) {
    for (let index = 0; index < poolSize; index++) {
      const name = `${pool}-${index}`
      const created = new Date(Date.UTC(2026, 0, 1 + index, pool === 'anchored' ? 8 : 20)).toISOString()
      const descriptor = addImage(builder, {
        platform: { os: 'linux', architecture: 'amd64' },
        created,
        env: [`SOAK_IMAGE=${name}`],
        labels: { 'org.opencontainers.image.title': `soak ${name}` },
        entrypoint: ['/bin/sh'],
        cmd: ['-c', 'true'],
        layers: [{ layer: createLayer([{ path: 'soak/name', content: `${name}\n` }]), createdBy: `COPY ${name}` }],
        format: 'oci',
      })
      builder.tag(name, descriptor)
      names.push(name)
    }
  }
  await builder.write(directory)
  const layout = await openLayout(directory)
  for (const name of names) await pushTagOverHttp(registryUrl, churnRepository, layout, name)
  const images = await Promise.all(names.map((name) => readImage(layout, name)))
  const anchored = images.filter((image) => image.name.startsWith('anchored-'))
  for (const [index, image] of anchored.entries()) await putManifest(registryUrl, image, `${anchorPrefix}${index}`)
  return { anchored, digest: images.filter((image) => image.name.startsWith('digest-')) }
}

async function readImage(layout: LayoutReader, name: string): Promise<ChurnImage> {
  const descriptor = layout.tags.get(name)
  if (descriptor === undefined) throw new Error(`churn layout has no ${name}`)
  return { name, digest: descriptor.digest, mediaType: descriptor.mediaType, bytes: await layout.readBlob(descriptor.digest) }
}

/**
 * Tags `image` as `tag` with one manifest PUT (its blobs are in the repository already). A fresh
 * connection per PUT, closed after: the harness leaves no keep-alive sockets in the counts.
 */
export function putManifest(registryUrl: string, image: ChurnImage, tag: string, timeoutMs = 10_000): Promise<void> {
  const url = new URL(`/v2/${churnRepository}/manifests/${tag}`, registryUrl)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'PUT',
        path: url.pathname,
        agent: false,
        headers: { 'content-type': image.mediaType, 'content-length': String(image.bytes.length), connection: 'close' },
        timeout: timeoutMs,
      },
      (answer) => {
        answer.resume()
        answer.on('end', () =>
          answer.statusCode === 201 ? resolve() : reject(new Error(`PUT ${churnRepository}:${tag} answered ${answer.statusCode}`)),
        )
        answer.on('error', reject)
      },
    )
    outgoing.on('timeout', () => outgoing.destroy(new Error(`PUT ${churnRepository}:${tag} took over ${timeoutMs} ms`)))
    outgoing.on('error', reject)
    outgoing.end(image.bytes)
  })
}

/** The digest `tag` has on the registry now, or null when it does not exist (a HEAD, fresh connection). */
export function headTag(registryUrl: string, tag: string, timeoutMs = 10_000): Promise<string | null> {
  const url = new URL(`/v2/${churnRepository}/manifests/${tag}`, registryUrl)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'HEAD',
        path: url.pathname,
        agent: false,
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json', connection: 'close' },
        timeout: timeoutMs,
      },
      (answer) => {
        answer.resume()
        const digest = answer.headers['docker-content-digest']
        answer.on('end', () => resolve(answer.statusCode === 200 && typeof digest === 'string' ? digest : null))
        answer.on('error', reject)
      },
    )
    outgoing.on('timeout', () => outgoing.destroy(new Error(`HEAD ${churnRepository}:${tag} took over ${timeoutMs} ms`)))
    outgoing.on('error', reject)
    outgoing.end()
  })
}

export const churnLayoutDirectory = (labDirectory: string): string => join(labDirectory, 'soak-churn-layout')

/** Every tag of the churn repository as the registry lists it (one unpaged GET, fresh connection). */
export function listChurnTags(registryUrl: string, timeoutMs = 10_000): Promise<string[]> {
  const url = new URL(`/v2/${churnRepository}/tags/list`, registryUrl)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: 'GET', path: url.pathname, agent: false, headers: { connection: 'close' } },
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          if (answer.statusCode !== 200) return reject(new Error(`GET ${churnRepository} tags answered ${answer.statusCode}`))
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tags?: string[] | null }
          resolve(body.tags ?? [])
        })
        answer.on('error', reject)
      },
    )
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`GET ${churnRepository} tags took over ${timeoutMs} ms`)))
    outgoing.on('error', reject)
    outgoing.end()
  })
}

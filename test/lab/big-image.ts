// The copy bench's image (issue 20, "Tests and bench"): an OCI index over three platforms of 6–8
// layers each, about 300 MB of blobs in all, the same bytes on every machine. File contents are an
// AES-256-CTR keystream keyed by a seed and the file's path: incompressible, as the compressed
// layers of a real image are, so gzip does not shrink the image away. Tar and gzip as the lab's other
// fixtures (tar.ts, oci-layout.ts); one assets layer is shared by the three platforms, as
// architecture-independent layers are in real multi-platform images.
//
// Built once (~20 s: ~12 s of gzip, then one skopeo push) and cached in
// `.lab-tmp/big-image/<hash of the generator sources>/`: the OCI layout, and a distribution storage
// holding it as public/big-image:1.0 (anonymous pull on the lab's token registries), whose blob
// files are hard links to the layout's, so the cache costs the image's size once. A bench links
// that storage into a running lab registry with linkBigImage().
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { z } from 'zod'
import { LayoutBuilder, MediaType, openLayout, type Descriptor, type Platform } from './oci-layout'
import { run } from './processes'
import { startRegistryProcess } from './registry-process'
import { repositoryStoragePath, REPO_ROOT } from './seed'
import { createTar, sha256Digest, type TarEntry } from './tar'

/** Bump when the generated content changes in a way the source hash would not see. */
const BIG_IMAGE_VERSION = 1
const CACHE_ROOT = join(REPO_ROOT, '.lab-tmp', 'big-image')
const SOURCES = ['big-image.ts', 'tar.ts', 'oci-layout.ts']
const SEED = 'berth-lab big-image v1'

/** Anonymous pull: the lab issuer grants `pull` on public/* to anyone. */
export const BIG_IMAGE_REPOSITORY = 'public/big-image'
export const BIG_IMAGE_TAG = '1.0'

const MB = 1_000_000

interface LayerPlan {
  /** Unique within the image; names the files and seeds their bytes. */
  name: string
  /** Bytes of random file content (the blob is that plus tar headers and gzip framing). */
  bytes: number
  createdBy: string
}

/** Architecture-independent, in every platform's image: a copy sends it once. */
const ASSETS: LayerPlan = { name: 'assets', bytes: 14 * MB, createdBy: 'COPY static /srv/static' }

function platformLayers(
  arch: string,
  sizes: { base: number; runtime: number; deps: number; app: number },
  extra: LayerPlan[],
): LayerPlan[] {
  return [
    { name: `${arch}-base`, bytes: sizes.base, createdBy: 'ADD rootfs.tar.gz /' },
    { name: `${arch}-runtime`, bytes: sizes.runtime, createdBy: 'RUN install-runtime' },
    { name: `${arch}-deps`, bytes: sizes.deps, createdBy: 'RUN install-dependencies' },
    ASSETS,
    { name: `${arch}-app`, bytes: sizes.app, createdBy: 'COPY app /app' },
    ...extra,
    { name: `${arch}-config`, bytes: 0.3 * MB, createdBy: 'COPY config /etc/app' },
  ]
}

/** 7, 8 and 6 layers; ~300 MB of distinct blobs (the assets layer counted once). */
const PLATFORMS: Array<{ platform: Platform; layers: LayerPlan[] }> = [
  {
    platform: { os: 'linux', architecture: 'amd64' },
    layers: platformLayers('amd64', { base: 64 * MB, runtime: 24 * MB, deps: 11 * MB, app: 4.5 * MB }, [
      { name: 'amd64-tools', bytes: 1.8 * MB, createdBy: 'RUN install-tools' },
    ]),
  },
  {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    layers: platformLayers('arm64', { base: 60 * MB, runtime: 22 * MB, deps: 10 * MB, app: 4.4 * MB }, [
      { name: 'arm64-tools', bytes: 1.7 * MB, createdBy: 'RUN install-tools' },
      { name: 'arm64-locale', bytes: 0.6 * MB, createdBy: 'RUN install-locales' },
    ]),
  },
  {
    platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    layers: platformLayers('arm', { base: 50 * MB, runtime: 18 * MB, deps: 9 * MB, app: 4.2 * MB }, []),
  },
]

/** Files of a layer hold at most this many bytes each: a layer is many files, not one. */
const FILE_BYTES = 8 * 1024 * 1024

/** `length` bytes of the keystream of (seed, name): the same bytes on every run and machine. */
function seededBytes(name: string, length: number): Buffer {
  const key = createHash('sha256').update(`${SEED}\n${name}`).digest()
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length))
}

function layerEntries(plan: LayerPlan): TarEntry[] {
  const entries: TarEntry[] = [
    // A little text too, as real layers have: gzip shrinks this part.
    { path: `usr/share/doc/${plan.name}/README`, content: `${plan.name}: generated for Berth's copy bench\n`.repeat(64) },
  ]
  const whole = Math.round(plan.bytes)
  for (let offset = 0, part = 0; offset < whole; offset += FILE_BYTES, part++) {
    const path = `usr/lib/${plan.name}/part-${String(part).padStart(3, '0')}.bin`
    entries.push({ path, content: seededBytes(path, Math.min(FILE_BYTES, whole - offset)), mode: 0o644 })
  }
  return entries
}

interface WrittenLayer {
  descriptor: Descriptor
  diffId: string
}

/**
 * One layer, built in memory (its tar and gzip: ~3× its size, once) and written to the layout. Level
 * 1: deflate keeps random bytes in stored blocks whatever the level, and level 1 is the fastest
 * that still compresses the text.
 */
async function writeLayer(layoutDir: string, plan: LayerPlan): Promise<WrittenLayer> {
  const tar = createTar(layerEntries(plan))
  const blob = gzipSync(tar, { level: 1 })
  const digest = sha256Digest(blob)
  await writeFile(join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length)), blob)
  return { descriptor: { mediaType: MediaType.ociLayer, digest, size: blob.length }, diffId: sha256Digest(tar) }
}

const CREATED = '2025-09-01T10:00:00Z'

async function buildLayout(layoutDir: string): Promise<void> {
  await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true })
  const builder = new LayoutBuilder()
  const written = new Map<string, WrittenLayer>()
  const children: Descriptor[] = []
  for (const { platform, layers } of PLATFORMS) {
    const layerOut: WrittenLayer[] = []
    for (const plan of layers) {
      const layer = written.get(plan.name) ?? (await writeLayer(layoutDir, plan))
      written.set(plan.name, layer)
      layerOut.push(layer)
    }
    const config = builder.addJson(
      {
        created: CREATED,
        architecture: platform.architecture,
        ...(platform.variant === undefined ? {} : { variant: platform.variant }),
        os: platform.os,
        config: {
          Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
          Entrypoint: ['/app/server'],
          Labels: { 'org.opencontainers.image.title': BIG_IMAGE_REPOSITORY, 'org.opencontainers.image.version': BIG_IMAGE_TAG },
          WorkingDir: '/app',
        },
        rootfs: { type: 'layers', diff_ids: layerOut.map((layer) => layer.diffId) },
        history: layers.map((plan) => ({ created: CREATED, created_by: plan.createdBy })),
      },
      MediaType.ociConfig,
    )
    const manifest = builder.addJson(
      { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: layerOut.map((layer) => layer.descriptor) },
      MediaType.ociManifest,
    )
    children.push({ ...manifest, platform })
  }
  const index = builder.addJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: children }, MediaType.ociIndex)
  builder.tag(BIG_IMAGE_TAG, index)
  await builder.write(layoutDir)
}

const platformFactsSchema = z.object({ platform: z.string(), digest: z.string(), layers: z.number(), bytes: z.number() })

const bigImageFactsSchema = z.object({
  repository: z.string(),
  tag: z.string(),
  /** The index's digest: what a copy must arrive at. */
  digest: z.string(),
  platforms: z.array(platformFactsSchema),
  /** Distinct layers and configs, and their bytes: what a cold copy moves. */
  blobs: z.number(),
  blobBytes: z.number(),
  /** Manifests (the index and one per platform). */
  manifests: z.number(),
})

export type BigImageFacts = z.infer<typeof bigImageFactsSchema>

export interface BigImage extends BigImageFacts {
  layoutDir: string
  /** distribution storage holding the image; link it (linkBigImage), never serve it. */
  storageDir: string
}

const manifestSchema = z.object({
  config: z.object({ digest: z.string(), size: z.number() }).optional(),
  layers: z.array(z.object({ digest: z.string(), size: z.number() })).optional(),
  manifests: z
    .array(z.object({ digest: z.string(), platform: z.object({ architecture: z.string(), variant: z.string().optional() }).optional() }))
    .optional(),
})

/** The facts, read back from the layout's files. */
async function factsOf(layoutDir: string): Promise<BigImageFacts> {
  const layout = await openLayout(layoutDir)
  const root = layout.tags.get(BIG_IMAGE_TAG)
  if (root === undefined) throw new Error(`${layoutDir} has no tag ${BIG_IMAGE_TAG}`)
  const index = manifestSchema.parse(JSON.parse((await layout.readBlob(root.digest)).toString('utf8')))
  const blobs = new Map<string, number>()
  const platforms: BigImageFacts['platforms'] = []
  for (const child of index.manifests ?? []) {
    const image = manifestSchema.parse(JSON.parse((await layout.readBlob(child.digest)).toString('utf8')))
    const own = [...(image.config ? [image.config] : []), ...(image.layers ?? [])]
    for (const blob of own) blobs.set(blob.digest, blob.size)
    const arch =
      child.platform === undefined
        ? 'unknown'
        : `${child.platform.architecture}${child.platform.variant ? `/${child.platform.variant}` : ''}`
    platforms.push({
      platform: `linux/${arch}`,
      digest: child.digest,
      layers: image.layers?.length ?? 0,
      bytes: own.reduce((sum, blob) => sum + blob.size, 0),
    })
  }
  return {
    repository: BIG_IMAGE_REPOSITORY,
    tag: BIG_IMAGE_TAG,
    digest: root.digest,
    platforms,
    blobs: blobs.size,
    blobBytes: [...blobs.values()].reduce((sum, size) => sum + size, 0),
    manifests: 1 + platforms.length,
  }
}

const blobDataPath = (storageDir: string, hex: string): string =>
  join(storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data')

/** Pushes the layout into a throw-away plain-HTTP registry whose storage becomes the cached one. */
async function seedStorage(layoutDir: string, storageDir: string, workDir: string): Promise<void> {
  const registry = await startRegistryProcess({
    name: 'big-image-seed',
    dir: join(workDir, 'seed-registry'),
    storageDir,
    deleteEnabled: true,
  })
  try {
    await run('skopeo', [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--all',
      // The layout's exact manifest bytes: the facts' digests are computed from them.
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layoutDir}:${BIG_IMAGE_TAG}`,
      `docker://${registry.host}/${BIG_IMAGE_REPOSITORY}:${BIG_IMAGE_TAG}`,
    ])
  } finally {
    await registry.stop()
  }
  await rm(join(workDir, 'seed-registry'), { recursive: true, force: true })
  // The registry wrote its own copy of every blob: the layout's file has the same bytes (its name is
  // their digest), so one file serves both and the cache holds the image once.
  for (const hex of await readdir(join(layoutDir, 'blobs', 'sha256'))) {
    const data = blobDataPath(storageDir, hex)
    if (!existsSync(data)) continue
    await rm(data)
    await link(join(layoutDir, 'blobs', 'sha256', hex), data)
  }
}

async function cacheKey(): Promise<string> {
  const hash = createHash('sha256').update(`big-image-v${BIG_IMAGE_VERSION}\n`)
  for (const file of SOURCES) hash.update(file).update(await readFile(join(import.meta.dirname, file)))
  return hash.digest('hex').slice(0, 16)
}

/** Removes entries of older generator versions (~300 MB each); never in-progress `.tmp-` builds. */
async function pruneStale(currentKey: string): Promise<void> {
  for (const name of await readdir(CACHE_ROOT)) {
    if (name !== currentKey && /^[0-9a-f]{16}$/.test(name)) await rm(join(CACHE_ROOT, name), { recursive: true, force: true })
  }
}

/**
 * The image, generated and seeded on first use and cached. The entry is built under a temporary
 * name and renamed, so a concurrent first run never sees half of it.
 */
export async function ensureBigImage(log: (line: string) => void = () => undefined): Promise<BigImage> {
  const key = await cacheKey()
  const entry = join(CACHE_ROOT, key)
  if (!existsSync(join(entry, 'complete'))) {
    const work = join(CACHE_ROOT, `${key}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
    await mkdir(work, { recursive: true })
    try {
      const started = performance.now()
      log(`  generating the copy bench's image (${PLATFORMS.length} platforms, ~300 MB) into ${CACHE_ROOT}…`)
      await buildLayout(join(work, 'layout'))
      const facts = await factsOf(join(work, 'layout'))
      log(`  generated in ${Math.round(performance.now() - started)} ms; pushing it into a seed registry with skopeo…`)
      await seedStorage(join(work, 'layout'), join(work, 'storage'), work)
      await writeFile(join(work, 'image.json'), JSON.stringify(facts))
      await writeFile(join(work, 'complete'), new Date().toISOString())
      log(`  cached in ${Math.round((performance.now() - started) / 1000)} s`)
      await rename(work, entry).catch((error: unknown) => {
        if (!existsSync(join(entry, 'complete'))) throw error
      })
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  }
  await pruneStale(key)
  const facts = bigImageFactsSchema.parse(JSON.parse(await readFile(join(entry, 'image.json'), 'utf8')))
  return { ...facts, layoutDir: join(entry, 'layout'), storageDir: join(entry, 'storage') }
}

async function entries(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : []
}

/**
 * Adds the image to a lab registry's storage: its blobs as hard links (distribution never rewrites
 * a blob's data, and the lab never garbage-collects), its repository as a real copy (tag links are
 * rewritten in place, and a bench writes tags into it). distribution reads the filesystem on every
 * request, so a running registry serves it at once.
 */
export async function linkBigImage(image: BigImage, storageDir: string): Promise<void> {
  const from = repositoryStoragePath(image.storageDir, image.repository)
  const to = repositoryStoragePath(storageDir, image.repository)
  if (existsSync(to)) return
  const hexes = new Set([
    ...(await entries(join(from, '_layers', 'sha256'))),
    ...(await entries(join(from, '_manifests', 'revisions', 'sha256'))),
  ])
  for (const hex of hexes) {
    const target = blobDataPath(storageDir, hex)
    if (existsSync(target)) continue
    await mkdir(dirname(target), { recursive: true })
    await link(blobDataPath(image.storageDir, hex), target)
  }
  await mkdir(dirname(to), { recursive: true })
  await run('cp', ['-a', from, to])
}

import { join } from 'node:path'
import { addAttestation, addHelmChart, addImage, addIndex, type ImageSpec, type ManifestFormat } from './images'
import { artifactsRepository } from './fixtures-artifacts'
import { attestedRepository } from './fixtures-attested'
import { LayoutBuilder, type Platform } from './oci-layout'
import { createLayer, type Layer } from './tar'
import { signedRepository } from './fixtures-signed'

/** Bump when the generated content changes in a way the cache key (source hash) would not see. */
export const GENERATOR_VERSION = 1

export interface FixtureRepository {
  repository: string
  layoutDir: string
  /** Tags pushed with `skopeo copy` (`all` = copy every instance of an index). */
  skopeoTags: Array<{ tag: string; all: boolean }>
  /** Tags pushed with plain HTTP (config blob + manifest PUT), after the skopeo tags. */
  httpTags: string[]
}

export const PERF_TAG_COUNT = 1000

const AMD64: Platform = { os: 'linux', architecture: 'amd64' }
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' }
const DAY_MS = 86_400_000
const YEAR_START = Date.parse('2025-01-10T08:00:00Z')

function baseLayer(platform: Platform): Layer {
  const arch = platform.architecture + (platform.variant === undefined ? '' : `/${platform.variant}`)
  return createLayer([
    { path: 'etc/os-release', content: `NAME="Berth Lab Linux"\nID=berthlab\nVERSION_ID=1\nARCH=${arch}\n` },
    { path: 'bin/sh', content: `#!berth-lab fake shell for ${arch}\n`, mode: 0o755 },
    { path: 'usr/share/berth-lab/padding.txt', content: `padding for ${arch}\n`.repeat(200) },
  ])
}

function appLayer(name: string, version: string, extra = ''): Layer {
  return createLayer([
    { path: 'app/VERSION', content: `${name} ${version}\n` },
    { path: 'app/server.js', content: `console.log(${JSON.stringify(`${name} ${version}${extra}`)})\n` },
  ])
}

function imageSpec(name: string, version: string, created: string | null, format: ManifestFormat, platform = AMD64): ImageSpec {
  return {
    platform,
    created,
    env: ['PATH=/usr/local/bin:/usr/bin:/bin', `APP_VERSION=${version}`],
    labels: { 'org.opencontainers.image.title': name, 'org.opencontainers.image.version': version },
    entrypoint: ['/bin/sh', '-c'],
    cmd: ['node /app/server.js'],
    layers: [
      { layer: baseLayer(platform), createdBy: 'ADD rootfs.tar /' },
      { layer: appLayer(name, version, platform.architecture), createdBy: 'COPY app /app' },
    ],
    format,
  }
}

function at(days: number, hour = 8): string {
  return new Date(YEAR_START + days * DAY_MS + (hour - 8) * 3_600_000).toISOString()
}

/** acme/web: 26 images behind 30 tags; old ones Docker schema2, one reproducible (epoch 0). */
const WEB_IMAGES: Array<{ tags: string[]; day: number | 'epoch'; format: ManifestFormat }> = [
  { tags: ['0.1.0'], day: 0, format: 'docker' },
  { tags: ['0.9.0'], day: 20, format: 'docker' },
  { tags: ['1.0.0'], day: 40, format: 'docker' },
  { tags: ['1.0.1', '1.0'], day: 55, format: 'docker' },
  { tags: ['1.1.0'], day: 70, format: 'oci' },
  { tags: ['1.2.0'], day: 90, format: 'oci' },
  { tags: ['1.2.9'], day: 110, format: 'oci' },
  { tags: ['1.2.10'], day: 120, format: 'oci' },
  { tags: ['1.10.0'], day: 150, format: 'oci' },
  { tags: ['2025.06'], day: 160, format: 'oci' },
  { tags: ['v2.0.0-rc.1'], day: 170, format: 'oci' },
  { tags: ['v2.0.0-rc.2'], day: 180, format: 'oci' },
  { tags: ['2.0.0'], day: 190, format: 'oci' },
  { tags: ['2.0.1'], day: 200, format: 'oci' },
  { tags: ['2.1.0'], day: 220, format: 'oci' },
  { tags: ['2.2.0'], day: 240, format: 'oci' },
  { tags: ['2.2.1'], day: 250, format: 'oci' },
  { tags: ['2.3.0', '2.3', 'latest', 'stable'], day: 300, format: 'oci' },
  { tags: ['2.3.0-alpine'], day: 301, format: 'docker' },
  { tags: ['3.0.0-beta.1'], day: 330, format: 'oci' },
  { tags: ['sha-3f2a9c1'], day: 340, format: 'oci' },
  { tags: ['dev'], day: 345, format: 'oci' },
  { tags: ['main'], day: 350, format: 'oci' },
  { tags: ['edge'], day: 360, format: 'oci' },
  { tags: ['nightly'], day: 364, format: 'oci' },
  { tags: ['reproducible'], day: 'epoch', format: 'oci' },
]

function singleImages(
  root: string,
  repository: string,
  images: Array<{ tags: string[]; created: string | null; format: ManifestFormat }>,
): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  const skopeoTags: FixtureRepository['skopeoTags'] = []
  for (const image of images) {
    const first = image.tags[0] ?? 'untagged'
    const descriptor = addImage(builder, imageSpec(repository, first, image.created, image.format))
    for (const tag of image.tags) {
      builder.tag(tag, descriptor)
      skopeoTags.push({ tag, all: false })
    }
  }
  return { builder, repo: { repository, layoutDir: join(root, repository.replaceAll('/', '__')), skopeoTags, httpTags: [] } }
}

function webRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  return singleImages(
    root,
    'acme/web',
    WEB_IMAGES.map((image) => ({
      tags: image.tags,
      created: image.day === 'epoch' ? '1970-01-01T00:00:00Z' : at(image.day, 8 + (image.day % 10)),
      format: image.format,
    })),
  )
}

function multiarchRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  // Both platforms carry the same (architecture-independent) assets layer: an index's size must
  // count it once.
  const assets = createLayer([{ path: 'app/static/index.html', content: '<h1>acme multiarch</h1>\n'.repeat(300) }])
  const platformSpec = (platform: Platform, created: string): ImageSpec => {
    const spec = imageSpec('acme/multiarch', '1.0', created, 'oci', platform)
    spec.layers = [...spec.layers, { layer: assets, createdBy: 'COPY static /app/static' }]
    return spec
  }
  const amd64 = addImage(builder, platformSpec(AMD64, at(230, 9)))
  const arm64 = addImage(builder, platformSpec(ARM64, at(230, 10)))
  const attestation = addAttestation(builder, amd64, at(230, 9))
  const index = addIndex(builder, [amd64, arm64, attestation], 'oci')
  builder.tag('1.0', index)
  builder.tag('latest', index)
  const repo: FixtureRepository = {
    repository: 'acme/multiarch',
    layoutDir: join(root, 'acme__multiarch'),
    skopeoTags: [
      { tag: '1.0', all: true },
      { tag: 'latest', all: true },
    ],
    httpTags: [],
  }
  return { builder, repo }
}

function legacyListRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  const amd64 = addImage(builder, imageSpec('acme/legacy-list', '1.0', at(100, 11), 'docker', AMD64))
  const arm64 = addImage(builder, imageSpec('acme/legacy-list', '1.0', at(100, 12), 'docker', ARM64))
  builder.tag('1.0', addIndex(builder, [amd64, arm64], 'docker'))
  return {
    builder,
    repo: {
      repository: 'acme/legacy-list',
      layoutDir: join(root, 'acme__legacy-list'),
      skopeoTags: [{ tag: '1.0', all: true }],
      httpTags: [],
    },
  }
}

function chartRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  builder.tag('0.1.0', addHelmChart(builder, 'demo', '0.1.0'))
  return {
    builder,
    repo: { repository: 'charts/demo', layoutDir: join(root, 'charts__demo'), skopeoTags: [{ tag: '0.1.0', all: false }], httpTags: [] },
  }
}

function perfRepository(root: string): { builder: LayoutBuilder; repo: FixtureRepository } {
  const builder = new LayoutBuilder()
  const base = baseLayer(AMD64)
  const app = appLayer('perf/many', 'shared')
  const tags: string[] = []
  for (let i = 0; i < PERF_TAG_COUNT; i++) {
    const tag = `tag-${String(i).padStart(4, '0')}`
    const spec = imageSpec('perf/many', tag, new Date(YEAR_START + i * 60_000).toISOString(), 'oci')
    // Layers are shared by all 1,000 images; only the config (a label) differs, so digests differ.
    spec.layers = [
      { layer: base, createdBy: 'ADD rootfs.tar /' },
      { layer: app, createdBy: 'COPY app /app' },
    ]
    spec.labels = { ...spec.labels, 'berth.lab.index': String(i) }
    builder.tag(tag, addImage(builder, spec))
    tags.push(tag)
  }
  const [first, ...rest] = tags
  return {
    builder,
    repo: {
      repository: 'perf/many',
      layoutDir: join(root, 'perf__many'),
      skopeoTags: first === undefined ? [] : [{ tag: first, all: false }],
      httpTags: rest,
    },
  }
}

/** Builds every fixture repository as an OCI image layout under `root`. */
export async function generateFixtures(root: string): Promise<FixtureRepository[]> {
  const built = [
    webRepository(root),
    multiarchRepository(root),
    legacyListRepository(root),
    chartRepository(root),
    singleImages(root, 'group/subgroup/project/image', [
      { tags: ['1.0'], created: at(60), format: 'oci' },
      { tags: ['1.1', 'latest'], created: at(75), format: 'oci' },
    ]),
    singleImages(root, 'public/hello', [
      { tags: ['1.0'], created: at(10), format: 'oci' },
      { tags: ['latest'], created: at(200), format: 'oci' },
    ]),
    perfRepository(root),
    attestedRepository(root),
    artifactsRepository(root),
    await signedRepository(root),
  ]
  for (const { builder, repo } of built) await builder.write(repo.layoutDir)
  return built.map(({ repo }) => repo)
}

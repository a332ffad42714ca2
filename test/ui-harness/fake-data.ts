// Deterministic, realistic registry content for the UI harness: nested GitLab-style groups, a
// repository with 3,000 tags (semver, variants, branches, shas), multi-arch indexes with buildx
// attestations, a Helm chart artifact, tags sharing digests and one tag whose manifest is broken.
import type { ImageConfigInfo, Layer, Platform, Referrer, TagDetails } from '../../shared/types'

/** mulberry32: a tiny seeded PRNG so every screenshot shows the same data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function fakeDigest(seed: string): string {
  // FNV-1a stretched to 64 hex digits: stable, distinct, obviously not a real hash.
  let out = ''
  let h = 0x811c9dc5
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${seed}#${round}`) {
      h ^= ch.charCodeAt(0)
      h = Math.imul(h, 0x01000193) >>> 0
    }
    out += h.toString(16).padStart(8, '0')
  }
  return `sha256:${out.slice(0, 64)}`
}

export const catalogRepositories: string[] = [
  'platform/api/server',
  'platform/api/migrations',
  'platform/api/worker',
  'platform/gateway',
  'platform/gateway/envoy-config',
  'platform/auth/keycloak',
  'platform/auth/oauth2-proxy',
  'platform/observability/grafana',
  'platform/observability/loki',
  'platform/observability/prometheus',
  'platform/observability/otel-collector',
  'data/etl/airflow',
  'data/etl/spark-jobs',
  'data/warehouse/dbt',
  'data/warehouse/metabase',
  'data/ml/training',
  'data/ml/serving',
  'data/ml/notebooks',
  'web/storefront',
  'web/storefront/assets',
  'web/admin',
  'web/docs',
  'web/design-system/storybook',
  'mobile/backend',
  'mobile/push-relay',
  'infra/base-images/alpine',
  'infra/base-images/debian',
  'infra/base-images/distroless',
  'infra/base-images/node',
  'infra/base-images/python',
  'infra/base-images/golang',
  'infra/ci/runner',
  'infra/ci/buildkit',
  'infra/ci/kaniko',
  'infra/charts/platform',
  'infra/charts/monitoring',
  'infra/terraform/atlantis',
  'security/scanner',
  'security/vault',
  'sandbox/hello-world',
  'ci/builds',
]

export const bigRepository = 'platform/api/server'

/** 10,000 CI build tags over 1,000 images (retags share a digest), like the bench lab's perf/wide. */
export const wideRepository = 'ci/builds'
export const wideImageCount = 1000

/** Tag i of the wide repository: main builds, pull-request builds and releases; all distinct. */
export function wideRepositoryTags(): string[] {
  return Array.from({ length: 10_000 }, (_, i) => {
    const kind = i % 10
    if (kind === 9) return `3.${Math.floor(i / 100)}.${i % 100}`
    if (kind >= 6) return `pr-${2000 + ((i * 37) % 900)}-b${i}`
    return `main-b${i}`
  })
}

/** Which of the 1,000 images a wide-repository tag points at, from the build number in its name. */
export function wideImageIndex(tag: string): number {
  const build = /b(\d+)$/.exec(tag)?.[1]
  if (build !== undefined) return Number(build) % wideImageCount
  const release = /^3\.(\d+)\.(\d+)$/.exec(tag)
  return release ? (Number(release[1]) * 100 + Number(release[2])) % wideImageCount : 0
}

const variants = ['', '-alpine', '-slim']

/** 3,000 tags: versions with variants, release candidates, branch and sha tags. */
export function bigRepositoryTags(): string[] {
  const tags: string[] = ['latest', 'main', 'develop', 'stable', 'broken-manifest', 'chart-4.2.0', 'nightly']
  for (let major = 1; major <= 6; major++) {
    for (let minor = 0; minor <= 14; minor++) {
      for (let patch = 0; patch <= 5; patch++) {
        for (const v of variants) tags.push(`${major}.${minor}.${patch}${v}`)
        if (patch === 0) tags.push(`${major}.${minor}.0-rc.1`, `${major}.${minor}`)
      }
    }
  }
  const rand = seeded(7)
  while (tags.length < 3000)
    tags.push(
      `sha-${Math.floor(rand() * 0xfffffff)
        .toString(16)
        .padStart(7, '0')}`,
    )
  return [...new Set(tags)]
}

export function smallRepositoryTags(repo: string): string[] {
  const rand = seeded(repo.length * 97)
  const count = 3 + Math.floor(rand() * 14)
  const tags = ['latest']
  for (let i = 0; i < count; i++) tags.push(`${1 + Math.floor(i / 5)}.${i % 5}.${Math.floor(rand() * 4)}`)
  return [...new Set(tags)]
}

export const now = Date.parse('2026-11-23T12:00:00Z')
const day = 86_400_000

const platformSets: Pick<Platform, 'os' | 'architecture' | 'variant'>[][] = [
  [{ os: 'linux', architecture: 'amd64' }],
  [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
  [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
    { os: 'linux', architecture: 's390x' },
    { os: 'linux', architecture: 'ppc64le' },
  ],
]

export interface FakeImage {
  details: TagDetails
  layers: Layer[]
  config: ImageConfigInfo | null
  referrers: Referrer[]
  annotations: Record<string, string>
}

/** The digest a tag points at: aliases share their target's digest, like `latest` and `1.4`. */
export function digestKey(tag: string): string {
  if (tag === 'latest' || tag === 'stable') return '6.0.0'
  const short = /^(\d+)\.(\d+)$/.exec(tag)
  if (short) return `${short[1]}.${short[2]}.0`
  return tag
}

export function makeImage(repo: string, tag: string, key: string, index: number): FakeImage {
  const rand = seeded(key.split('').reduce((s, c) => s * 31 + c.charCodeAt(0), 7))
  const digest = fakeDigest(`${repo}@${key}`)
  const created = new Date(now - Math.floor(rand() * 900 * day) - index * 3_600_000).toISOString()
  if (key.startsWith('chart-')) {
    return {
      details: {
        tag,
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        kind: 'artifact',
        configDigest: fakeDigest(`${key}-config`),
        size: 48_213,
        sizeNote: 'config + 1 layer (compressed)',
        created: null,
        createdSource: 'unknown',
        pushed: new Date(now - 12 * day).toISOString(),
        platforms: [],
        attestations: 0,
        artifactType: 'application/vnd.cncf.helm.config.v1+json',
        artifact: { kind: 'helm-chart', name: 'platform', version: '4.2.0', appVersion: '4.2.0' },
      },
      layers: [{ digest: fakeDigest(`${key}-chart`), size: 47_800, mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' }],
      config: null,
      referrers: [],
      annotations: { 'org.opencontainers.image.title': 'platform', 'org.opencontainers.image.version': '4.2.0' },
    }
  }
  const set = platformSets[key.includes('alpine') ? 0 : Math.floor(rand() * platformSets.length)] ?? []
  const isIndex = set.length > 1 || key === '6.0.0'
  const layerCount = 3 + Math.floor(rand() * 9)
  const layers: Layer[] = Array.from({ length: layerCount }, (_, i) => ({
    digest: fakeDigest(`${key}-layer-${i}`),
    size: Math.floor(rand() * (i === 0 ? 30_000_000 : 12_000_000)) + 900,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  }))
  const perPlatform = layers.reduce((s, l) => s + l.size, 0) + 1_450
  const platforms: Platform[] = (isIndex && set.length === 1 ? (platformSets[1] ?? []) : set).map((p, i) => ({
    ...p,
    digest: fakeDigest(`${key}-${p.architecture}`),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: Math.round(perPlatform * (1 - i * 0.04)),
  }))
  const attestations = isIndex && (key === '6.0.0' || rand() > 0.3) ? platforms.length : 0
  const reproducible = key.startsWith('sha-') && rand() > 0.7
  const details: TagDetails = {
    tag,
    digest,
    mediaType: isIndex ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
    kind: isIndex ? 'index' : 'image',
    configDigest: isIndex ? null : fakeDigest(`${key}-config`),
    size: isIndex ? platforms.reduce((s, p) => s + (p.size ?? 0), 0) - layers[0]!.size * (platforms.length - 1) : perPlatform,
    sizeNote: isIndex
      ? `${platforms.length} platforms: config + compressed layers, shared layers counted once` +
        `${attestations ? ', attestations excluded' : ''}`
      : 'config + compressed layers',
    created: reproducible ? null : created,
    createdSource: reproducible ? 'unknown' : rand() > 0.9 ? 'annotation' : 'config',
    platforms: isIndex ? platforms : platforms.slice(0, 1),
    attestations,
    artifactType: null,
  }
  const config: ImageConfigInfo = {
    os: 'linux',
    architecture: 'amd64',
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `APP_VERSION=${key}`, 'NODE_ENV=production', 'TZ=UTC'],
    entrypoint: ['/usr/bin/tini', '--'],
    cmd: ['node', 'dist/server.js', '--port', '8080'],
    workingDir: '/srv/app',
    user: '10001:10001',
    exposedPorts: ['8080/tcp', '9090/tcp'],
    labels: {
      'org.opencontainers.image.source': `https://git.acme.internal/${repo}`,
      'org.opencontainers.image.revision': fakeDigest(key).slice(7, 47),
      'org.opencontainers.image.title': repo.split('/').pop() ?? repo,
      'com.acme.team': 'platform-core',
      'com.acme.description': 'API server for the storefront and admin. ' + 'Handles checkout, catalog and inventory. '.repeat(3),
      'com.acme.owner.ar': 'فريق المنصة',
    },
    history: layers
      .map((l, i) => ({
        created,
        createdBy:
          i === 0
            ? '/bin/sh -c #(nop) ADD file:4c9b1f in / '
            : i === layers.length - 1
              ? 'COPY dist/ /srv/app/dist/ # buildkit'
              : `RUN /bin/sh -c apk add --no-cache pkg-${i} && rm -rf /var/cache/apk/* # buildkit`,
        emptyLayer: false,
      }))
      .concat([{ created, createdBy: 'ENTRYPOINT ["/usr/bin/tini" "--"]', emptyLayer: true }]),
  }
  const referrers: Referrer[] =
    attestations > 0 || rand() > 0.6
      ? [
          {
            digest: fakeDigest(`${key}-sig`),
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
            size: 556,
            annotations: {},
            kind: 'signature',
            source: 'tag-schema',
          },
          {
            digest: fakeDigest(`${key}-sbom`),
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            artifactType: 'application/spdx+json',
            size: 1_204,
            annotations: {},
            kind: 'sbom',
            source: 'api',
          },
        ]
      : []
  return { details, layers, config, referrers, annotations: isIndex ? { 'org.opencontainers.image.created': created } : {} }
}

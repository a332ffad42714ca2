// What the copy tests add to the lab: a second HTTPS registry with htpasswd users and a CA of its
// own (the lab's TLS registry trusts another), and content the fixtures lack — a cosign signature
// (`sha256-<hex>.sig`), an OCI 1.1 SBOM referrer with its `sha256-<hex>` tag-schema index (the lab's
// distribution 2.8 has no referrers API), and an image with a large random layer. Content is pushed
// with Berth's plain registry client; the tests' witness is skopeo.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRegistryClient } from '../../electron/http/registry-client'
import type { RegistryClient } from '../../electron/http/client-types'
import { generateCertificates } from '../lab/certs'
import { trackTempDir, untrackTempDir } from '../lab/processes'
import { startRegistryProcess, writeHtpasswd } from '../lab/registry-process'
import type { LabUser } from '../lab/lab-types'

export interface CopyDestination {
  url: string
  host: string
  caPem: string
  caPath: string
  /** The htpasswd user (null for an open registry). */
  user: LabUser | null
  stop(): Promise<void>
}

/**
 * distribution 2.8 over HTTPS with a CA made for it alone (the lab's TLS registry trusts another),
 * with one htpasswd user or, with `open`, no auth at all; stop() removes everything.
 */
export async function startTlsRegistry(options: { open?: boolean } = {}): Promise<CopyDestination> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-copy-dest-'))
  trackTempDir(dir)
  const user = { username: 'mirror', password: 'mirror-pass' }
  try {
    await mkdir(join(dir, 'certs'))
    const certs = await generateCertificates(join(dir, 'certs'))
    const htpasswd = join(dir, 'htpasswd')
    if (options.open !== true) await writeHtpasswd(htpasswd, [user])
    const registry = await startRegistryProcess({
      name: 'copy-dest',
      dir: join(dir, 'registry'),
      storageDir: join(dir, 'registry', 'storage'),
      deleteEnabled: true,
      ...(options.open === true ? {} : { auth: { htpasswd: { path: htpasswd } } }),
      tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath, caPem: certs.caPem },
    })
    return {
      url: registry.url,
      host: registry.host,
      caPem: certs.caPem,
      caPath: certs.caPath,
      user: options.open === true ? null : user,
      async stop() {
        await registry.stop()
        await rm(dir, { recursive: true, force: true })
        untrackTempDir(dir)
      },
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    untrackTempDir(dir)
    throw error
  }
}

export function writerClient(url: string, host: string, user: LabUser, caPem?: string): RegistryClient {
  return createRegistryClient({
    endpoint: { url, host, insecure: url.startsWith('http:') },
    credentials: () => Promise.resolve({ kind: 'basic', username: user.username, password: user.password }),
    ...(caPem ? { trust: { caPems: [caPem] } } : {}),
  })
}

const encoder = new TextEncoder()
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value))
const digestOf = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const ociManifest = 'application/vnd.oci.image.manifest.v1+json'
const ociIndex = 'application/vnd.oci.image.index.v1+json'

/** A cosign-style signature of `subject`, tagged `sha256-<hex>.sig` as cosign does. Returns its digest. */
export async function pushCosignSignature(client: RegistryClient, repository: string, subject: string): Promise<string> {
  const payload = json({
    critical: {
      identity: { 'docker-reference': repository },
      image: { 'docker-manifest-digest': subject },
      type: 'cosign container image signature',
    },
    optional: null,
  })
  const config = json({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [digestOf(payload)] } })
  await client.uploadBlob(repository, payload)
  await client.uploadBlob(repository, config)
  const manifest = json({
    schemaVersion: 2,
    mediaType: ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.byteLength },
    layers: [
      {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: digestOf(payload),
        size: payload.byteLength,
        annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQDlabsignature' },
      },
    ],
  })
  return (await client.putManifest(repository, `${subject.replace(':', '-')}.sig`, manifest, ociManifest)).digest
}

/**
 * An OCI 1.1 SBOM artifact referring to `subject`, and the referrers tag schema index that lists it
 * (what a client pushing to a registry without the referrers API maintains). Returns its digest.
 */
export async function pushSbomReferrer(
  client: RegistryClient,
  repository: string,
  subject: { digest: string; mediaType: string; size: number },
): Promise<string> {
  const empty = encoder.encode('{}')
  const sbom = json({ spdxVersion: 'SPDX-2.3', name: 'berth-lab', packages: [] })
  await client.uploadBlob(repository, empty)
  await client.uploadBlob(repository, sbom)
  const artifactType = 'application/spdx+json'
  const manifest = json({
    schemaVersion: 2,
    mediaType: ociManifest,
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf(empty), size: empty.byteLength },
    layers: [{ mediaType: artifactType, digest: digestOf(sbom), size: sbom.byteLength }],
    subject,
    annotations: { 'org.opencontainers.image.created': '2025-06-01T12:00:00Z' },
  })
  const digest = (await client.putManifest(repository, digestOf(manifest), manifest, ociManifest)).digest
  const index = json({
    schemaVersion: 2,
    mediaType: ociIndex,
    manifests: [{ mediaType: ociManifest, digest, size: manifest.byteLength, artifactType }],
  })
  await client.putManifest(repository, subject.digest.replace(':', '-'), index, ociIndex)
  return digest
}

/** A single-platform image whose one layer is `layerBytes` random bytes. Returns the manifest and layer digests. */
export async function pushRandomImage(
  client: RegistryClient,
  repository: string,
  tag: string,
  layerBytes: number,
): Promise<{ digest: string; layer: string; layerSize: number }> {
  const layer = new Uint8Array(randomBytes(layerBytes))
  const config = json({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } })
  await client.uploadBlob(repository, layer)
  await client.uploadBlob(repository, config)
  const manifest = json({
    schemaVersion: 2,
    mediaType: ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(layer), size: layer.byteLength }],
  })
  const { digest } = await client.putManifest(repository, tag, manifest, ociManifest)
  return { digest, layer: digestOf(layer), layerSize: layer.byteLength }
}

/** How skopeo reaches one registry: its CA (or plain http) and credentials. */
export interface SkopeoSide {
  caPem?: string
  user?: LabUser
}

function skopeoArgs(side: SkopeoSide, prefix: '' | 'src-' | 'dest-', certDirs: string[]): string[] {
  const args: string[] = []
  if (side.caPem !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'berth-skopeo-certs-'))
    certDirs.push(dir)
    writeFileSync(join(dir, 'ca.crt'), side.caPem)
    args.push(`--${prefix}cert-dir`, dir)
  } else {
    args.push(`--${prefix}tls-verify=false`)
  }
  if (side.user) args.push(`--${prefix}creds`, `${side.user.username}:${side.user.password}`)
  return args
}

function runSkopeo(args: string[], certDirs: string[]): string {
  try {
    const result = spawnSync('skopeo', args, { encoding: 'buffer', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 })
    if (result.status !== 0) throw new Error(`skopeo ${args[0] ?? ''} failed: ${result.stderr.toString('utf8')}`)
    return result.stdout.toString('latin1')
  } finally {
    for (const dir of certDirs) rmSync(dir, { recursive: true, force: true })
  }
}

/** `skopeo inspect --raw`: the manifest bytes exactly as the registry serves them (latin1, byte for byte). */
export function skopeoRawManifest(reference: string, side: SkopeoSide): string {
  const certDirs: string[] = []
  return runSkopeo(['inspect', '--raw', ...skopeoArgs(side, '', certDirs), `docker://${reference}`], certDirs)
}

/** The digest of a manifest as skopeoRawManifest returns it (its bytes, read as latin1 text). */
export function rawManifestDigest(raw: string): string {
  return digestOf(Buffer.from(raw, 'latin1'))
}

/** `skopeo copy --all docker://… oci:<dir>`: every blob must be there and hash right. */
export function skopeoCopyAllToLayout(reference: string, side: SkopeoSide, layoutDir: string): void {
  const certDirs: string[] = []
  runSkopeo(
    ['copy', '--all', '--preserve-digests', ...skopeoArgs(side, 'src-', certDirs), `docker://${reference}`, `oci:${layoutDir}:copy`],
    certDirs,
  )
}

/** `skopeo copy --all --preserve-digests` between two registries (seeding, independent of Berth). */
export function skopeoCopyAll(from: string, fromSide: SkopeoSide, to: string, toSide: SkopeoSide): void {
  const certDirs: string[] = []
  runSkopeo(
    [
      'copy',
      '--all',
      '--preserve-digests',
      ...skopeoArgs(fromSide, 'src-', certDirs),
      ...skopeoArgs(toSide, 'dest-', certDirs),
      `docker://${from}`,
      `docker://${to}`,
    ],
    certDirs,
  )
}

/** `skopeo list-tags`: the tags a repository has, as the registry lists them to skopeo. */
export function skopeoListTags(repository: string, side: SkopeoSide): string[] {
  const certDirs: string[] = []
  const listed = runSkopeo(['list-tags', ...skopeoArgs(side, '', certDirs), `docker://${repository}`], certDirs)
  return (JSON.parse(listed) as { Tags: string[] }).Tags
}

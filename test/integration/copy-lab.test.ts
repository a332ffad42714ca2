// Copying a multi-arch index with its build attestation, a cosign signature and an OCI 1.1 SBOM
// between the lab's token + TLS registry and registries of their own (htpasswd, another CA), through
// the app's Api (planCopy, startCopy, the copyProgress / copyFinished events) and through the CLI.
// skopeo is the witness: the bytes it reads at the destination equal the source's for the index and
// every child, and `skopeo copy --all` of the destination to an OCI layout succeeds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CopyPlan, CopyResult } from '../../shared/copy'
import type { ApiEvents } from '../../shared/ipc'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import type { RegistryClient } from '../../electron/http/client-types'
import { getLab, reseed } from '../lab/lab-client'
import { berthInProcess } from '../support/cli-run'
import {
  pushCosignSignature,
  pushSbomReferrer,
  skopeoCopyAllToLayout,
  skopeoRawManifest,
  startTlsRegistry,
  writerClient,
  type CopyDestination,
} from '../support/copy-lab'

const ociIndex = 'application/vnd.oci.image.index.v1+json'
const repository = 'acme/multiarch'

let workDir: string
let mirror: CopyDestination
let openMirror: CopyDestination
let engine: Engine
let source: RegistryClient
let sourceId: string
let mirrorId: string
let indexDigest: string
let signatureDigest: string
let sbomDigest: string

beforeAll(async () => {
  const lab = getLab()
  await reseed('tls', repository)
  workDir = mkdtempSync(join(tmpdir(), 'berth-copy-lab-'))
  ;[mirror, openMirror] = await Promise.all([startTlsRegistry(), startTlsRegistry({ open: true })])
  const truth = lab.truth.repositories[repository]?.['1.0']
  if (!truth) throw new Error('acme/multiarch:1.0 missing from the lab truth')
  indexDigest = truth.digest
  source = writerClient(lab.tls.url, lab.tls.host, lab.users.writer, lab.tls.caPem)
  signatureDigest = await pushCosignSignature(source, repository, indexDigest)
  sbomDigest = await pushSbomReferrer(source, repository, { digest: indexDigest, mediaType: ociIndex, size: truth.size })

  engine = createEngine({ dataDirectory: join(workDir, 'app'), secrets: createMemorySecretStore() })
  const signIn = async (url: string, caPem: string, user: { username: string; password: string }): Promise<string> => {
    const view = await engine.api.saveRegistry({ profile: { name: new URL(url).host, url } })
    await engine.api.trustCertificate({ registryId: view.id, caPem })
    await engine.api.login({ registryId: view.id, username: user.username, secret: user.password })
    return view.id
  }
  sourceId = await signIn(lab.tls.url, lab.tls.caPem, lab.users.writer)
  mirrorId = await signIn(mirror.url, mirror.caPem, mirror.user ?? { username: '', password: '' })
}, 180_000)

afterAll(async () => {
  await engine?.close()
  await source?.close()
  await Promise.all([mirror?.stop(), openMirror?.stop()])
  rmSync(workDir, { recursive: true, force: true })
  // The signature and the SBOM were pushed into a fixture repository of the shared lab: put it back as seeded.
  await reseed('tls', repository)
})

/** Runs startCopy and collects its events until copyFinished. */
async function copyThroughApi(request: Parameters<Engine['api']['startCopy']>[0]): Promise<{
  result: CopyResult
  progress: ApiEvents['copyProgress'][]
}> {
  const progress: ApiEvents['copyProgress'][] = []
  let jobId = ''
  let finish: (payload: ApiEvents['copyFinished']) => void = () => undefined
  const finished = new Promise<ApiEvents['copyFinished']>((resolve) => (finish = resolve))
  const early: ApiEvents['copyFinished'][] = []
  const unsubscribe = engine.subscribe((event, payload) => {
    if (event === 'copyProgress') progress.push(payload as ApiEvents['copyProgress'])
    if (event !== 'copyFinished') return
    const done = payload as ApiEvents['copyFinished']
    if (done.jobId === jobId) finish(done)
    else early.push(done)
  })
  try {
    jobId = (await engine.api.startCopy(request)).jobId
    const already = early.find((done) => done.jobId === jobId)
    const done = already ?? (await finished)
    if (done.error) throw new Error(`copy failed: ${done.error.message}`)
    if (!done.result) throw new Error('copyFinished without a result')
    return { result: done.result, progress: progress.filter((event) => event.jobId === jobId) }
  } finally {
    unsubscribe()
  }
}

function mirrorSide(): { caPem: string; user: { username: string; password: string } } {
  return { caPem: mirror.caPem, user: mirror.user ?? { username: '', password: '' } }
}

describe('copying across registries through the app', () => {
  let plan: CopyPlan

  it('plans every child, blob and referrer, all missing at the destination, and the tag to create', async () => {
    plan = await engine.api.planCopy({
      source: { registryId: sourceId, repository },
      destination: { registryId: mirrorId, repository: 'mirror/multiarch' },
      items: [{ reference: '1.0', tags: ['1.0'] }],
      referrers: true,
    })
    expect(plan.mode).toBe('cross-registry')
    const [item] = plan.items
    expect(item).toBeDefined()
    if (!item) return
    expect({ source: item.sourceDigest, destination: item.destinationDigest, changes: item.digestChanges }).toEqual({
      source: indexDigest,
      destination: indexDigest,
      changes: false,
    })
    expect(item.tags).toEqual([{ tag: '1.0', current: null, action: 'create' }])
    expect(item.platforms.sort()).toEqual(['linux/amd64', 'linux/arm64/v8'])
    const roles = item.manifests.map((manifest) => manifest.role).sort()
    expect(roles).toEqual(['attestation', 'image', 'image', 'index', 'referrer', 'referrer'])
    expect(item.manifests.every((manifest) => !manifest.present)).toBe(true)
    expect(item.blobs.length).toBeGreaterThan(0)
    expect(item.blobs.every((blob) => blob.state === 'missing')).toBe(true)
    expect(item.bytes.missing).toBe(item.bytes.total)
    const referrers = item.referrers.map((referrer) => ({ digest: referrer.digest, kind: referrer.kind, source: referrer.source }))
    expect(referrers).toEqual(
      expect.arrayContaining([
        { digest: signatureDigest, kind: 'signature', source: 'cosign-tag' },
        { digest: sbomDigest, kind: 'sbom', source: 'tag-schema' },
      ]),
    )
    const signatureTag = `${indexDigest.replace(':', '-')}.sig`
    expect(item.referrers.find((referrer) => referrer.digest === signatureDigest)?.tags).toEqual([
      { tag: signatureTag, current: null, action: 'create' },
    ])
  })

  it('copies byte for byte with progress events: skopeo reads the same index, children and referrers at the destination', async () => {
    const { result, progress } = await copyThroughApi({
      source: { registryId: sourceId, repository },
      destination: { registryId: mirrorId, repository: 'mirror/multiarch' },
      items: [{ reference: '1.0', tags: ['1.0'] }],
      referrers: true,
      expectedDestinationDigests: { '1.0': '' },
    })
    expect(result.complete).toBe(true)
    const [item] = result.items
    expect(item).toMatchObject({ status: 'copied', sourceDigest: indexDigest, destinationDigest: indexDigest, verified: true })
    expect(item?.tags).toEqual([{ tag: '1.0', previous: null, status: 'written' }])
    expect(progress.some((event) => event.progress.phase === 'blobs')).toBe(true)
    const last = progress.at(-1)?.progress
    expect(last?.phase).toBe('done')
    expect(last?.bytesDone).toBe(last?.bytesTotal)

    const lab = getLab()
    const sourceSide = { caPem: lab.tls.caPem, user: lab.users.writer }
    const planned = plan.items[0]?.manifests.map((manifest) => manifest.digest) ?? []
    expect(planned).toContain(indexDigest)
    for (const digest of planned) {
      const want = skopeoRawManifest(`${lab.tls.host}/${repository}@${digest}`, sourceSide)
      expect(skopeoRawManifest(`${mirror.host}/mirror/multiarch@${digest}`, mirrorSide()), digest).toBe(want)
    }
    expect(skopeoRawManifest(`${mirror.host}/mirror/multiarch:1.0`, mirrorSide())).toBe(
      skopeoRawManifest(`${lab.tls.host}/${repository}:1.0`, sourceSide),
    )
    // The signature under cosign's tag; the SBOM in the referrers tag schema (distribution 2.8 has no referrers API).
    const signatureTag = `${indexDigest.replace(':', '-')}.sig`
    expect(skopeoRawManifest(`${mirror.host}/mirror/multiarch:${signatureTag}`, mirrorSide())).toBe(
      skopeoRawManifest(`${lab.tls.host}/${repository}@${signatureDigest}`, sourceSide),
    )
    const referrersIndex = JSON.parse(
      skopeoRawManifest(`${mirror.host}/mirror/multiarch:${indexDigest.replace(':', '-')}`, mirrorSide()),
    ) as { manifests: { digest: string }[] }
    expect(referrersIndex.manifests.map((entry) => entry.digest)).toContain(sbomDigest)

    // Every blob is there and hashes right: skopeo pulls the whole index.
    skopeoCopyAllToLayout(`${mirror.host}/mirror/multiarch:1.0`, mirrorSide(), join(workDir, 'witness-layout'))

    const audit = readFileSync(join(workDir, 'app', 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(audit).toContainEqual(
      expect.objectContaining({
        method: 'tag-write',
        registry: mirror.host,
        repository: 'mirror/multiarch',
        tag: '1.0',
        digest: indexDigest,
        sourceDigest: indexDigest,
        source: `${lab.tls.host}/${repository}`,
        previousDigest: null,
        result: 'ok',
      }),
    )
    expect(audit).toContainEqual(expect.objectContaining({ method: 'copy', digest: indexDigest, sourceDigest: indexDigest, result: 'ok' }))
  })

  it('a second copy finds everything there and writes nothing', async () => {
    const { result } = await copyThroughApi({
      source: { registryId: sourceId, repository },
      destination: { registryId: mirrorId, repository: 'mirror/multiarch' },
      items: [{ reference: '1.0', tags: ['1.0'] }],
      referrers: true,
    })
    expect(result.items[0]).toMatchObject({ status: 'up-to-date', bytesUploaded: 0 })
  })

  it('a plan the destination no longer matches is refused before anything is written', async () => {
    await expect(
      copyThroughApi({
        source: { registryId: sourceId, repository },
        destination: { registryId: mirrorId, repository: 'mirror/multiarch' },
        items: [{ reference: '1.0', tags: ['1.0'] }],
        expectedDestinationDigests: { '1.0': '' },
      }),
    ).rejects.toThrow(/changed since the plan you confirmed/)
  })

  it('copies a platform subset back as a new index whose digest the plan announced', async () => {
    const target = `scratch/copy-back-${Date.now().toString(36)}`
    const request = {
      source: { registryId: mirrorId, repository: 'mirror/multiarch' },
      destination: { registryId: sourceId, repository: target },
      items: [{ reference: '1.0', tags: ['arm'] }],
      platforms: ['linux/arm64'],
    }
    const subset = (await engine.api.planCopy(request)).items[0]
    expect(subset?.digestChanges).toBe(true)
    expect(subset?.platforms).toEqual(['linux/arm64/v8'])
    expect(subset?.droppedPlatforms).toEqual(['linux/amd64'])
    expect(subset?.destinationDigest).not.toBe(indexDigest)
    const { result } = await copyThroughApi(request)
    expect(result.items[0]).toMatchObject({ status: 'copied', destinationDigest: subset?.destinationDigest })
    const lab = getLab()
    const written = JSON.parse(skopeoRawManifest(`${lab.tls.host}/${target}:arm`, { caPem: lab.tls.caPem, user: lab.users.writer })) as {
      manifests: { platform?: { architecture: string } }[]
    }
    expect(written.manifests.map((entry) => entry.platform?.architecture)).toEqual(['arm64'])
    skopeoCopyAllToLayout(`${lab.tls.host}/${target}:arm`, { caPem: lab.tls.caPem, user: lab.users.writer }, join(workDir, 'subset-layout'))
  })
})

describe('berth cp across registries', () => {
  it('copies with per-side trust and credentials: the --json digests match, and skopeo reads the same bytes', async () => {
    const lab = getLab()
    const labCa = join(workDir, 'lab-ca.pem')
    const mirrorCa = join(workDir, 'open-mirror-ca.pem')
    writeFileSync(labCa, lab.tls.caPem)
    writeFileSync(mirrorCa, openMirror.caPem)
    const run = await berthInProcess(
      [
        'cp',
        `${lab.tls.host}/${repository}:1.0`,
        `${openMirror.host}/team/multiarch:stable`,
        '--referrers',
        '--json',
        '--src-ca',
        labCa,
        '--src-username',
        lab.users.reader.username,
        '--src-password-stdin',
        '--dest-ca',
        mirrorCa,
      ],
      { stdin: `${lab.users.reader.password}\n`, env: { BERTH_DATA_DIR: join(workDir, 'cli') } },
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const output = JSON.parse(run.stdout) as CopyResult & { dryRun: boolean }
    expect(output.dryRun).toBe(false)
    expect(output.items[0]).toMatchObject({ sourceDigest: indexDigest, destinationDigest: indexDigest, status: 'copied' })
    expect(skopeoRawManifest(`${openMirror.host}/team/multiarch:stable`, { caPem: openMirror.caPem })).toBe(
      skopeoRawManifest(`${lab.tls.host}/${repository}:1.0`, { caPem: lab.tls.caPem, user: lab.users.reader }),
    )
    skopeoCopyAllToLayout(`${openMirror.host}/team/multiarch:stable`, { caPem: openMirror.caPem }, join(workDir, 'cli-layout'))
  })

  it('refuses credentials without a side when the registries differ, and two sides reading standard input', async () => {
    const lab = getLab()
    const common = [`${lab.tls.host}/${repository}:1.0`, `${openMirror.host}/team/other:1.0`]
    const unsided = await berthInProcess(['cp', ...common, '--username', 'reader', '--password-stdin'], { stdin: 'x\n' })
    expect(unsided.code).toBe(1)
    expect(unsided.stderr).toMatch(/--username has no side.*--src-username or --dest-username/)
    const twice = await berthInProcess(['cp', ...common, '--src-password-stdin', '--dest-password-stdin'], { stdin: 'x\n' })
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(/only one side can read its secret from standard input/)
  })
})

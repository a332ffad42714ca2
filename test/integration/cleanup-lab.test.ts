// Cleanup against the real lab (`tls` registry, writer credentials): the plan equals an expectation
// worked out by hand from the fixture dates, execution removes exactly the planned tags (skopeo is
// the independent witness), shared digests and the multi-arch index survive, and a failure or a
// cancel mid-run is reported per tag while the rest continues.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BerthError } from '../../shared/errors'
import type { CleanupRulesInput } from '../../shared/cleanup-rules'
import { createAuditLog, type AuditLog } from '../../electron/stores/audit-log'
import { planCleanup, runCleanup } from '../support/generic-session'
import type { RegistryClient } from '../../electron/http/client-types'
import { skopeoTags } from '../lab/skopeo-witness'
import { getLab, reseed } from '../lab/lab-client'
import { tlsClient } from './operations-clients'

const run = promisify(execFile)
const lab = getLab()
const web = lab.truth.repositories['acme/web'] ?? {}
const multiarch = lab.truth.repositories['acme/multiarch'] ?? {}
const writer = lab.users.writer
const clients: RegistryClient[] = []
let dir = ''
let certDir = ''
let audit: AuditLog

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-cleanup-'))
  certDir = join(dir, 'certs')
  await run('mkdir', ['-p', certDir])
  await writeFile(join(certDir, 'ca.crt'), lab.tls.caPem)
  audit = createAuditLog(join(dir, 'audit.log'))
})
afterAll(async () => {
  await reseed('tls', 'acme/web')
  await reseed('tls', 'acme/multiarch')
  await Promise.all(clients.map((c) => c.close()))
  await rm(dir, { recursive: true, force: true })
})

function writerClient(): RegistryClient {
  const client = tlsClient(lab.tls, writer)
  clients.push(client)
  return client
}

// Fixture dates (test/lab/fixtures.ts): day N = 2025-01-10 + N days. "Now" is pinned to day ~364.7,
// so older than 60 days means day 304 or before.
const now = Date.parse('2026-01-10T00:00:00Z')
const rules: CleanupRulesInput = { removeRegex: '.*', keepRegex: '^(main|stable|\\d+\\.\\d+)$', keepN: 3, olderThan: '60d' }
// Worked out by hand from the fixture list, not by the code under test:
// kept by the keep pattern: 1.0, 2.3, 2025.06, main, stable; latest is protected; the 3 most recent
// are nightly (364), edge (360), main (350); reproducible has no date (epoch 0) and keep-n is set;
// 3.0.0-beta.1 (330), sha-3f2a9c1 (340), dev (345) are not older than 60 days. Everything else goes.
const expectedRemoved = [
  ...['0.1.0', '0.9.0', '1.0.0', '1.0.1', '1.1.0', '1.2.0', '1.2.9', '1.2.10', '1.10.0'],
  ...['v2.0.0-rc.1', 'v2.0.0-rc.2', '2.0.0', '2.0.1', '2.1.0', '2.2.0', '2.2.1', '2.3.0', '2.3.0-alpine'],
].sort()
const expectedReasons: Record<string, string> = {
  latest: 'latest',
  stable: 'keep-regex',
  '2.3': 'keep-regex',
  '1.0': 'keep-regex',
  '2025.06': 'keep-regex',
  main: 'keep-regex',
  nightly: 'keep-n',
  edge: 'keep-n',
  reproducible: 'date-unknown',
  '3.0.0-beta.1': 'not-old-enough',
  'sha-3f2a9c1': 'not-old-enough',
  dev: 'not-old-enough',
}

describe('cleanup on distribution 2.8 (tag-safe)', () => {
  it('plans acme/web exactly as worked out by hand from the lab truth', async () => {
    await reseed('tls', 'acme/web')
    const plan = await planCleanup(writerClient(), 'acme/web', rules, { now })
    expect(Object.keys(web)).toHaveLength(30)
    expect([...plan.remove].sort()).toEqual(expectedRemoved)
    const kept = Object.fromEntries(plan.items.filter((i) => i.action === 'keep').map((i) => [i.tag, i.reason]))
    expect(kept).toEqual(expectedReasons)
    expect(plan.expectedDigests).toEqual(Object.fromEntries(expectedRemoved.map((t) => [t, web[t]?.digest])))
    // 2.3.0 shares its image with latest/stable/2.3, 1.0.1 with 1.0: only the tags go.
    expect(plan.sharedWithKept).toEqual(
      expect.arrayContaining([
        { digest: web['2.3.0']?.digest, removed: ['2.3.0'], kept: expect.arrayContaining(['2.3', 'latest', 'stable']) as unknown },
        { digest: web['1.0.1']?.digest, removed: ['1.0.1'], kept: ['1.0'] },
      ]),
    )
    expect(plan.sharedWithKept).toHaveLength(2)
    expect(plan.untaggedDigests).toHaveLength(16)
    expect(plan.summary).toMatch(/^Remove 18 of 30 tags/)
  })

  it('removes exactly the planned tags; tags sharing a digest with a kept tag survive, and the audit log has every one', async () => {
    await reseed('tls', 'acme/web')
    await reseed('tls', 'acme/multiarch')
    const client = writerClient()
    const plan = await planCleanup(client, 'acme/web', rules, { now })
    const progress: number[] = []
    const result = await runCleanup(client, 'acme/web', plan.remove, plan.expectedDigests, {
      audit,
      registry: lab.tls.host,
      onProgress: (done) => progress.push(done),
    })
    expect(result.results.filter((r) => !r.ok)).toEqual([])
    expect([...result.removed].sort()).toEqual(expectedRemoved)
    expect(progress).toEqual(expectedRemoved.map((_, i) => i + 1))

    const survivors = Object.keys(expectedReasons).sort()
    expect((await client.listTags('acme/web')).sort()).toEqual(survivors)
    expect(skopeoTags(lab, 'acme/web')).toEqual(survivors)
    for (const tag of ['2.3', 'latest', 'stable', '1.0']) expect((await client.headManifest('acme/web', tag)).digest).toBe(web[tag]?.digest)
    const logged = (await audit.read(1000)).filter((e) => e.repository === 'acme/web' && e.result === 'ok').map((e) => e.tag)
    expect(new Set(logged)).toEqual(new Set(expectedRemoved))

    // The other repository was never touched: the multi-arch index and every child still pull.
    expect(skopeoTags(lab, 'acme/multiarch')).toEqual(['1.0', 'latest'])
    for (const tag of ['1.0', 'latest']) expect((await client.headManifest('acme/multiarch', tag)).digest).toBe(multiarch[tag]?.digest)
    for (const p of multiarch.latest?.platforms ?? []) expect((await client.getManifest('acme/multiarch', p.digest)).digest).toBe(p.digest)
  })

  it('leaves the multi-arch index and its children intact when one of its two tags is removed', async () => {
    await reseed('tls', 'acme/multiarch')
    const client = writerClient()
    const index = multiarch.latest
    const plan = await planCleanup(client, 'acme/multiarch', { removeRegex: '^1\\.0$' }, { now })
    expect(plan.remove).toEqual(['1.0'])
    expect(plan.sharedWithKept).toEqual([{ digest: index?.digest, removed: ['1.0'], kept: ['latest'] }])
    const result = await runCleanup(client, 'acme/multiarch', plan.remove, plan.expectedDigests, { audit, registry: lab.tls.host })
    expect(result.removed).toEqual(['1.0'])

    expect(skopeoTags(lab, 'acme/multiarch')).toEqual(['latest'])
    const { stdout } = await run('skopeo', [
      'inspect',
      '--raw',
      '--cert-dir',
      certDir,
      '--creds',
      `${writer.username}:${writer.password}`,
      `docker://${lab.tls.host}/acme/multiarch:latest`,
    ])
    const children = (JSON.parse(stdout) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest)
    expect(children.length).toBeGreaterThanOrEqual(2)
    expect((await client.headManifest('acme/multiarch', 'latest')).digest).toBe(index?.digest)
    for (const child of [...children, ...(index?.platforms ?? []).map((p) => p.digest)]) {
      expect((await client.getManifest('acme/multiarch', child)).digest).toBe(child)
    }
  })

  it('reports a failed DELETE for one tag, removes the rest, and removes the failed one when run again', async () => {
    await reseed('tls', 'acme/web')
    const client = writerClient()
    const failing = failDeletesOf(client, '1.2.0')
    const plan = await planCleanup(client, 'acme/web', { removeRegex: '^1\\.[12]\\.' }, { now })
    expect([...plan.remove].sort()).toEqual(['1.1.0', '1.2.0', '1.2.10', '1.2.9'])
    const first = await runCleanup(failing, 'acme/web', plan.remove, plan.expectedDigests, { audit, registry: lab.tls.host })
    expect(first.failed).toEqual(['1.2.0'])
    expect(first.results.find((r) => r.tag === '1.2.0')?.error).toMatchObject({ code: 'server_error', status: 500 })
    expect([...first.removed].sort()).toEqual(['1.1.0', '1.2.10', '1.2.9'])
    expect(skopeoTags(lab, 'acme/web').filter((t) => /^1\.[12]\./.test(t))).toEqual(['1.2.0'])

    const retry = await runCleanup(client, 'acme/web', first.failed, plan.expectedDigests, { audit, registry: lab.tls.host })
    expect(retry.removed).toEqual(['1.2.0'])
    expect(skopeoTags(lab, 'acme/web')).toHaveLength(26)
  })

  it('refuses a tag that was pushed again since the preview and deletes the others', async () => {
    await reseed('tls', 'acme/web')
    const client = writerClient()
    const plan = await planCleanup(client, 'acme/web', { removeRegex: '^0\\.' }, { now })
    expect([...plan.remove].sort()).toEqual(['0.1.0', '0.9.0'])
    const moved = await client.getManifest('acme/web', web['1.0.0']?.digest ?? '')
    await client.putManifest('acme/web', '0.1.0', moved.bytes, moved.mediaType)
    const result = await runCleanup(client, 'acme/web', plan.remove, plan.expectedDigests, { audit, registry: lab.tls.host })
    expect(result.removed).toEqual(['0.9.0'])
    expect(result.results.find((r) => r.tag === '0.1.0')?.error?.code).toBe('conflict')
    expect((await client.headManifest('acme/web', '0.1.0')).digest).toBe(web['1.0.0']?.digest)
  })

  it('stops starting deletions when cancelled and lists the tags it never attempted', async () => {
    await reseed('tls', 'acme/web')
    const client = writerClient()
    const plan = await planCleanup(client, 'acme/web', { removeRegex: '^(0|1)\\.' }, { now })
    const controller = new AbortController()
    const result = await runCleanup(client, 'acme/web', plan.remove, plan.expectedDigests, {
      audit,
      registry: lab.tls.host,
      signal: controller.signal,
      onProgress: (done) => done === 2 && controller.abort(),
    })
    // The deletion already started when the second one finished may complete; nothing after it starts.
    expect(result.removed.length).toBeGreaterThanOrEqual(2)
    expect(result.removed.length).toBeLessThanOrEqual(3)
    expect(result.cancelled).toHaveLength(plan.remove.length - result.removed.length)
    expect(result.cancelled.length).toBeGreaterThanOrEqual(5)
    expect(result.failed).toEqual([])
    const left = skopeoTags(lab, 'acme/web')
    expect(result.cancelled.every((t) => left.includes(t))).toBe(true)
    expect(result.removed.some((t) => left.includes(t))).toBe(false)
  })
})

/** The real client, except that a DELETE of `tag` answers like a registry's 500. */
function failDeletesOf(inner: RegistryClient, tag: string): RegistryClient {
  return {
    endpoint: inner.endpoint,
    ping: () => inner.ping(),
    catalog: (o) => inner.catalog(o),
    listTags: (r, o) => inner.listTags(r, o),
    getManifest: (r, ref, o) => inner.getManifest(r, ref, o),
    headManifest: (r, ref, o) => inner.headManifest(r, ref, o),
    putManifest: (r, ref, b, m) => inner.putManifest(r, ref, b, m),
    deleteManifest: (r, ref) =>
      ref === tag
        ? Promise.reject(
            new BerthError({ code: 'server_error', status: 500, message: `Injected: the registry answered 500 to DELETE ${tag}.` }),
          )
        : inner.deleteManifest(r, ref),
    getBlob: (r, d, o) => inner.getBlob(r, d, o),
    uploadBlob: (r, b) => inner.uploadBlob(r, b),
    getReferrers: (r, d, o) => inner.getReferrers(r, d, o),
    rateLimit: () => inner.rateLimit(),
    close: () => inner.close(),
  }
}

// `berth tag`, `berth cp` within one registry and `berth sync` against the lab's token registry,
// behind a proxy that writes down every request: a retag costs three registry requests once the
// token is there, a copy to another repository of the same registry mounts every blob and uploads
// none, a tag that points elsewhere is only moved with --force (the refusal shows both digests),
// and a sync takes the tags its pattern matches and finds them up to date the second time.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CopyPlan, CopyResult } from '../../shared/copy'
import { getLab, reseed } from '../lab/lab-client'
import { berthInProcess, type CliRun } from '../support/cli-run'
import { startCopyProxy, type CopyProxy } from '../support/copy-proxy'

let proxy: CopyProxy
let dataDir: string
const scratch = `scratch/copy-cli-${randomBytes(4).toString('hex')}`

beforeAll(async () => {
  await reseed('token', 'acme/web')
  proxy = await startCopyProxy(getLab().token.url)
  dataDir = mkdtempSync(join(tmpdir(), 'berth-copy-cli-'))
})

afterAll(async () => {
  await proxy?.close()
  rmSync(dataDir, { recursive: true, force: true })
  // The retag wrote a tag into a fixture repository of the shared lab: put it back as seeded.
  await reseed('token', 'acme/web')
})

/** berth as the lab's writer, with per-call credentials, against the proxied token registry. */
function berth(args: string[]): Promise<CliRun> {
  const { username, password } = getLab().users.writer
  return berthInProcess([...args, '--username', username, '--password-stdin'], {
    stdin: `${password}\n`,
    env: { BERTH_DATA_DIR: dataDir },
  })
}

function digestOf(tag: string): string {
  const digest = getLab().truth.repositories['acme/web']?.[tag]?.digest
  if (!digest) throw new Error(`acme/web:${tag} is not in the lab truth`)
  return digest
}

describe('berth tag', () => {
  it('writes the exact manifest under a new tag in three registry requests once the token is there', async () => {
    proxy.calls.length = 0
    const run = await berth(['tag', `${proxy.host}/acme/web:2.3.0`, 'promoted', '--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as CopyResult
    expect(result.mode).toBe('retag')
    expect(result.items[0]).toMatchObject({ sourceDigest: digestOf('2.3.0'), destinationDigest: digestOf('2.3.0'), status: 'copied' })
    const withToken = proxy.calls.filter((call) => call.authorization !== null)
    expect(withToken.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /v2/acme/web/manifests/2.3.0',
      'HEAD /v2/acme/web/manifests/promoted',
      'PUT /v2/acme/web/manifests/promoted',
    ])
    // Before them, only the anonymous request the registry answered with its challenge.
    expect(proxy.calls.filter((call) => call.authorization === null).map((call) => call.status)).toEqual([401])
    expect(proxy.calls.some((call) => call.path.includes('/blobs/'))).toBe(false)
  })
})

describe('berth cp within one registry', () => {
  it('mounts every blob from the source repository: zero blob bytes are uploaded', async () => {
    proxy.calls.length = 0
    const run = await berth(['cp', `${proxy.host}/acme/web:2.3.0`, `${proxy.host}/${scratch}:2.3.0`, '--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as CopyResult
    expect(result.mode).toBe('same-registry')
    expect(result.items[0]).toMatchObject({ destinationDigest: digestOf('2.3.0'), bytesUploaded: 0 })
    expect(result.items[0]?.blobs).toMatchObject({ uploaded: 0, resumed: 0 })
    const mounts = proxy.calls.filter((call) => call.method === 'POST' && call.path.includes('mount='))
    expect(mounts.length).toBeGreaterThan(0)
    expect(mounts.every((call) => call.status === 201)).toBe(true)
    expect(proxy.uploaded('PATCH', /\/blobs\/uploads\//) + proxy.uploaded('PUT', /\/blobs\/uploads\//)).toBe(0)
  })

  it('refuses to move a tag that points elsewhere, naming both digests, and moves it with --force', async () => {
    const target = `${proxy.host}/${scratch}:2.3.0`
    const refused = await berth(['cp', `${proxy.host}/acme/web:2.2.0`, target])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(digestOf('2.3.0'))
    expect(refused.stderr).toContain(digestOf('2.2.0'))
    expect(refused.stderr).toMatch(/--force/)

    const forced = await berth(['cp', `${proxy.host}/acme/web:2.2.0`, target, '--force', '--json'])
    expect(forced.code).toBe(0)
    const result = JSON.parse(forced.stdout) as CopyResult
    expect(result.items[0]?.tags).toEqual([{ tag: '2.3.0', previous: digestOf('2.3.0'), status: 'written' }])
    const audit = readFileSync(join(dataDir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(audit).toContainEqual(
      expect.objectContaining({
        method: 'tag-write',
        repository: scratch,
        tag: '2.3.0',
        digest: digestOf('2.2.0'),
        sourceDigest: digestOf('2.2.0'),
        previousDigest: digestOf('2.3.0'),
        result: 'ok',
      }),
    )
  })
})

describe('berth sync', () => {
  it('plans, copies the tags the pattern matches, and finds them up to date the second time', async () => {
    const from = `${proxy.host}/acme/web`
    const to = `${proxy.host}/${scratch}-sync`
    const dry = await berth(['sync', from, to, '--tags', '^1\\.2\\.', '--dry-run', '--json'])
    expect(dry.code).toBe(0)
    const plan = JSON.parse(dry.stdout) as CopyPlan & { dryRun: boolean }
    expect(plan.dryRun).toBe(true)
    expect(plan.items.map((item) => item.reference)).toEqual(['1.2.0', '1.2.10', '1.2.9'])
    for (const item of plan.items) expect(item.destinationDigest).toBe(digestOf(item.reference))

    const first = await berth(['sync', from, to, '--tag-regex', '^1\\.2\\.', '--json'])
    expect(first.code).toBe(0)
    expect((JSON.parse(first.stdout) as CopyResult).items.map((item) => item.status)).toEqual(['copied', 'copied', 'copied'])
    const second = await berth(['sync', from, to, '--tag-regex', '^1\\.2\\.'])
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/0 copied, 3 up to date, 0 failed/)
  })

  it('takes only tags built within --newer-than, and says why each other one was left out', async () => {
    // A window whose edge falls between the 2.2.x builds (September 2025) and the 2.3 ones (November 2025).
    const days = Math.ceil((Date.now() - Date.parse('2025-10-15T00:00:00Z')) / 86_400_000)
    const run = await berth([
      'sync',
      `${proxy.host}/acme/web`,
      `${proxy.host}/${scratch}-recent`,
      '--tag-regex',
      '^2\\.',
      '--newer-than',
      `${days}d`,
      '--dry-run',
      '--json',
    ])
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.stdout) as CopyPlan
    expect(plan.items.map((item) => item.reference)).toEqual(['2.3', '2.3.0', '2.3.0-alpine'])
    expect(plan.skipped.map((skipped) => skipped.reference).sort()).toEqual(['2.0.0', '2.0.1', '2.1.0', '2.2.0', '2.2.1'])
    expect(plan.skipped.every((skipped) => skipped.reason.startsWith(`older than ${days}d`))).toBe(true)
  })
})

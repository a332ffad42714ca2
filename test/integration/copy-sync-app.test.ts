// The app's mirror (a sync through the Api: planCopy and startCopy with `sync`, as `berth sync`)
// from the lab's open registry to its htpasswd registry, under scratch/<random> — nothing is ever
// written to the open registry. The plan gives each tag's state at the destination; a destination
// tag that points elsewhere is refused without force and moved with it; a tag the source gained
// after the confirmed plan waits for the next plan; the age leaves out, named, what is older.
// skopeo is the witness: it lists the tags at the destination and reads the source's digests there.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CopyResult } from '../../shared/copy'
import type { ApiEvents, ApiRequests } from '../../shared/ipc'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { getLab } from '../lab/lab-client'
import { rawManifestDigest, skopeoListTags, skopeoRawManifest, type SkopeoSide } from '../support/copy-lab'

const source = 'acme/web'
const scratch = `scratch/mirror-app-${randomBytes(4).toString('hex')}`

let workDir: string
let engine: Engine
let openId: string
let basicId: string

const basicSide = (): SkopeoSide => ({ user: getLab().users.writer })

function truthDigest(tag: string): string {
  const digest = getLab().truth.repositories[source]?.[tag]?.digest
  if (!digest) throw new Error(`${source}:${tag} is not in the lab truth`)
  return digest
}

beforeAll(async () => {
  const lab = getLab()
  workDir = mkdtempSync(join(tmpdir(), 'berth-mirror-app-'))
  engine = createEngine({ dataDirectory: join(workDir, 'app'), secrets: createMemorySecretStore() })
  openId = (await engine.api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, insecure: true } })).id
  basicId = (await engine.api.saveRegistry({ profile: { name: 'Lab basic', url: lab.basic.url, insecure: true } })).id
  await engine.api.login({ registryId: basicId, username: lab.users.writer.username, secret: lab.users.writer.password })
}, 60_000)

afterAll(async () => {
  await engine?.close()
  rmSync(workDir, { recursive: true, force: true })
})

function mirrorRequest(sync: NonNullable<ApiRequests['planCopy']['sync']>): ApiRequests['planCopy'] {
  return { source: { registryId: openId, repository: source }, destination: { registryId: basicId, repository: scratch }, sync }
}

/** startCopy, then its events until copyFinished (which may come before startCopy answers). */
async function runThroughApi(request: ApiRequests['startCopy']): Promise<{ result: CopyResult; progress: ApiEvents['copyProgress'][] }> {
  const progress: ApiEvents['copyProgress'][] = []
  const finished: ApiEvents['copyFinished'][] = []
  const unsubscribe = engine.subscribe((event, payload) => {
    if (event === 'copyProgress') progress.push(payload as ApiEvents['copyProgress'])
    if (event === 'copyFinished') finished.push(payload as ApiEvents['copyFinished'])
  })
  try {
    const { jobId } = await engine.api.startCopy(request)
    const deadline = Date.now() + 120_000
    let done = finished.find((event) => event.jobId === jobId)
    while (!done && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      done = finished.find((event) => event.jobId === jobId)
    }
    if (!done) throw new Error('the mirror did not finish within two minutes')
    if (done.error) throw new Error(`the mirror failed: ${done.error.message}`)
    if (!done.result) throw new Error('copyFinished without a result')
    return { result: done.result, progress: progress.filter((event) => event.jobId === jobId) }
  } finally {
    unsubscribe()
  }
}

/** What the user confirms: each planned destination tag → its digest there ('' = absent). */
function confirmed(plan: Awaited<ReturnType<Engine['api']['planCopy']>>): Record<string, string> {
  return Object.fromEntries(plan.items.flatMap((item) => item.tags.map((tag) => [tag.tag, tag.current ?? ''])))
}

describe('mirroring a repository through the app Api', () => {
  it('plans the matching tags as new, blobs missing, mirrors them over all tags, and skopeo reads the source digests', async () => {
    const plan = await engine.api.planCopy(mirrorRequest({ tagPattern: '^1\\.2\\.' }))
    expect(plan.mode).toBe('cross-registry')
    expect(plan.items.map((item) => item.reference)).toEqual(['1.2.0', '1.2.10', '1.2.9'])
    for (const item of plan.items) {
      expect(item.tags).toEqual([{ tag: item.reference, current: null, action: 'create' }])
      expect(item.sourceDigest).toBe(truthDigest(item.reference))
      expect(item.blobs.length).toBeGreaterThan(0)
    }
    expect(plan.totals.bytesMissing).toBeGreaterThan(0)

    const { result, progress } = await runThroughApi({
      ...mirrorRequest({ tagPattern: '^1\\.2\\.' }),
      expectedDestinationDigests: confirmed(plan),
    })
    expect(result.complete).toBe(true)
    expect(result.items.map((item) => [item.reference, item.status, item.verified])).toEqual([
      ['1.2.0', 'copied', true],
      ['1.2.10', 'copied', true],
      ['1.2.9', 'copied', true],
    ])
    // Progress over all tags: the count of items goes to three.
    expect(progress.at(-1)?.progress).toMatchObject({ phase: 'done', itemsDone: 3, itemsTotal: 3 })

    expect(skopeoListTags(`${getLab().basic.host}/${scratch}`, basicSide()).sort()).toEqual(['1.2.0', '1.2.10', '1.2.9'])
    for (const tag of ['1.2.0', '1.2.9', '1.2.10']) {
      expect(rawManifestDigest(skopeoRawManifest(`${getLab().basic.host}/${scratch}:${tag}`, basicSide())), tag).toBe(truthDigest(tag))
    }
  }, 180_000)

  it('shows a destination tag that points elsewhere with both digests, refuses it without force and moves it with force', async () => {
    // Another image under 1.2.9 at the destination, by a plain copy through the same Api.
    const moved = await engine.api.planCopy({
      source: { registryId: openId, repository: source },
      destination: { registryId: basicId, repository: scratch },
      items: [{ reference: '2.0.0', tags: ['1.2.9'] }],
      force: true,
    })
    await runThroughApi({
      source: { registryId: openId, repository: source },
      destination: { registryId: basicId, repository: scratch },
      items: [{ reference: '2.0.0', tags: ['1.2.9'] }],
      force: true,
      expectedDestinationDigests: confirmed(moved),
    })

    const plan = await engine.api.planCopy(mirrorRequest({ tagPattern: '^1\\.2\\.' }))
    const states = Object.fromEntries(plan.items.map((item) => [item.reference, item.tags[0]]))
    expect(states['1.2.0']).toEqual({ tag: '1.2.0', current: truthDigest('1.2.0'), action: 'unchanged' })
    expect(states['1.2.9']).toEqual({ tag: '1.2.9', current: truthDigest('2.0.0'), action: 'conflict' })
    expect(plan.items.find((item) => item.reference === '1.2.9')?.destinationDigest).toBe(truthDigest('1.2.9'))
    expect(plan.totals.conflicts).toBe(1)

    const refused = await runThroughApi({ ...mirrorRequest({ tagPattern: '^1\\.2\\.' }), expectedDestinationDigests: confirmed(plan) })
    expect(refused.result.items.map((item) => [item.reference, item.status])).toEqual([
      ['1.2.0', 'up-to-date'],
      ['1.2.10', 'up-to-date'],
      ['1.2.9', 'conflict'],
    ])
    expect(rawManifestDigest(skopeoRawManifest(`${getLab().basic.host}/${scratch}:1.2.9`, basicSide()))).toBe(truthDigest('2.0.0'))

    const forced = await runThroughApi({
      ...mirrorRequest({ tagPattern: '^1\\.2\\.' }),
      force: true,
      expectedDestinationDigests: confirmed(plan),
    })
    expect(forced.result.items.find((item) => item.reference === '1.2.9')?.tags).toEqual([
      { tag: '1.2.9', previous: truthDigest('2.0.0'), status: 'written' },
    ])
    expect(rawManifestDigest(skopeoRawManifest(`${getLab().basic.host}/${scratch}:1.2.9`, basicSide()))).toBe(truthDigest('1.2.9'))
  }, 180_000)

  it('writes only the tags of the confirmed plan: one the selection gained since waits for the next plan', async () => {
    const plan = await engine.api.planCopy(mirrorRequest({ tagPattern: '^1\\.2\\.' }))
    // The same confirmation, but the run's selection now also takes 1.1.0 (as if pushed since).
    const { result } = await runThroughApi({
      ...mirrorRequest({ tagPattern: '^1\\.[12]\\.' }),
      expectedDestinationDigests: confirmed(plan),
    })
    expect(result.items.map((item) => item.reference)).toEqual(['1.2.0', '1.2.10', '1.2.9'])
    expect(result.skipped).toEqual([{ reference: '1.1.0', reason: 'new since the plan you confirmed: plan again to include it' }])
    expect(skopeoListTags(`${getLab().basic.host}/${scratch}`, basicSide())).not.toContain('1.1.0')
  }, 180_000)

  it('leaves out, named, the tags older than the age, and refuses a pattern that is not a regular expression', async () => {
    const plan = await engine.api.planCopy(mirrorRequest({ tagPattern: '^2\\.2\\.', newerThan: '1h' }))
    expect(plan.items).toEqual([])
    expect(plan.skipped.map((skipped) => skipped.reference).sort()).toEqual(['2.2.0', '2.2.1'])
    expect(plan.skipped[0]?.reason).toMatch(/^older than 1h \(/)
    await expect(engine.api.planCopy(mirrorRequest({ tagPattern: 'v1(' }))).rejects.toThrow(/The tag pattern: Invalid regular expression/)
  }, 60_000)
})

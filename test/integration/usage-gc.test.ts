// What Berth says a deletion frees, checked against distribution's own garbage collection: a private
// copy of the lab's storage served by its own docker-registry (test/support/gc-lab.ts), a deletion
// through `berth`, the registry stopped, `docker-registry garbage-collect CONFIG` run offline, and the
// blob files on disk measured before and after.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CleanupPlan } from '../../shared/cleanup-rules'
import type { DeletePreview } from '../../shared/types'
import type { RepositoryUsage, UntaggedDeletePreview } from '../../shared/usage'
import { berthInProcess } from '../support/cli-run'
import { startGcLab, type GcLab } from '../support/gc-lab'
import { storageTruth, storedBlobBytes, storedTags } from '../support/storage-truth'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Setup {
  gc: GcLab
  /** stdout of a `berth` run that must succeed. */
  berth: (args: string[]) => Promise<string>
  /** A `berth` run as it ended (exit code, stdout, stderr). */
  run: (args: string[]) => ReturnType<typeof berthInProcess>
}

async function setup(repositories: string[]): Promise<Setup> {
  const gc = await startGcLab(repositories)
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-usage-gc-'))
  cleanups.push(async () => {
    await gc.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const run = (args: string[]): ReturnType<typeof berthInProcess> => berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir } })
  const berth = async (args: string[]): Promise<string> => {
    const ended = await run(args)
    if (ended.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${ended.code}: ${ended.stderr}`)
    return ended.stdout
  }
  return { gc, berth, run }
}

describe("what a deletion frees, measured by distribution's garbage collection", () => {
  it('a cleanup frees exactly freesBytes once garbage-collect --delete-untagged has run; blobs other repositories use stay', async () => {
    // distribution 2.8's --delete-untagged also removes the platform images of tagged indexes
    // (distribution#3178): this copy holds single-platform images only.
    const { gc, berth } = await setup(['acme/web', 'charts/demo', 'group/subgroup/project/image', 'public/hello'])
    await gc.garbageCollect({ deleteUntagged: true })
    const before = await storedBlobBytes(gc.storageDir)
    const host = (await gc.start()).host
    // Berth learns what the other repositories use (their tags and manifests, cached).
    await berth(['du', host, '--json'])
    const dryRun = JSON.parse(await berth(['cleanup', `${host}/acme/web`, '--delete-regex', '.*', '--unlock-latest', '--json'])) as {
      plan: CleanupPlan
    }
    const run = JSON.parse(await berth(['cleanup', `${host}/acme/web`, '--delete-regex', '.*', '--unlock-latest', '--yes', '--json'])) as {
      plan: CleanupPlan
      removed: string[]
    }
    expect(run.removed).toHaveLength(30)
    expect(run.plan.freesBytes).toBe(dryRun.plan.freesBytes)
    await gc.stop()
    await gc.garbageCollect({ deleteUntagged: true })
    const after = await storedBlobBytes(gc.storageDir)
    expect(run.plan.freesBytes).toBeGreaterThan(0)
    expect(before - after).toBe(run.plan.freesBytes)
    // The amd64 base layer of every image is still used by the other repositories: kept, and said so.
    expect(run.plan.storage?.keptByOtherRepositoriesBytes).toBeGreaterThan(0)
    expect(run.plan.keptBytes).toBe(run.plan.storage?.keptByOtherRepositoriesBytes)
    expect(run.plan.storage?.otherRepositories).toEqual({ measured: 3, notMeasured: 0 })
    // What stays is exactly what the other repositories' tags reach.
    const left = await storageTruth(gc.storageDir)
    expect(left.storedBytes).toBe(left.totalBytes)
  })

  it('a tag delete that leaves the image tagged frees nothing, and says so', async () => {
    const { gc, berth } = await setup(['acme/web', 'public/hello'])
    await gc.garbageCollect({ deleteUntagged: true })
    const before = await storedBlobBytes(gc.storageDir)
    const host = (await gc.start()).host
    const preview = JSON.parse(await berth(['rm', `${host}/acme/web:latest`, '--dry-run', '--json'])) as DeletePreview & { dryRun: true }
    expect(preview.dryRun).toBe(true)
    expect(preview.items[0]?.stillTagged?.sort()).toEqual(['2.3', '2.3.0', 'stable'])
    expect(preview.freesBytes).toBe(0)
    expect(preview.keptBytes).toBeGreaterThan(0)
    expect(preview.storage?.note).toContain('frees nothing')
    const text = await berth(['rm', `${host}/acme/web:latest`, '--yes'])
    expect(text).toContain('the image stays tagged as')
    await gc.stop()
    await gc.garbageCollect({ deleteUntagged: true })
    expect(await storedBlobBytes(gc.storageDir)).toBe(before)
  })

  it('an untagged multi-arch image deleted by digest (with its platform manifests) frees freesBytes under plain GC', async () => {
    const { gc, berth } = await setup(['acme/web', 'acme/multiarch', 'acme/legacy-list', 'public/hello'])
    await gc.garbageCollect({ deleteUntagged: false })
    const before = await storedBlobBytes(gc.storageDir)
    const host = (await gc.start()).host
    await berth(['du', host, '--json'])
    const index = (await storedTags(gc.storageDir, 'acme/legacy-list')).get('1.0')
    await berth(['rm', `${host}/acme/legacy-list:1.0`, '--yes'])
    // The tag is gone, the index is stored untagged: Berth lists it as seen before.
    const usage = JSON.parse(await berth(['du', `${host}/acme/legacy-list`, '--tags', '--json'])) as RepositoryUsage
    expect(usage.tags).toEqual([])
    expect(usage.untagged.map((image) => ({ digest: image.digest, lastTags: image.lastTags }))).toEqual([
      { digest: index, lastTags: ['1.0'] },
    ])
    const preview = JSON.parse(
      await berth(['rm', `${host}/acme/legacy-list@${index ?? ''}`, '--dry-run', '--json']),
    ) as UntaggedDeletePreview
    expect(preview.items[0]?.alsoDeleted).toHaveLength(2)
    // The arm64 and amd64 base layers are also in other repositories: kept.
    expect(preview.keptBytes).toBeGreaterThan(0)
    await berth(['rm', `${host}/acme/legacy-list@${index ?? ''}`, '--yes'])
    await gc.stop()
    await gc.garbageCollect({ deleteUntagged: false })
    expect(before - (await storedBlobBytes(gc.storageDir))).toBe(preview.freesBytes)
  })

  it('refuses to delete by digest what a tag points at or reaches, and deletes nothing', async () => {
    const { gc, berth, run } = await setup(['acme/multiarch'])
    const host = (await gc.start()).host
    const index = (await storedTags(gc.storageDir, 'acme/multiarch')).get('latest') ?? ''
    const platform = (
      JSON.parse(await berth(['inspect', `${host}/acme/multiarch:latest`, '--json'])) as { details: { platforms: { digest: string }[] } }
    ).details.platforms[0]?.digest
    for (const [digest, reason] of [
      [index, /is tagged \(.*latest/],
      [platform ?? '', /tagged images use it/],
    ] as const) {
      const refused = await run(['rm', `${host}/acme/multiarch@${digest}`, '--yes'])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(reason)
    }
    expect([...(await storedTags(gc.storageDir, 'acme/multiarch')).keys()].sort()).toEqual(['1.0', 'latest'])
  })
})

// The cleanup dialog's store against the harness's in-memory Api: form parsing, the reviewed plan,
// batched execution with a count, cancel between batches, and retrying only what did not go.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Api } from '../../../shared/ipc'
import { resultApiOf } from '../../../shared/api-bridge'
import { installApi } from '../../../renderer/src/api/call'
import { fieldsToRules, runBatchSize, useCleanup } from '../../../renderer/src/stores/cleanup'
import { createFakeApi } from '../../ui-harness/fake-api'

/** The fake as a door hands an Api to the renderer: every call answers with its result. */
function installFake(api: Api): void {
  installApi(resultApiOf(api))
}

const repository = 'platform/api/server'
let runCalls: string[][] = []

function recordingApi(onRun?: () => void): Api {
  const fake = createFakeApi({ latencyMs: 1 })
  return {
    ...fake,
    runCleanup: async (req) => {
      runCalls.push([...req.tags])
      onRun?.()
      return fake.runCleanup(req)
    },
  }
}

beforeEach(() => {
  runCalls = []
})

describe('cleanup store', () => {
  it('parses the form into rules and names the field that is wrong', () => {
    expect(fieldsToRules({ keepN: '10', keepRegex: '', removeRegex: '^sha-', olderThan: '30d', unlockLatest: false }).rules).toEqual({
      keepN: 10,
      keepRegex: '',
      removeRegex: '^sha-',
      olderThan: '30d',
      unlockLatest: false,
    })
    const bad = fieldsToRules({ keepN: 'ten', keepRegex: '(', removeRegex: '.*', olderThan: '5m', unlockLatest: false })
    expect(bad.rules).toBeNull()
    expect(Object.keys(bad.errors).sort()).toEqual(['keepN', 'keepRegex', 'olderThan'])
  })

  it('reviews, then removes the plan in batches with a running count', async () => {
    installFake(recordingApi())
    const store = useCleanup.getState()
    await store.open('acme', repository, null)
    store.setField('removeRegex', '^sha-0')
    await useCleanup.getState().review()
    const phase = useCleanup.getState().phase
    if (phase.kind !== 'confirm') throw new Error(`expected the confirm step, got ${phase.kind}`)
    expect(phase.plan.remove.length).toBeGreaterThan(runBatchSize)
    await useCleanup.getState().run()
    const done = useCleanup.getState().phase
    if (done.kind !== 'done') throw new Error(`expected done, got ${done.kind}`)
    expect(done.results.every((r) => r.ok)).toBe(true)
    expect(runCalls.flat().sort()).toEqual([...phase.plan.remove].sort())
    expect(Math.max(...runCalls.map((c) => c.length))).toBeLessThanOrEqual(runBatchSize)
  })

  it('stops between batches when cancelled and offers the rest for a retry', async () => {
    installFake(recordingApi(() => useCleanup.getState().cancel()))
    await useCleanup.getState().open('acme', repository, null)
    useCleanup.getState().setField('removeRegex', '^sha-1')
    await useCleanup.getState().review()
    await useCleanup.getState().run()
    const done = useCleanup.getState().phase
    if (done.kind !== 'done') throw new Error(`expected done, got ${done.kind}`)
    expect(runCalls).toHaveLength(1)
    expect(done.results).toHaveLength(runBatchSize)
    expect(done.cancelled.length).toBe(done.plan.remove.length - runBatchSize)

    installFake(recordingApi())
    await useCleanup.getState().run(done.cancelled)
    const retried = useCleanup.getState().phase
    if (retried.kind !== 'done') throw new Error(`expected done, got ${retried.kind}`)
    expect(retried.results.map((r) => r.tag).sort()).toEqual([...done.cancelled].sort())
  })

  it('fills the form from rules saved for the repository', async () => {
    installFake(recordingApi())
    await useCleanup.getState().open('acme', repository, null)
    useCleanup.getState().setField('removeRegex', '^dev$')
    useCleanup.getState().setField('keepN', '5')
    expect(await useCleanup.getState().save()).toBeNull()
    await useCleanup.getState().open('acme', repository, null)
    expect(useCleanup.getState().fields).toMatchObject({ removeRegex: '^dev$', keepN: '5' })
    expect(useCleanup.getState().savedAt).not.toBeNull()
  })
})

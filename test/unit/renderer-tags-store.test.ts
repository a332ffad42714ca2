// The tags store against the harness's in-memory Api: the real loader, batching and error paths,
// no mocks of the store itself.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Api } from '../../shared/ipc'
import { installApi } from '../../renderer/src/api/call'
import { setDetailsPriority, useTags } from '../../renderer/src/stores/tags'
import { createFakeApi } from '../ui-harness/fake-api'

interface Recorded {
  batches: string[][]
  maxInFlight: number
}

function recordingApi(): { api: Api; recorded: Recorded } {
  const fake = createFakeApi({ latencyMs: 1 })
  const recorded: Recorded = { batches: [], maxInFlight: 0 }
  let inFlight = 0
  const api: Api = {
    ...fake,
    getTagDetails: async (req) => {
      recorded.batches.push([...req.tags])
      inFlight++
      recorded.maxInFlight = Math.max(recorded.maxInFlight, inFlight)
      try {
        return await fake.getTagDetails(req)
      } finally {
        inFlight--
      }
    },
  }
  return { api, recorded }
}

const repo = 'platform/api/server'
const poll = { timeout: 15_000, interval: 10 }

describe('tags store', () => {
  beforeEach(() => useTags.getState().close())

  it('loads the visible rows first, in batches of at most 50 with at most 3 calls in flight, then every other tag', async () => {
    const { api, recorded } = recordingApi()
    installApi(api)
    await useTags.getState().open('acme', repo)
    const { tags, status } = useTags.getState()
    expect(status).toBe('ready')
    expect(tags.length).toBe(3000)

    const visible = tags.slice(2000, 2030)
    setDetailsPriority(visible, tags)
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(3000), poll)

    // The list loads with the first rows as "visible"; the rows the table reports next come right after.
    const firstVisibleCall = recorded.batches.findIndex((b) => b.includes(visible[0] ?? ''))
    expect(firstVisibleCall).toBeLessThanOrEqual(3)
    expect(recorded.batches[firstVisibleCall]?.slice(0, visible.length)).toEqual(visible)
    expect(Math.max(...recorded.batches.map((b) => b.length))).toBeLessThanOrEqual(50)
    expect(recorded.maxInFlight).toBeLessThanOrEqual(3)
    // Every tag asked for exactly once.
    expect(recorded.batches.flat().sort()).toEqual([...tags].sort())
    expect(useTags.getState().inflight).toBe(0)
  }, 30_000)

  it('keeps a per-tag error and asks again on retry', async () => {
    const { api, recorded } = recordingApi()
    installApi(api)
    await useTags.getState().open('acme', repo)
    await vi.waitFor(() => expect(useTags.getState().details['broken-manifest']).toBeDefined(), poll)
    const failed = useTags.getState().details['broken-manifest']
    expect(failed?.ok).toBe(false)
    if (failed && !failed.ok) expect(failed.error.message).toMatch(/not valid JSON/)

    const before = recorded.batches.length
    useTags.getState().retry(['broken-manifest'])
    await vi.waitFor(() => expect(recorded.batches.slice(before).some((b) => b[0] === 'broken-manifest')).toBe(true), poll)
  })

  it('keeps the previous details on screen during a refresh and then asks for every tag again', async () => {
    const { api, recorded } = recordingApi()
    installApi(api)
    await useTags.getState().open('acme', 'web/admin')
    const count = useTags.getState().tags.length
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    const asked = recorded.batches.flat().length

    const refreshing = useTags.getState().refresh()
    expect(useTags.getState().loaded).toBe(0)
    expect(Object.keys(useTags.getState().details)).toHaveLength(count)
    await refreshing
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    expect(recorded.batches.flat().length).toBe(asked + count)
  })

  it('reports a failed tag list as error data with a message', async () => {
    installApi(createFakeApi({ latencyMs: 1 }))
    await useTags.getState().open('no-such-registry', 'app')
    const { status, error } = useTags.getState()
    expect(status).toBe('error')
    expect(error?.code).toBe('not_found')
    expect(error?.message).toMatch(/no-such-registry/)
  })

  it('ignores answers for a repository that is no longer open', async () => {
    installApi(createFakeApi({ latencyMs: 5 }))
    const first = useTags.getState().open('acme', repo)
    const second = useTags.getState().open('acme', 'web/admin')
    await Promise.all([first, second])
    expect(useTags.getState().repository).toBe('web/admin')
    expect(useTags.getState().tags.length).toBeLessThan(100)
  })
})

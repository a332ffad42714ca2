// The tags store against the harness's in-memory Api: the real loader, batching and error paths,
// no mocks of the store itself.
import { packCachedTagDetails, unpackCachedTagDetails } from '../../../shared/cached-details'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Api } from '../../../shared/ipc'
import type { TagDetails } from '../../../shared/types'
import { resultApiOf } from '../../../shared/api-bridge'
import { apiClient, installApi } from '../../../renderer/src/api/call'
import { verifiedDetailsOf } from '../../../renderer/src/model/tag-rows'
import { livePlan } from '../../../renderer/src/stores/cleanup'
import { createTagsStore, setDetailsPriority, useTags } from '../../../renderer/src/stores/tags'
import { createFakeApi, fakeDetailsJobs, goneSinceLastSession, movedSinceLastSession } from '../../ui-harness/fake-api'
import { wideRepository } from '../../ui-harness/fake-data'

/** The fake as a door hands an Api to the renderer: every call answers with its result. */
function installFake(api: Api): void {
  installApi(resultApiOf(api))
}

interface Recorded {
  batches: string[][]
  maxInFlight: number
}

function recordingApi(): { api: Api; recorded: Recorded } {
  const fake = createFakeApi({ latencyMs: 1 })
  const recorded: Recorded = { batches: [], maxInFlight: 0 }
  let inFlight = 0
  const api: Api = withJobs({
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
  })
  return { api, recorded }
}

/** The Api with its details jobs over its own (recording, gated or changed) getTagDetails. */
function withJobs<T extends Api>(api: T): T {
  return Object.assign(api, fakeDetailsJobs(api, { latencyMs: 1 }))
}

const repo = 'platform/api/server'
const poll = { timeout: 15_000, interval: 10 }

describe('tags store', () => {
  beforeEach(() => useTags.getState().close())

  it('sends the details job request before the table renders the listed tags', async () => {
    const fake = withJobs(createFakeApi({ latencyMs: 1 }))
    let jobRequests = 0
    installFake({
      ...fake,
      startTagDetails: (request) => {
        jobRequests++
        return fake.startTagDetails(request)
      },
    })
    let sentBeforeRender: boolean | null = null
    const unsubscribe = useTags.subscribe((state, previous) => {
      // React renders a store update in a microtask queued at the update, as this one is.
      if (state.status === 'ready' && previous.status !== 'ready') queueMicrotask(() => (sentBeforeRender ??= jobRequests > 0))
    })
    try {
      await useTags.getState().open('acme', repo)
    } finally {
      unsubscribe()
    }
    expect(sentBeforeRender).toBe(true)
  })

  it('has the core load the visible rows first, then every other tag once, and starts no request of its own', async () => {
    const { api, recorded } = recordingApi()
    installFake(api)
    await useTags.getState().open('acme', repo)
    const { tags, status } = useTags.getState()
    expect(status).toBe('ready')
    expect(tags.length).toBe(3000)

    const visible = tags.slice(2000, 2030)
    setDetailsPriority(visible, tags)
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(3000), poll)

    // The job's first picks may come before the table reports; the rows it reports come next, in order.
    const asked = recorded.batches.flat()
    const firstVisible = asked.indexOf(visible[0] ?? '')
    expect(firstVisible).toBeLessThanOrEqual(8)
    expect(asked.slice(firstVisible, firstVisible + visible.length)).toEqual(visible)
    // One tag per request slot, as many slots as the job has (the harness's: 4).
    expect(recorded.batches.every((batch) => batch.length === 1)).toBe(true)
    expect(recorded.maxInFlight).toBeLessThanOrEqual(4)
    // Every tag asked for exactly once.
    expect([...asked].sort()).toEqual([...tags].sort())
    expect(useTags.getState().inflight).toBe(0)
  }, 30_000)

  it('keeps a per-tag error and asks again on retry', async () => {
    const { api, recorded } = recordingApi()
    installFake(api)
    await useTags.getState().open('acme', repo)
    await vi.waitFor(() => expect(useTags.getState().rows.get('broken-manifest')?.result).toBeDefined(), poll)
    const failed = useTags.getState().rows.get('broken-manifest')?.result
    expect(failed?.ok).toBe(false)
    if (failed && !failed.ok) expect(failed.error.message).toMatch(/not valid JSON/)

    const before = recorded.batches.length
    useTags.getState().retry(['broken-manifest'])
    await vi.waitFor(() => expect(recorded.batches.slice(before).some((b) => b[0] === 'broken-manifest')).toBe(true), poll)
  })

  it('keeps the previous details on screen during a refresh and then asks for every tag again', async () => {
    const { api, recorded } = recordingApi()
    installFake(api)
    await useTags.getState().open('acme', 'web/admin')
    const count = useTags.getState().tags.length
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    const asked = recorded.batches.flat().length

    const refreshing = useTags.getState().refresh()
    expect(useTags.getState().loaded).toBe(0)
    expect(useTags.getState().rows.size).toBe(count)
    await refreshing
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    expect(recorded.batches.flat().length).toBe(asked + count)
  })

  it('asks again for the rows on screen first when refreshing', async () => {
    const { api, recorded } = recordingApi()
    installFake(api)
    await useTags.getState().open('acme', repo)
    const { tags } = useTags.getState()
    const onScreen = tags.slice(2000, 2030)
    setDetailsPriority(onScreen, tags)
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(tags.length), poll)

    const before = recorded.batches.length
    // The table does not report again: the refreshed list has the same tags, so its order is unchanged.
    await useTags.getState().refresh()
    await vi.waitFor(() => expect(recorded.batches.length).toBeGreaterThanOrEqual(before + onScreen.length), poll)
    expect(recorded.batches.slice(before).flat().slice(0, onScreen.length)).toEqual(onScreen)
  })

  it('reports a failed tag list as error data with a message', async () => {
    installFake(createFakeApi({ latencyMs: 1 }))
    await useTags.getState().open('no-such-registry', 'app')
    const { status, error } = useTags.getState()
    expect(status).toBe('error')
    expect(error?.code).toBe('not_found')
    expect(error?.message).toMatch(/no-such-registry/)
  })

  it('ignores answers for a repository that is no longer open', async () => {
    installFake(createFakeApi({ latencyMs: 5 }))
    const first = useTags.getState().open('acme', repo)
    const second = useTags.getState().open('acme', 'web/admin')
    await Promise.all([first, second])
    expect(useTags.getState().repository).toBe('web/admin')
    expect(useTags.getState().tags.length).toBeLessThan(100)
  })
})

/** A promise to hold a call back until the test lets it go. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined
  const wait = new Promise<void>((resolve) => {
    open = resolve
  })
  return { wait, open }
}

/**
 * The harness Api as if Berth had verified the repository in an earlier session, with each kind of
 * call held at a gate so a test decides what arrives first.
 */
function gatedApi(
  gates: { list?: Promise<void>; cached?: Promise<void>; details?: Promise<void> } = {},
  tweak: Partial<Api> = {},
): Api & { cachedAnswered: Promise<void> } {
  const fake = createFakeApi({ latencyMs: 1, seenBefore: true })
  const answered = gate()
  return withJobs({
    ...fake,
    cachedAnswered: answered.wait,
    listTags: async (req) => {
      await gates.list
      return fake.listTags(req)
    },
    getCachedTagDetails: async (req) => {
      await gates.cached
      const value = await (tweak.getCachedTagDetails ?? fake.getCachedTagDetails)(req)
      answered.open()
      return value
    },
    getTagDetails: async (req) => {
      await gates.details
      return (tweak.getTagDetails ?? fake.getTagDetails)(req)
    },
  })
}

const small = 'web/admin'

/** Once the cache's answer is out, a macrotask runs after every promise reaction it started. */
async function afterAnswer(answered: Promise<void>): Promise<void> {
  await answered
  await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('tags store: cached rows', () => {
  beforeEach(() => useTags.getState().close())

  it('shows the cached rows at once, marked as checking, while the registry has not answered', async () => {
    const details = gate()
    installFake(gatedApi({ details: details.wait }))
    await useTags.getState().open('acme', small)
    await vi.waitFor(() => expect([...useTags.getState().rows.values()].some((r) => r.checking === 'cache')).toBe(true), poll)

    const { tags, rows, checking, loaded } = useTags.getState()
    expect(checking).toBe(true)
    expect(loaded).toBe(0)
    const latest = rows.get('latest')
    expect(latest?.checking).toBe('cache')
    expect(latest?.result?.ok).toBe(true)
    // Every row shown is either cached (checking) or has nothing yet: none claims to be verified.
    for (const tag of tags) expect(rows.get(tag)?.checking ?? 'nothing yet').not.toBe(null)
    details.open()
  })

  it('spells the packed cache out as unpackCachedTagDetails does: one details object per tag, tags without details left out', async () => {
    const list = gate()
    const details = gate()
    const fake = createFakeApi({ latencyMs: 1, seenBefore: true })
    const packed = await fake.getCachedTagDetails({ registryId: 'acme', repository: small })
    // A tag naming a digest the cache has no details for.
    const withOrphan = { ...packed, tags: { ...packed.tags, 'orphan-tag': 'sha256:nothing-cached' } }
    installFake(gatedApi({ list: list.wait, details: details.wait }, { getCachedTagDetails: () => Promise.resolve(withOrphan) }))
    const opening = useTags.getState().open('acme', small)
    await vi.waitFor(() => expect(useTags.getState().rows.size).toBeGreaterThan(0), poll)

    const expected = unpackCachedTagDetails(withOrphan)
    const { rows, tags } = useTags.getState()
    expect(rows.has('orphan-tag')).toBe(false)
    expect(tags).toEqual(expected.map((d) => d.tag).sort())
    for (const d of expected) expect(rows.get(d.tag)?.result).toEqual({ tag: d.tag, ok: true, details: d })
    // Tags at one digest share nothing mutable: each row has its own details object.
    const objects = new Set([...rows.values()].map((r) => (r.result?.ok ? r.result.details : null)))
    expect(objects.size).toBe(rows.size)
    list.open()
    details.open()
    await opening
  })

  it('shows cached rows before the tag list arrives, and drops the tags the list no longer has', async () => {
    const list = gate()
    const details = gate()
    installFake(gatedApi({ list: list.wait, details: details.wait }))
    const opening = useTags.getState().open('acme', small)
    await vi.waitFor(() => expect(useTags.getState().rows.size).toBeGreaterThan(0), poll)
    expect(useTags.getState().status).toBe('loading')
    expect(useTags.getState().tags).toContain(goneSinceLastSession)

    list.open()
    await opening
    const { status, tags, rows } = useTags.getState()
    expect(status).toBe('ready')
    expect(tags).not.toContain(goneSinceLastSession)
    expect(rows.has(goneSinceLastSession)).toBe(false)
    details.open()
  })

  it('checks the cached rows in the order the table shows them, once the list confirms the same tags', async () => {
    const list = gate()
    const asked: string[][] = []
    const fake = createFakeApi({ latencyMs: 1 })
    installFake(
      gatedApi(
        { list: list.wait },
        {
          // The cache of this session: exactly the tags the registry lists.
          getCachedTagDetails: async (req) =>
            packCachedTagDetails(
              req.repository,
              (await fake.getTagDetails({ ...req, tags: (await fake.listTags(req)).tags })).flatMap((r) => (r.ok ? [r.details] : [])),
            ),
          getTagDetails: (req) => {
            asked.push([...req.tags])
            return fake.getTagDetails(req)
          },
        },
      ),
    )
    // 10,000 tags, every one with details: the cache covers exactly the registry's list.
    const opening = useTags.getState().open('acme', wideRepository)
    await vi.waitFor(() => expect(useTags.getState().rows.size).toBe(10_000), poll)
    // What the table reports for the cached rows: its own order (here: reversed), its first screen.
    const shownOrder = [...useTags.getState().tags].reverse()
    setDetailsPriority(shownOrder.slice(0, 30), shownOrder)
    list.open()
    await opening
    await vi.waitFor(() => expect(asked.length).toBeGreaterThanOrEqual(150), poll)
    expect(asked.slice(0, 150).flat()).toEqual(shownOrder.slice(0, 150))
  })

  it('never shows a cached row for a tag the registry list lacks, when the cache answers after the list', async () => {
    const cached = gate()
    const details = gate()
    installFake(gatedApi({ cached: cached.wait, details: details.wait }))
    await useTags.getState().open('acme', small)
    cached.open()
    await vi.waitFor(() => expect(useTags.getState().rows.size).toBeGreaterThan(0), poll)
    expect(useTags.getState().rows.has(goneSinceLastSession)).toBe(false)
    expect(useTags.getState().tags).not.toContain(goneSinceLastSession)
    details.open()
  })

  it('replaces each cached row with the registry answer: a moved tag shows its new digest', async () => {
    const details = gate()
    const fake = createFakeApi({ latencyMs: 1 })
    installFake(gatedApi({ details: details.wait }))
    await useTags.getState().open('acme', small)
    await vi.waitFor(() => expect(useTags.getState().rows.get('latest')?.checking).toBe('cache'), poll)
    expect(movedSinceLastSession.has('latest')).toBe(true)
    const cachedDigest = useTags.getState().rows.get('latest')?.result
    const current = (await fake.getTagDetails({ registryId: 'acme', repository: small, tags: ['latest'] }))[0]
    if (!cachedDigest?.ok || !current?.ok) throw new Error('fixture: latest should have details')
    expect(cachedDigest.details.digest).not.toBe(current.details.digest)

    details.open()
    const count = useTags.getState().tags.length
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    const latest = useTags.getState().rows.get('latest')
    expect(latest?.checking).toBeNull()
    expect(latest?.result?.ok && latest.result.details.digest).toBe(current.details.digest)
    for (const row of useTags.getState().rows.values()) expect(row.checking).toBeNull()
  })

  it('shows the error, not the cached details, when checking a cached tag fails', async () => {
    const stale: TagDetails | undefined = unpackCachedTagDetails(
      await createFakeApi({ latencyMs: 1, seenBefore: true }).getCachedTagDetails({ registryId: 'acme', repository: small }),
    ).find((d) => d.tag === 'latest')
    if (!stale) throw new Error('fixture: latest should be cached')
    installFake(
      gatedApi(
        {},
        {
          getTagDetails: (req) =>
            Promise.resolve(
              req.tags.map((tag) =>
                tag === 'latest'
                  ? { tag, ok: false as const, error: { code: 'forbidden' as const, message: 'No pull access to latest.' } }
                  : { tag, ok: true as const, details: { ...stale, tag } },
              ),
            ),
        },
      ),
    )
    await useTags.getState().open('acme', small)
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(useTags.getState().tags.length), poll)
    const latest = useTags.getState().rows.get('latest')
    expect(latest?.checking).toBeNull()
    expect(latest?.result?.ok).toBe(false)
    if (latest?.result && !latest.result.ok) expect(latest.result.error.message).toMatch(/No pull access/)
  })

  it('keeps a registry answer when the cache answers after it', async () => {
    const cached = gate()
    const api = gatedApi({ cached: cached.wait })
    installFake(api)
    await useTags.getState().open('acme', small)
    const count = useTags.getState().tags.length
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    cached.open()
    await afterAnswer(api.cachedAnswered)
    for (const row of useTags.getState().rows.values()) expect(row.checking).toBeNull()
  })

  it('marks the previous answers as checking during a refresh, until each is answered again', async () => {
    installFake(createFakeApi({ latencyMs: 1 }))
    await useTags.getState().open('acme', small)
    const count = useTags.getState().tags.length
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)

    const details = gate()
    const api = gatedApi({ details: details.wait })
    installFake(api)
    const refreshing = useTags.getState().refresh()
    for (const row of useTags.getState().rows.values()) expect(row.checking).toBe('earlier')
    await refreshing
    // The cache does not replace an earlier answer: that answer is at least as recent.
    await afterAnswer(api.cachedAnswered)
    for (const row of useTags.getState().rows.values()) expect(row.checking).toBe('earlier')
    details.open()
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(count), poll)
    for (const row of useTags.getState().rows.values()) expect(row.checking).toBeNull()
  })

  it('offers no digest to act on, and removes nothing in the live cleanup plan, until a row is verified', async () => {
    const details = gate()
    installFake(gatedApi({ details: details.wait }))
    await useTags.getState().open('acme', small)
    await vi.waitFor(() => expect(useTags.getState().rows.get('latest')?.checking).toBe('cache'), poll)
    const { tags, rows } = useTags.getState()
    for (const tag of tags) expect(verifiedDetailsOf(rows.get(tag))).toBeNull()
    const rules = { keepN: 0, keepRegex: '', removeRegex: '.*', olderThan: '', unlockLatest: true }
    const before = livePlan(small, tags, rows, rules, null, Date.now())
    expect(before.remove).toEqual([])
    expect(before.items.find((i) => i.tag === 'latest')?.why).toMatch(/checked with the registry/)

    details.open()
    await vi.waitFor(() => expect(useTags.getState().loaded).toBe(tags.length), poll)
    const verified = useTags.getState()
    expect(verifiedDetailsOf(verified.rows.get('latest'))?.digest).toMatch(/^sha256:/)
    expect(livePlan(small, verified.tags, verified.rows, rules, null, Date.now()).remove.length).toBeGreaterThan(0)
  })
})

describe('tags store instances', () => {
  beforeEach(() => useTags.getState().close())

  it('keep their loaders apart: two stores over two Apis load two repositories at once', async () => {
    const first = createTagsStore(apiClient(resultApiOf(createFakeApi({ latencyMs: 1 }))))
    const second = createTagsStore(apiClient(resultApiOf(createFakeApi({ latencyMs: 1 }))))
    await Promise.all([first.getState().open('acme', small), second.getState().open('acme', 'team/app')])
    await vi.waitFor(() => {
      expect(first.getState().loaded).toBe(first.getState().tags.length)
      expect(second.getState().loaded).toBe(second.getState().tags.length)
    }, poll)
    expect(first.getState().repository).toBe(small)
    expect(second.getState().repository).toBe('team/app')
    for (const row of first.getState().rows.values()) expect(row.checking).toBeNull()
    // The app's store saw none of it.
    expect(useTags.getState().repository).toBeNull()
    first.getState().dispose()
    second.getState().dispose()
  })

  it('stop their job and stop listening when disposed', async () => {
    const fake = createFakeApi({ latencyMs: 1 })
    const stopped: string[] = []
    let listening = 0
    const store = createTagsStore(
      apiClient(
        resultApiOf({
          ...fake,
          stopTagDetails: (req) => {
            stopped.push(req.jobId)
            return fake.stopTagDetails(req)
          },
          on: (event, listener) => {
            listening++
            const off = fake.on(event, listener)
            return () => {
              listening--
              off()
            }
          },
        }),
      ),
    )
    await store.getState().open('acme', repo)
    expect(listening).toBe(1)
    store.getState().dispose()
    expect(stopped).toHaveLength(1)
    expect(listening).toBe(0)
  })

  it('send the job the whole order again only when the table says its basis changed, not on every re-sort', async () => {
    const fake = createFakeApi({ latencyMs: 1 })
    const sentOrders: number[] = []
    const store = createTagsStore(
      apiClient(
        resultApiOf({
          ...fake,
          prioritizeTagDetails: (req) => {
            if (req.order !== undefined) sentOrders.push(req.order.length)
            return fake.prioritizeTagDetails(req)
          },
        }),
      ),
    )
    await store.getState().open('acme', repo)
    const { tags } = store.getState()
    const frame = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))
    const basis = {}
    // A date sort taking in answers: a new order array each frame, the same basis.
    for (let i = 0; i < 5; i++) {
      store.getState().setDetailsPriority(tags.slice(i, i + 20), [...tags].reverse(), basis)
      await frame()
    }
    expect(sentOrders).toHaveLength(1)
    // The user sorts another way: a new basis, sent once more.
    store.getState().setDetailsPriority(tags.slice(0, 20), [...tags], {})
    await frame()
    expect(sentOrders).toHaveLength(2)
    store.getState().dispose()
  })

  it('ask the core for nothing when a loaded table scrolls', async () => {
    const fake = createFakeApi({ latencyMs: 1 })
    let prioritized = 0
    const store = createTagsStore(
      apiClient(
        resultApiOf({
          ...fake,
          prioritizeTagDetails: (req) => {
            prioritized++
            return fake.prioritizeTagDetails(req)
          },
        }),
      ),
    )
    await store.getState().open('acme', small)
    await vi.waitFor(() => expect(store.getState().loaded).toBe(store.getState().tags.length), poll)
    const { tags } = store.getState()
    const before = prioritized
    for (let i = 0; i < 5; i++) {
      store.getState().setDetailsPriority(tags.slice(i, i + 5), tags)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(prioritized).toBe(before)
    store.getState().dispose()
  })
})

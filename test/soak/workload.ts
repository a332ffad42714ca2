// One soak iteration: what the app and the CLI do all day, through the fault proxy. The app's door
// (the dispatcher over the engine's Api table, as IPC and web mode call it) and the session methods
// the CLI calls take turns; every few iterations tags are pushed and deleted (tag mode, digest mode,
// and now and then a cleanup plan and run), the saved registry's session is dropped and rebuilt (what
// starring a repository or a new login does), and a CLI-style engine is created, used and closed.
import { request as undiciRequest, Agent } from 'undici'
import type { Dispatcher } from '../../electron/doors/api-dispatch'
import { createEngine, type Engine } from '../../electron/session/engine'
import type { RegistrySession } from '../../electron/session/registry-session'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import type { CleanupRulesInput } from '../../shared/cleanup-rules'
import { confirmationFor } from '../../shared/delete-confirmation'
import type { ApiMethod, ApiRequests, ApiResponses } from '../../shared/ipc'
import type { DeleteResult, TagDetailsResult } from '../../shared/types'
import type { FaultProxy } from '../lab/fault-proxy'
import { anchorPrefix, churnRepository, headTag, listChurnTags, putManifest, type ChurnImage, type ChurnImages } from './churn-images'
import { drawFaults } from './fault-plan'
import type { SeededRandom } from './seeded-random'
import type { LeakKind } from './soak-options'
import { bump, classifyData, classifyThrown, noteIncident, type SoakTally } from './soak-tally'
import { BoundExceeded, withinBound } from './watchdog'

export interface WorkloadOptions {
  engine: Engine
  profileId: string
  dispatch: Dispatcher
  proxy: FaultProxy
  /** The registry itself (no proxy): where the harness pushes and checks. */
  registryUrl: string
  images: ChurnImages
  /** Fixture repositories with their tags as seeded, for when a listing fails under a fault. */
  seededTags: ReadonlyMap<string, readonly string[]>
  /** Picks repositories and tag batches. */
  random: SeededRandom
  /** Draws each iteration's faults: a stream of its own, so iteration N gets the same faults for the same seed. */
  faultRandom: SeededRandom
  tally: SoakTally
  /** Passed to every session call that takes one: its listeners must all be gone between iterations. */
  runSignal: AbortSignal
  /** The CLI-style engines' data directory: kept across them, as a user's is across commands. */
  cliDataDirectory: string
  engineEnv: Record<string, string>
  operationBoundMs: number
  injectLeak: LeakKind | null
  log: (line: string) => void
  verbose: boolean
}

export interface Workload {
  /** A fault-free pass over every repository, so caches are full before anything is measured. */
  warmUp(): Promise<void>
  iteration(index: number): Promise<void>
  /** "iteration 12, deleteTags tag, faults: reset on manifest GET ×2": for a hang or the watchdog. */
  describe(): string
  /** Agents planted by `--inject-leak agents`, for the teardown to close after the checks. */
  plantedAgents(): Agent[]
}

/** Tag-details batch: about what the app asks for per visible page. */
const detailsBatch = 24
const warmUpBatch = 100
const churnEvery = 3
const cleanupEveryChurn = 4
/**
 * Tags one cleanup run deletes (the user's selection of a plan): deletions go one at a time, so a
 * run's length grows with the leftovers, and an unbounded one could outlast the operation bound on
 * a busy machine. Eight per run still removes leftovers faster than failed deletes leave them.
 */
const cleanupRunMax = 8
const forgetEvery = 10
const cliEvery = 7
const plantedAgentsPerIteration = 20

const cleanupRules: CleanupRulesInput = { removeRegex: '^[td]-[0-9]+-', keepRegex: `^${anchorPrefix}` }

export function createWorkload(options: WorkloadOptions): Workload {
  const { engine, profileId, dispatch, proxy, random, tally, runSignal } = options
  const known = new Map<string, readonly string[]>(options.seededTags)
  const fixtureRepositories = [...options.seededTags.keys()].filter((name) => name !== 'perf/many')
  const planted: Agent[] = []
  let state = { iteration: 0, operation: 'starting', faults: [] as string[] }
  let favoriteOn = false

  const session = (): RegistrySession => engine.session(profileId)
  const signal = { signal: runSignal }

  function incident(list: SoakTally['unexpected'], what: string): void {
    noteIncident(list, { iteration: state.iteration, operation: state.operation, what, faults: state.faults })
  }

  /** Runs one operation within its bound; a rejection is counted by code and answered with null. */
  async function attempt<T>(operation: string, run: () => Promise<T>): Promise<T | null> {
    bump(tally.operations, operation)
    state.operation = operation
    const started = performance.now()
    try {
      return await withinBound(operation, options.operationBoundMs, run())
    } catch (error) {
      if (error instanceof BoundExceeded) throw error
      const { code, unexpected } = classifyThrown(error)
      bump(tally.thrown, code)
      if (unexpected !== null) incident(tally.unexpected, unexpected)
      if (options.verbose) options.log(`    ${operation}: ${code}`)
      return null
    } finally {
      const took = Math.round(performance.now() - started)
      if (took > (tally.slowestMs[operation] ?? 0)) tally.slowestMs[operation] = took
    }
  }

  /** One call through the app's door: validated, errors as data, as IPC and web mode see them. */
  async function door<M extends ApiMethod>(method: M, request: ApiRequests[M]): Promise<ApiResponses[M] | null> {
    const answer = await attempt(`door:${method}`, () => dispatch(method, request))
    if (answer === null) return null
    if (answer.ok) return answer.value as ApiResponses[M]
    const { code, unexpected } = classifyData(answer.error)
    bump(tally.thrown, code)
    if (unexpected !== null) incident(tally.unexpected, unexpected)
    if (options.verbose) options.log(`    door:${method}: ${code}`)
    return null
  }

  /** Harness steps (pushes, checks straight at the registry) must work: a failure is the lab's, and reported. */
  async function harness<T>(what: string, run: () => Promise<T>): Promise<T | null> {
    state.operation = `harness: ${what}`
    try {
      return await withinBound(`harness: ${what}`, options.operationBoundMs, run())
    } catch (error) {
      if (error instanceof BoundExceeded) throw error
      incident(tally.unexpected, `harness ${what} failed: ${String(error)}`)
      return null
    }
  }

  function countRows(rows: readonly TagDetailsResult[] | null): void {
    for (const row of rows ?? []) {
      if (row.ok) continue
      const { code, unexpected } = classifyData(row.error)
      bump(tally.rowErrors, code)
      if (unexpected !== null) incident(tally.unexpected, `details row ${row.tag}: ${unexpected}`)
    }
  }

  function countDeletes(results: readonly DeleteResult[] | undefined): void {
    for (const result of results ?? []) {
      if (result.ok) {
        tally.deleted.ok++
        continue
      }
      tally.deleted.failed++
      const { code, unexpected } = classifyData(result.error)
      bump(tally.deleteErrors, code)
      if (unexpected !== null) incident(tally.unexpected, `delete ${result.tag}: ${unexpected}`)
    }
  }

  function pickRepository(): string {
    return random.weighted([
      { weight: 3, value: churnRepository },
      { weight: 1, value: 'perf/many' },
      ...fixtureRepositories.map((name) => ({ weight: 8 / fixtureRepositories.length, value: name })),
    ])
  }

  function tagsOf(repository: string, listed: readonly string[] | null): readonly string[] {
    if (listed !== null && listed.length > 0) {
      // Only what the registry really holds: a fault's endless pages must not become the fallback.
      if (listed.length < 5_000) known.set(repository, listed)
      return listed
    }
    return known.get(repository) ?? []
  }

  /** The renderer's sequence: cached rows, the catalog, the tag list, details for what is on screen. */
  async function browse(viaDoor: boolean): Promise<void> {
    const repository = pickRepository()
    if (viaDoor) {
      await door('listRepositories', { registryId: profileId })
      await door('getCachedTagDetails', { registryId: profileId, repository })
      const list = await door('listTags', { registryId: profileId, repository })
      const batch = random.sample(tagsOf(repository, list?.tags ?? null), detailsBatch)
      if (batch.length > 0) countRows(await door('getTagDetails', { registryId: profileId, repository, tags: batch }))
      return
    }
    await attempt('listRepositories', () => session().listRepositories())
    const list = await attempt('listTags', () => session().listTags(repository, signal))
    const batch = random.sample(tagsOf(repository, list?.tags ?? null), detailsBatch)
    if (batch.length > 0) {
      countRows(await attempt('getTagDetails', () => session().getTagDetails(repository, batch, { ...signal, persist: 'background' })))
    }
  }

  async function pushTags(image: ChurnImage, tags: readonly string[]): Promise<void> {
    await harness(`push ${tags.join(', ')}`, () => Promise.all(tags.map((tag) => putManifest(options.registryUrl, image, tag))))
  }

  /** Preview, confirm exactly what the preview showed, delete: the dialog's flow (or `berth rm`). */
  async function previewAndDelete(tags: string[], mode: 'tag' | 'digest', viaDoor: boolean): Promise<void> {
    if (viaDoor) {
      const preview = await door('previewDelete', { registryId: profileId, repository: churnRepository, tags, mode })
      if (preview === null) return
      const request = { registryId: profileId, repository: churnRepository, tags, mode, expectedDigests: confirmationFor(preview) }
      countDeletes((await door('deleteTags', request))?.results)
      return
    }
    const preview = await attempt(`previewDelete ${mode}`, () => session().previewDelete(churnRepository, tags, mode, signal))
    if (preview === null) return
    const expectedDigests = confirmationFor(preview)
    countDeletes(
      (await attempt(`deleteTags ${mode}`, () => session().deleteTags(churnRepository, { tags, mode, expectedDigests }, signal))) ??
        undefined,
    )
  }

  async function cleanup(viaDoor: boolean): Promise<void> {
    if (viaDoor) {
      const plan = await door('previewCleanup', { registryId: profileId, repository: churnRepository, rules: cleanupRules })
      if (plan === null || plan.remove.length === 0) return
      const tags = plan.remove.slice(0, cleanupRunMax)
      const request = { registryId: profileId, repository: churnRepository, tags, expectedDigests: plan.expectedDigests }
      countDeletes((await door('runCleanup', request))?.results)
      return
    }
    const plan = await attempt('planCleanup', () => session().planCleanup(churnRepository, cleanupRules, signal))
    if (plan === null || plan.remove.length === 0) return
    const tags = plan.remove.slice(0, cleanupRunMax)
    const run = await attempt('runCleanup', () => session().runCleanup(churnRepository, tags, plan.expectedDigests, signal))
    countDeletes(run?.results)
  }

  /** Anchors are never asked to go: if one moved or vanished, a delete took more than it was confirmed for. */
  async function checkAnchors(): Promise<void> {
    for (const [index, image] of options.images.anchored.entries()) {
      const tag = `${anchorPrefix}${index}`
      const digest = await harness(`check ${tag}`, () => headTag(options.registryUrl, tag))
      if (digest === image.digest) continue
      noteIncident(tally.safetyViolations, {
        iteration: state.iteration,
        operation: state.operation,
        what: `${churnRepository}:${tag} is ${digest ?? 'gone'}, expected ${image.digest}`,
        faults: state.faults,
      })
      await pushTags(image, [tag])
    }
  }

  async function churn(round: number, viaDoor: boolean): Promise<void> {
    const anchored = options.images.anchored[round % options.images.anchored.length]
    const loose = options.images.digest[round % options.images.digest.length]
    if (anchored === undefined || loose === undefined) throw new Error('churn images missing')
    const tagModeTags = [`t-${round}-a`, `t-${round}-b`]
    const digestModeTags = [`d-${round}-a`, `d-${round}-b`]
    await pushTags(anchored, tagModeTags)
    await pushTags(loose, digestModeTags)
    await previewAndDelete(tagModeTags, 'tag', viaDoor)
    // Picking one tag of the digest: the preview must name the other, and the delete take both.
    await previewAndDelete(digestModeTags.slice(0, 1), 'digest', viaDoor)
    // Cleanup rounds alternate doors on their own: tied to the churn's door they would always take the same one.
    if (round % cleanupEveryChurn === 0) await cleanup((round / cleanupEveryChurn) % 2 === 1)
    await checkAnchors()
    const live = await harness('list churn tags', () => listChurnTags(options.registryUrl))
    if (live !== null) tally.peakChurnTags = Math.max(tally.peakChurnTags, live.length)
  }

  /** Starring a repository rewrites the profile and drops the registry's session: the next call builds a new one. */
  async function toggleFavorite(): Promise<void> {
    favoriteOn = !favoriteOn
    const request = { registryId: profileId, repository: 'soak/favorite' }
    await (favoriteOn ? door('addFavorite', request) : door('removeFavorite', request))
  }

  /** `berth tags <host>/<repo> --details`: an engine of its own, a bare address (https, then plain http), closed after. */
  async function cliRun(): Promise<void> {
    const cliEngine = createEngine({
      dataDirectory: options.cliDataDirectory,
      secrets: createMemorySecretStore(),
      env: options.engineEnv,
      certsDirs: [],
    })
    try {
      const cliSession = cliEngine.sessionForAddress(proxy.host)
      const repository = pickRepository()
      const list = await attempt('cli listTags', () => cliSession.listTags(repository, signal))
      const tags = tagsOf(repository, list?.tags ?? null).slice(0, 10)
      if (tags.length > 0) {
        countRows(
          await attempt('cli getTagDetails', () => cliSession.getTagDetails(repository, [...tags], { ...signal, persist: 'await' })),
        )
      }
    } finally {
      await attempt('cli close', () => cliEngine.close())
    }
  }

  /** Self-test only: what a transport that made an Agent per request and never closed it would do. */
  async function plantLeak(): Promise<void> {
    if (options.injectLeak === 'listeners') {
      runSignal.addEventListener('abort', () => undefined)
      return
    }
    if (options.injectLeak !== 'agents') return
    state.operation = 'planting leaked agents'
    await Promise.all(
      Array.from({ length: plantedAgentsPerIteration }, async () => {
        const agent = new Agent({ keepAliveTimeout: 600_000, headersTimeout: 5_000, bodyTimeout: 5_000 })
        planted.push(agent)
        try {
          const answer = await undiciRequest(`${proxy.url}/v2/`, { dispatcher: agent })
          await answer.body.dump()
        } catch {
          // Only the socket left behind matters here.
        }
      }),
    )
  }

  /** Counts what the proxy did since the last call and empties its log (it would grow for the whole run). */
  function drainProxyLog(): void {
    for (const entry of proxy.requests) {
      tally.requestsSeen++
      if (entry.fault !== null) bump(tally.faultsApplied, entry.fault)
      if (!entry.path.includes('last=')) continue
      if (entry.path.startsWith('/v2/_catalog')) tally.laterPages.catalog++
      else if (entry.path.includes('/tags/list')) tally.laterPages.tags++
    }
    proxy.requests.length = 0
  }

  return {
    async warmUp() {
      state = { iteration: 0, operation: 'warm-up', faults: [] }
      await browse(true)
      await attempt('listRepositories', () => session().listRepositories())
      for (const repository of [...known.keys(), churnRepository]) {
        const list = await attempt('listTags', () => session().listTags(repository, signal))
        const tags = tagsOf(repository, list?.tags ?? null)
        // In the app's batch sizes: perf/many's 1,000 tags at once can outlast an operation's bound on a busy machine.
        for (let start = 0; start < tags.length; start += warmUpBatch) {
          const batch = tags.slice(start, start + warmUpBatch)
          countRows(await attempt('getTagDetails', () => session().getTagDetails(repository, batch, { ...signal, persist: 'background' })))
        }
      }
      await churn(0, false)
      await churn(0, true)
      await cleanup(false)
      await cliRun()
      drainProxyLog()
    },

    async iteration(index) {
      const armed = drawFaults(options.faultRandom)
      state = { iteration: index, operation: 'arming faults', faults: armed.labels }
      if (options.verbose) options.log(`  #${index} faults: ${armed.labels.join('; ') || 'none'}`)
      proxy.setRules(armed.rules)
      try {
        // Odd iterations through the app's door, even ones through the session as the CLI calls it.
        const viaDoor = index % 2 === 1
        await browse(viaDoor)
        if (index % churnEvery === 0) await churn(index / churnEvery, viaDoor)
        if (index % forgetEvery === 0) await toggleFavorite()
        if (index % cliEvery === 0) await cliRun()
      } finally {
        proxy.setRules([])
        drainProxyLog()
        state.operation = 'between iterations'
      }
      await plantLeak()
    },

    describe: () =>
      `iteration ${state.iteration}, ${state.operation}; faults armed: ${state.faults.length > 0 ? state.faults.join('; ') : 'none'}`,

    plantedAgents: () => planted,
  }
}

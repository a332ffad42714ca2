// The details of one open repository in the app, loaded in the order the user needs them: the rows
// on screen, then a margin around them, then every other tag in the table's order (so sorting by
// date or size eventually covers all of them). The renderer reports its priorities as the user
// scrolls, sorts or filters; each request slot, when it frees up, takes the most wanted tag at that
// moment, so background work delays a visible row by one request at most. Rows are handed out one by
// one as they complete. Stopping the job (the user left the repository) aborts its requests.
import { setMaxListeners } from 'node:events'
import type { TagDetailsResult } from '../../shared/types'
import type { TagDetailsStream, TagSource } from '../operations/tag-details-stream'
import type { RegistryProvider } from '../providers/provider'

export interface DetailsPriority {
  /** Tags on screen now. */
  visible: readonly string[]
  /** Tags just above and below the screen: next, before the rest. */
  margin: readonly string[]
  /** Every tag in the order the table shows them; omitted when unchanged. */
  order?: readonly string[]
  /** Tags to load again (a retry), even if they were answered. */
  requeue?: readonly string[]
}

export interface DetailsJob {
  readonly repository: string
  prioritize(priority: DetailsPriority): void
  /** Aborts the requests in flight and takes no further tag. */
  stop(): void
  /** How many tags were answered so far. */
  answered(): number
  readonly finished: Promise<void>
}

export interface DetailsJobOptions {
  provider: RegistryProvider
  repository: string
  /** Every tag of the repository as listed. */
  tags: readonly string[]
  /** The first priorities, known when the job starts (the rows already on screen). */
  priority?: DetailsPriority
  onResult: (result: TagDetailsResult) => void
  /** Request slots when the provider has no stream of its own (GitLab, Docker Hub). */
  concurrency: number
}

export function createDetailsJob(options: DetailsJobOptions): DetailsJob {
  const { provider, repository } = options
  const controller = new AbortController()
  // Every request in flight listens on this signal: 32 slots are not a listener leak.
  setMaxListeners(0, controller.signal)
  const known = new Set(options.tags)
  /** Tags not answered and not in flight. */
  const waiting = new Set(options.tags)
  // The first priorities hold before the first slot takes a tag.
  let visible: readonly string[] = options.priority?.visible.filter((tag) => known.has(tag)) ?? []
  let margin: readonly string[] = options.priority?.margin.filter((tag) => known.has(tag)) ?? []
  let order: readonly string[] = options.priority?.order ?? options.tags
  /** Where the scan of `order` resumes: everything before it was taken already. */
  let orderCursor = 0
  let answeredCount = 0

  const takeFrom = (list: readonly string[]): string | null => {
    for (const tag of list) {
      if (waiting.has(tag)) {
        waiting.delete(tag)
        return tag
      }
    }
    return null
  }

  const source: TagSource = {
    next() {
      if (controller.signal.aborted || waiting.size === 0) return null
      const wanted = takeFrom(visible) ?? takeFrom(margin)
      if (wanted !== null) return wanted
      while (orderCursor < order.length) {
        const tag = order[orderCursor++] as string
        if (waiting.has(tag)) {
          waiting.delete(tag)
          return tag
        }
      }
      // Tags the order does not name (a filter hides them): still loaded, last.
      const [rest] = waiting
      if (rest === undefined) return null
      waiting.delete(rest)
      return rest
    },
  }

  const deliver = (result: TagDetailsResult): void => {
    answeredCount++
    options.onResult(result)
  }
  const stream: TagDetailsStream = provider.streamTagDetails
    ? provider.streamTagDetails(repository, source, { signal: controller.signal, onResult: deliver })
    : pullThroughGetTagDetails(provider, repository, source, options.concurrency, controller.signal, deliver)

  const job: DetailsJob = {
    repository,
    prioritize(priority) {
      visible = priority.visible.filter((tag) => known.has(tag))
      margin = priority.margin.filter((tag) => known.has(tag))
      if (priority.order) {
        order = priority.order
        orderCursor = 0
      }
      for (const tag of priority.requeue ?? []) {
        if (!known.has(tag)) continue
        waiting.add(tag)
        // A retried tag may sit before the cursor: scan the order again.
        orderCursor = 0
      }
      stream.wake()
    },
    stop: () => controller.abort(),
    answered: () => answeredCount,
    finished: stream.finished,
  }
  return job
}

/** For providers without a stream: slots that each load one tag at a time through getTagDetails. */
function pullThroughGetTagDetails(
  provider: RegistryProvider,
  repository: string,
  source: TagSource,
  concurrency: number,
  signal: AbortSignal,
  onResult: (result: TagDetailsResult) => void,
): TagDetailsStream {
  let wakeIdle: (() => void) | null = null
  let idle = new Promise<void>((resolve) => (wakeIdle = resolve))
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
  const slot = async (): Promise<void> => {
    while (!signal.aborted) {
      const tag = source.next()
      if (tag === null) {
        await Promise.race([idle, stopped])
        continue
      }
      const [result] = await provider.getTagDetails(repository, [tag], { signal, persist: 'background' })
      if (signal.aborted) break
      if (result) onResult(result)
    }
  }
  const finished = Promise.all(Array.from({ length: Math.max(1, concurrency) }, () => slot())).then(() => undefined)
  return {
    wake() {
      const resolve = wakeIdle
      idle = new Promise<void>((next) => (wakeIdle = next))
      resolve?.()
    },
    finished,
  }
}

// Tag details for a repository as a stream that pulls its next tag from a caller-owned source each
// time a request slot frees up: the app's table changes which tags matter most (visible rows, then a
// margin, then the rest) while the stream runs, and a slot always takes the most wanted tag at that
// moment. One content loader and one set of tag hints serve the whole stream, so tags that share a
// config or a digest cost what they cost in loadTagDetails (tag-details.ts): no request twice.
import { toErrorData } from '../../shared/errors'
import type { TagDetailsResult } from '../../shared/types'
import type { RegistryClient } from '../http/client-types'
import type { DigestCache } from '../stores/cache/digest-cache'
import { tagIndexForCache } from '../stores/cache/tag-index'
import { createContentLoader } from './content-loader'
import { defaultTagDetailsConcurrency, detailsForTag } from './tag-details'

export interface TagSource {
  /** The tag to load next, or null when there is nothing to do right now (the stream then waits for wake()). */
  next(): string | null
}

export interface TagDetailsStreamOptions {
  cache?: DigestCache
  /** Request slots. */
  concurrency?: number
  /** Aborting it stops the stream: no new tag is taken and the requests in flight are aborted. */
  signal: AbortSignal
  /** Each row as soon as it is known. */
  onResult: (result: TagDetailsResult) => void
}

export interface TagDetailsStream {
  /** The source has tags again: idle slots take them. */
  wake(): void
  /** Resolves once the stream was stopped and every slot has finished. */
  readonly finished: Promise<void>
}

export function streamTagDetails(
  client: RegistryClient,
  repository: string,
  source: TagSource,
  options: TagDetailsStreamOptions,
): TagDetailsStream {
  const { signal } = options
  const loader = createContentLoader(client, options.cache, signal)
  const index = options.cache ? tagIndexForCache(options.cache) : null
  const hintsReady = index ? index.open(client.endpoint.host, repository) : Promise.resolve(undefined)
  let wakeIdle: (() => void) | null = null
  let idle: Promise<void> = Promise.resolve()
  const sleep = (): void => {
    idle = new Promise((resolve) => (wakeIdle = resolve))
  }
  sleep()
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })

  async function slot(): Promise<void> {
    const hints = await hintsReady
    while (!signal.aborted) {
      const tag = source.next()
      if (tag === null) {
        // Nothing wanted now: wait for new priorities (a retry, say) or the end of the stream.
        await Promise.race([idle, stopped])
        continue
      }
      let result: TagDetailsResult
      try {
        result = { tag, ok: true, details: await detailsForTag(loader, repository, tag, hints) }
      } catch (error) {
        result = { tag, ok: false, error: toErrorData(error) }
      }
      // A stopped stream's rows belong to nobody: the caller has moved on.
      if (signal.aborted) break
      try {
        options.onResult(result)
      } catch {
        // A listener's bug must not stop the stream.
      }
      hints?.saveSoon()
    }
  }

  const slots = Math.max(1, options.concurrency ?? defaultTagDetailsConcurrency)
  const finished = Promise.all(Array.from({ length: slots }, () => slot())).then(() => undefined)
  return {
    wake() {
      const resolve = wakeIdle
      sleep()
      resolve?.()
    },
    finished,
  }
}

// Bounds of one listing across its pages (catalog, tags/list, GitLab's /gitlab/v1 and REST, the
// Docker Hub API): a deadline for the whole walk and budgets for the entries and bytes gathered. A
// registry decides how many pages it announces and how big each is (docs/registry-notes.md
// "Listing"), so without these an endless `Link: rel="next"` with big pages grows the process
// until V8 aborts, and a slow one keeps the CLI and the UI waiting for ever.
//
// It also names the page of a failure: once a page has arrived, a failing later page means the
// listing cannot be complete, and the error must say so rather than pass for "no catalog" or
// end the list early.
import { AsyncLocalStorage } from 'node:async_hooks'
import { BerthError } from '../../shared/errors'
import { formatSeconds, listingVariables, maxTimerMs, type ListingLimits } from './http-limits'

export interface ListingGuard {
  /** For every page request: aborts with a timeout BerthError at the deadline, or with the caller's signal. */
  readonly signal: AbortSignal
  /** 1-based number of the page being read (before the first `addPage`: 1). */
  readonly page: number
  /** Entries accepted so far. */
  readonly items: number
  /** Counts one page; throws invalid_response when the listing crosses a budget (nothing of it is kept). */
  addPage(bodyBytes: number, items: number): void
  /** Throws the deadline error (or the caller's cancellation) when the signal has fired. */
  throwIfStopped(): void
  /**
   * A failure while reading the current page, for the caller to throw: page 1's as it is, a later
   * page's naming the page and what had arrived, since the listing can no longer be complete.
   */
  pageFailure(error: BerthError): BerthError
  finish(): void
}

export interface ListingGuardInput {
  /** What is listed, for messages: "the catalog of host", "the tags of a/b". */
  what: string
  /** Singular and plural noun of an entry: ['repository', 'repositories'], ['tag', 'tags']. */
  entry: readonly [string, string]
  limits: ListingLimits
  callerSignal?: AbortSignal
}

/** One page of one listing arrived: the entries and pages of that listing so far. */
export type ListingPageListener = (page: { listing: object; entry: readonly [string, string]; items: number; pages: number }) => void

// The app shows counts while a long listing pages in. The listener rides the async context of the
// call that started the listing, so providers, clients and APIs (catalog, tags/list, GitLab's
// REST and /gitlab/v1, the Hub API) report through their guard without a callback in every signature.
const pageListeners = new AsyncLocalStorage<ListingPageListener>()

/** Runs `work` with `listener` told about every page of every listing it starts. */
export function withListingPages<T>(listener: ListingPageListener, work: () => Promise<T>): Promise<T> {
  return pageListeners.run(listener, work)
}

function countOf(count: number, entry: readonly [string, string]): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? entry[0] : entry[1]}`
}

/** Statuses that mean "this page is not there" on page 1 but "the pagination broke" on a later page. */
const absentPageStatuses = new Set([404, 405])

export function startListingGuard(input: ListingGuardInput): ListingGuard {
  const { limits, callerSignal, what, entry } = input
  const onPage = pageListeners.getStore()
  const listing = {}
  const controller = new AbortController()
  let pagesDone = 0
  let items = 0
  let bytes = 0
  const startedAt = Date.now()
  // The guard's own errors (deadline, budgets) already speak of the listing as a whole.
  const ownErrors = new WeakSet<BerthError>()
  const own = (error: BerthError): BerthError => {
    ownErrors.add(error)
    return error
  }

  const onCallerAbort = (): void => controller.abort(callerSignal?.reason)
  if (callerSignal?.aborted === true) controller.abort(callerSignal.reason)
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true })

  const timer = setTimeout(
    () => {
      controller.abort(
        own(
          new BerthError({
            code: 'timeout',
            message:
              `Listing ${what} did not finish within ${formatSeconds(limits.deadlineMs)}: ${countOf(items, entry)} had arrived over ` +
              `${pagesDone} page${pagesDone === 1 ? '' : 's'}; Berth stopped listing.`,
            fix:
              'The registry is slow or keeps announcing more pages. Retry later; to allow more time, set ' +
              `${listingVariables.deadlineMs} (milliseconds, now ${limits.deadlineMs}).`,
          }),
        ),
      )
    },
    Math.min(limits.deadlineMs, maxTimerMs),
  )
  timer.unref()

  function budgetError(kind: 'items' | 'bytes', pageItems: number, pageBytes: number): BerthError {
    const limit = kind === 'items' ? `${countOf(limits.maxItems, entry)}` : `${limits.maxBytes.toLocaleString('en-US')} bytes`
    const variable = kind === 'items' ? listingVariables.maxItems : listingVariables.maxBytes
    const current = kind === 'items' ? limits.maxItems : limits.maxBytes
    return own(
      new BerthError({
        code: 'invalid_response',
        message:
          `Listing ${what} passed ${limit}: ${countOf(items + pageItems, entry)} (${(bytes + pageBytes).toLocaleString('en-US')} bytes) ` +
          `had arrived over ${pagesDone + 1} page${pagesDone === 0 ? '' : 's'}; Berth stopped listing rather than exhaust memory.`,
        fix:
          `If the registry really holds that many, raise ${variable} (now ${current}); ` +
          "otherwise its pagination does not end: report it to the registry's operator.",
      }),
    )
  }

  return {
    signal: controller.signal,
    get page() {
      return pagesDone + 1
    },
    get items() {
      return items
    },
    addPage(bodyBytes, pageItems) {
      if (items + pageItems > limits.maxItems) throw budgetError('items', pageItems, bodyBytes)
      if (bytes + bodyBytes > limits.maxBytes) throw budgetError('bytes', pageItems, bodyBytes)
      items += pageItems
      bytes += bodyBytes
      pagesDone++
      try {
        onPage?.({ listing, entry, items, pages: pagesDone })
      } catch {
        // A listener's failure must not fail the listing.
      }
    },
    throwIfStopped() {
      if (!controller.signal.aborted) return
      const reason: unknown = controller.signal.reason
      if (reason instanceof BerthError) throw reason
      throw new BerthError({ code: 'cancelled', message: `Listing ${what} was cancelled.` })
    },
    pageFailure(error) {
      if (pagesDone === 0 || error.code === 'cancelled' || ownErrors.has(error)) return error
      const status = error.data.status
      const broken = status !== undefined && absentPageStatuses.has(status)
      const elapsed = formatSeconds(Date.now() - startedAt)
      return new BerthError(
        {
          ...error.data,
          ...(broken ? { code: 'invalid_response' as const } : {}),
          message:
            `Page ${pagesDone + 1} of ${what} failed after ${countOf(items, entry)} had arrived (${elapsed}), so the listing is ` +
            `incomplete: ${error.message}`,
          fix: broken
            ? 'The registry announced a next page it then did not serve; retry, and if it persists report it to its operator.'
            : (error.data.fix ?? 'Retry the listing.'),
        },
        { cause: error },
      )
    },
    finish() {
      clearTimeout(timer)
      callerSignal?.removeEventListener('abort', onCallerAbort)
    },
  }
}

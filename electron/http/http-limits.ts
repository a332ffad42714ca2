// How long and how much Berth lets a registry take (issue 17, "Bounded everything"). Idle timers
// alone let a server that sends a byte every few seconds hold a request open for ever, and a page
// cap alone lets big pages with an endless `Link: rel="next"` grow the process until V8 aborts
// (docs/registry-notes.md "Listing": a registry controls the page count and every page's size).
// So every request has total deadlines, and every listing a deadline and item/byte budgets.
//
// Each bound comes, first found wins, from an option of the transport/client, from an environment
// variable (so the CLI and tests can shorten or widen them without code), or from the defaults:
//
//   BERTH_HEADERS_TIMEOUT_MS         30000      request sent → complete response headers
//   BERTH_BODY_TIMEOUT_MS            60000      response body: this much, plus …
//   BERTH_BODY_MIN_BYTES_PER_SECOND  65536      … one second per this many bytes expected
//   BERTH_LISTING_TIMEOUT_MS         600000     one listing across all its pages
//   BERTH_LISTING_MAX_ITEMS          2000000    entries in one listing
//   BERTH_LISTING_MAX_BYTES          268435456  response bytes of one listing (256 MiB)
//
// Values that are not positive whole numbers are ignored (the default applies).

export interface HttpDeadlines {
  /** From sending a request (connecting included) to its complete response headers. */
  headersMs: number
  /** A response body gets this long plus one second per `bodyMinBytesPerSecond` bytes expected. */
  bodyBaseMs: number
  /**
   * The slowest average rate a body may arrive at. Its length is the Content-Length where sent, else
   * what arrived so far (and the body cap bounds that), so a trickle fails after about `bodyBaseMs`.
   */
  bodyMinBytesPerSecond: number
}

export interface ListingLimits {
  /** One listing (catalog, tags, a provider's API) across all of its pages. */
  deadlineMs: number
  maxItems: number
  /** Sum of the response bodies of every page. */
  maxBytes: number
}

export const defaultHttpDeadlines: Readonly<HttpDeadlines> = {
  headersMs: 30_000,
  bodyBaseMs: 60_000,
  bodyMinBytesPerSecond: 64 * 1024,
}

export const defaultListingLimits: Readonly<ListingLimits> = {
  deadlineMs: 10 * 60_000,
  maxItems: 2_000_000,
  maxBytes: 256 * 1024 * 1024,
}

/** The environment variable behind each bound, named in the errors that bound produces. */
export const deadlineVariables: Readonly<Record<keyof HttpDeadlines, string>> = {
  headersMs: 'BERTH_HEADERS_TIMEOUT_MS',
  bodyBaseMs: 'BERTH_BODY_TIMEOUT_MS',
  bodyMinBytesPerSecond: 'BERTH_BODY_MIN_BYTES_PER_SECOND',
}

export const listingVariables: Readonly<Record<keyof ListingLimits, string>> = {
  deadlineMs: 'BERTH_LISTING_TIMEOUT_MS',
  maxItems: 'BERTH_LISTING_MAX_ITEMS',
  maxBytes: 'BERTH_LISTING_MAX_BYTES',
}

export type Environment = Readonly<Record<string, string | undefined>>

function positiveWholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined
  const parsed = Number(value.trim())
  return parsed > 0 ? parsed : undefined
}

function resolveBounds<Key extends string>(
  defaults: Readonly<Record<Key, number>>,
  variables: Readonly<Record<Key, string>>,
  given: Partial<Record<Key, number>> | undefined,
  environment: Environment,
): Record<Key, number> {
  const resolved: Record<Key, number> = { ...defaults }
  for (const key of Object.keys(defaults) as Key[]) {
    const option = given?.[key]
    const fromEnvironment = positiveWholeNumber(environment[variables[key]])
    if (option !== undefined && Number.isFinite(option) && option > 0) resolved[key] = option
    else if (fromEnvironment !== undefined) resolved[key] = fromEnvironment
  }
  return resolved
}

/** Options first, then BERTH_* variables, then the defaults. */
export function resolveHttpDeadlines(given?: Partial<HttpDeadlines>, environment: Environment = process.env): HttpDeadlines {
  return resolveBounds(defaultHttpDeadlines, deadlineVariables, given, environment)
}

/** Options first, then BERTH_* variables, then the defaults. */
export function resolveListingLimits(given?: Partial<ListingLimits>, environment: Environment = process.env): ListingLimits {
  return resolveBounds(defaultListingLimits, listingVariables, given, environment)
}

/** Node's setTimeout turns a longer delay into 1 ms (TimeoutOverflowWarning): timers are capped here. */
export const maxTimerMs = 2 ** 31 - 1

/** "1.5 s", "90 s": deadlines in messages. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000
  return `${seconds < 10 ? Number(seconds.toFixed(1)) : Math.round(seconds)} s`
}

// What the soak counts while it runs: operations per kind and how long the slowest took, errors
// per code (thrown, per tag-details row, per delete result), and everything that must not happen at
// all: a failure that is not a BerthError, a code no fault explains, an operation that hung.
import { isBerthError, type BerthErrorData, type ErrorCode } from '../../shared/errors'

/** Codes the injected faults explain: transport, deadlines, registry answers, delete safety. */
export const expectedCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'network',
  'timeout',
  'server_error',
  'rate_limited',
  'invalid_response',
  'digest_mismatch',
  'conflict',
  'unauthorized',
  'forbidden',
  'not_found',
  'unsafe_redirect',
  'unsupported',
  'delete_disabled',
])

export interface Incident {
  iteration: number
  operation: string
  what: string
  faults: string[]
}

export interface SoakTally {
  operations: Record<string, number>
  slowestMs: Record<string, number>
  /** Operations that rejected, by error code. */
  thrown: Record<string, number>
  /** getTagDetails rows that failed, by error code. */
  rowErrors: Record<string, number>
  /** Delete and cleanup results that failed, by error code. */
  deleteErrors: Record<string, number>
  deleted: { ok: number; failed: number }
  /** Fault kinds the proxy applied, by kind. */
  faultsApplied: Record<string, number>
  requestsSeen: number
  /** Catalog and tag-list pages after the first that went through the proxy: proof the listings paged. */
  laterPages: { catalog: number; tags: number }
  /** Process warnings (MaxListenersExceededWarning …) by name and message, counted instead of printed each time. */
  warnings: Record<string, number>
  /** Not a BerthError, a code no fault explains, an `internal` error row. */
  unexpected: Incident[]
  hangs: Incident[]
  /** A tag-mode delete removed an anchor it was never asked to (tag-safe deletion broken). */
  safetyViolations: Incident[]
  peakChurnTags: number
}

export function createTally(): SoakTally {
  return {
    operations: {},
    slowestMs: {},
    thrown: {},
    rowErrors: {},
    deleteErrors: {},
    deleted: { ok: 0, failed: 0 },
    faultsApplied: {},
    requestsSeen: 0,
    laterPages: { catalog: 0, tags: 0 },
    warnings: {},
    unexpected: [],
    hangs: [],
    safetyViolations: [],
    peakChurnTags: 0,
  }
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}

/** Keeps the report readable when one bug repeats a thousand times. */
const maxIncidents = 50

export function noteIncident(list: Incident[], incident: Incident): void {
  if (list.length < maxIncidents) list.push(incident)
}

/** Counts a rejected operation; returns the incident text when it was not an expected BerthError. */
export function classifyThrown(error: unknown): { code: string; unexpected: string | null } {
  if (!isBerthError(error)) {
    const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)
    return { code: 'not a BerthError', unexpected: text.slice(0, 2000) }
  }
  return { code: error.code, unexpected: expectedCodes.has(error.code) ? null : `${error.code}: ${error.message}` }
}

/** The same for an error carried as data (a details row, a delete result, an IPC answer). */
export function classifyData(error: BerthErrorData | undefined): { code: string; unexpected: string | null } {
  if (error === undefined) return { code: 'missing error', unexpected: 'a failed result without an error' }
  return { code: error.code, unexpected: expectedCodes.has(error.code) ? null : `${error.code}: ${error.message}` }
}

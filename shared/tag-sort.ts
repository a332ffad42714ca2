// Tag ordering and filtering, shared by the renderer and the CLI (pure, tested in Node).

export interface SemverParts {
  core: [string, string, string]
  pre: string[]
}

const semverPattern =
  /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

/** `v1.2` → 1.2.0; null for tags that are not versions (latest, main, sha-abc). */
export function parseSemver(tag: string): SemverParts | null {
  const match = semverPattern.exec(tag)
  if (!match) return null
  const strip = (s: string | undefined): string => (s ?? '0').replace(/^0+(?=\d)/, '')
  return { core: [strip(match[1]), strip(match[2]), strip(match[3])], pre: match[4] ? match[4].split('.') : [] }
}

/** Numeric strings of any length, without BigInt: longer is larger, then lexical. */
function compareNumeric(left: string, right: string): number {
  return left.length !== right.length ? left.length - right.length : left < right ? -1 : left > right ? 1 : 0
}

function compareCodeUnits(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0
}

// semver 2.0 §11: numeric identifiers numerically, below alphanumeric ones (ASCII order); a
// version with a pre-release ranks below the release; a longer set wins when the prefix ties.
function comparePrerelease(left: string[], right: string[]): number {
  if (left.length === 0 || right.length === 0) return right.length - left.length
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const leftIdentifier = left[index] ?? ''
    const rightIdentifier = right[index] ?? ''
    const leftNumeric = /^\d+$/.test(leftIdentifier)
    const rightNumeric = /^\d+$/.test(rightIdentifier)
    let order: number
    if (leftNumeric && rightNumeric)
      order = compareNumeric(leftIdentifier.replace(/^0+(?=\d)/, ''), rightIdentifier.replace(/^0+(?=\d)/, ''))
    else if (leftNumeric !== rightNumeric) order = leftNumeric ? -1 : 1
    else order = compareCodeUnits(leftIdentifier, rightIdentifier)
    if (order !== 0) return order
  }
  return left.length - right.length
}

const nameCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' })

/** Human order (`build-9` before `build-10`), exact ties broken by code units: a total order. */
export function compareTagNames(left: string, right: string): number {
  return nameCollator.compare(left, right) || compareCodeUnits(left, right)
}

/** semver order; `v` prefixes and missing parts tolerated; non-semver after semver, by name. */
export function compareSemver(left: string, right: string): number {
  const leftVersion = parseSemver(left)
  const rightVersion = parseSemver(right)
  if (!leftVersion || !rightVersion) {
    if (leftVersion) return -1
    if (rightVersion) return 1
    return compareTagNames(left, right)
  }
  for (let index = 0; index < 3; index++) {
    const order = compareNumeric(leftVersion.core[index as 0 | 1 | 2], rightVersion.core[index as 0 | 1 | 2])
    if (order !== 0) return Math.sign(order)
  }
  const prereleaseOrder = comparePrerelease(leftVersion.pre, rightVersion.pre)
  return prereleaseOrder !== 0 ? Math.sign(prereleaseOrder) : compareTagNames(left, right)
}

export type TagSortKey = 'name' | 'semver' | 'date' | 'size'
export type SortDirection = 'asc' | 'desc'

interface SortableTag {
  tag: string
  created?: string | null
  size?: number | null
}

function dateValue(row: SortableTag): number | null {
  if (!row.created) return null
  const time = Date.parse(row.created)
  return Number.isNaN(time) ? null : time
}

function sizeValue(row: SortableTag): number | null {
  return typeof row.size === 'number' && Number.isFinite(row.size) ? row.size : null
}

/**
 * A sorted copy. Unknown dates/sizes (and non-semver tags under 'semver') always go last in
 * either direction; equal keys keep their input order.
 */
export function sortTags<T extends SortableTag>(rows: readonly T[], key: TagSortKey, direction: SortDirection): T[] {
  const sign = direction === 'desc' ? -1 : 1
  const byValue =
    (value: (row: T) => number | null) =>
    (left: T, right: T): number => {
      const leftValue = value(left)
      const rightValue = value(right)
      if (leftValue === null || rightValue === null) return leftValue === null ? (rightValue === null ? 0 : 1) : -1
      return sign * (leftValue - rightValue)
    }
  let compare: (left: T, right: T) => number
  switch (key) {
    case 'name':
      compare = (left, right) => sign * compareTagNames(left.tag, right.tag)
      break
    case 'semver':
      compare = (left, right) => {
        const leftIsSemver = parseSemver(left.tag) !== null
        const rightIsSemver = parseSemver(right.tag) !== null
        if (leftIsSemver !== rightIsSemver) return leftIsSemver ? -1 : 1
        return sign * compareSemver(left.tag, right.tag)
      }
      break
    case 'date':
      compare = byValue(dateValue)
      break
    case 'size':
      compare = byValue(sizeValue)
      break
  }
  return [...rows].sort(compare)
}

export type TagFilter = { ok: true; test(tag: string): boolean } | { ok: false; error: string }

export const maxFilterLength = 200

// Nested quantifiers like (a+)+ or (a*)* backtrack exponentially; refuse them outright.
const nestedQuantifier = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/

/**
 * 'text': case-insensitive substring. 'regex': a JavaScript regular expression, case-insensitive,
 * validated and bounded (length cap, no nested quantifiers) so a filter cannot hang the UI.
 */
export function compileTagFilter(text: string, mode: 'text' | 'regex'): TagFilter {
  if (text.length > maxFilterLength) return { ok: false, error: `The filter is longer than ${maxFilterLength} characters.` }
  if (mode === 'text') {
    const needle = text.trim().toLowerCase()
    return { ok: true, test: (tag) => tag.toLowerCase().includes(needle) }
  }
  if (nestedQuantifier.test(text)) {
    return { ok: false, error: 'The pattern nests a repetition inside another (like (a+)+), which can take forever to match; simplify it.' }
  }
  let regex: RegExp
  try {
    regex = new RegExp(text, 'i')
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)
    return { ok: false, error: `Invalid regular expression: ${detail}` }
  }
  return { ok: true, test: (tag) => regex.test(tag.slice(0, 256)) }
}

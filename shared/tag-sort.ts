// Tag ordering and filtering, shared by the renderer and the CLI (pure, tested in Node).

export interface SemverParts {
  core: [string, string, string]
  pre: string[]
}

const semverPattern =
  /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

/** `v1.2` → 1.2.0; null for tags that are not versions (latest, main, sha-abc). */
export function parseSemver(tag: string): SemverParts | null {
  const m = semverPattern.exec(tag)
  if (!m) return null
  const strip = (s: string | undefined): string => (s ?? '0').replace(/^0+(?=\d)/, '')
  return { core: [strip(m[1]), strip(m[2]), strip(m[3])], pre: m[4] ? m[4].split('.') : [] }
}

/** Numeric strings of any length, without BigInt: longer is larger, then lexical. */
function compareNumeric(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// semver 2.0 §11: numeric identifiers numerically, below alphanumeric ones (ASCII order); a
// version with a pre-release ranks below the release; a longer set wins when the prefix ties.
function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? ''
    const y = b[i] ?? ''
    const xn = /^\d+$/.test(x)
    const yn = /^\d+$/.test(y)
    let c: number
    if (xn && yn) c = compareNumeric(x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, ''))
    else if (xn !== yn) c = xn ? -1 : 1
    else c = compareCodeUnits(x, y)
    if (c !== 0) return c
  }
  return a.length - b.length
}

const nameCollator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' })

/** Human order (`build-9` before `build-10`), exact ties broken by code units: a total order. */
export function compareTagNames(a: string, b: string): number {
  return nameCollator.compare(a, b) || compareCodeUnits(a, b)
}

/** semver order; `v` prefixes and missing parts tolerated; non-semver after semver, by name. */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a)
  const y = parseSemver(b)
  if (!x || !y) {
    if (x) return -1
    if (y) return 1
    return compareTagNames(a, b)
  }
  for (let i = 0; i < 3; i++) {
    const c = compareNumeric(x.core[i as 0 | 1 | 2], y.core[i as 0 | 1 | 2])
    if (c !== 0) return Math.sign(c)
  }
  const p = comparePrerelease(x.pre, y.pre)
  return p !== 0 ? Math.sign(p) : compareTagNames(a, b)
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
  const t = Date.parse(row.created)
  return Number.isNaN(t) ? null : t
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
    (a: T, b: T): number => {
      const x = value(a)
      const y = value(b)
      if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1
      return sign * (x - y)
    }
  let compare: (a: T, b: T) => number
  switch (key) {
    case 'name':
      compare = (a, b) => sign * compareTagNames(a.tag, b.tag)
      break
    case 'semver':
      compare = (a, b) => {
        const x = parseSemver(a.tag) !== null
        const y = parseSemver(b.tag) !== null
        if (x !== y) return x ? -1 : 1
        return sign * compareSemver(a.tag, b.tag)
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

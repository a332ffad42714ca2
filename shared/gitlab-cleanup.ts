// Berth's cleanup rules in GitLab's bulk-delete vocabulary (GLAPI "Delete registry repository tags
// in bulk"; docs/registry-notes.md "Deletion"), for the app and the CLI to hand a cleanup to GitLab.
// The two differ, and the user is told how:
// - Berth's patterns are case-insensitive JavaScript regexes that match anywhere in the tag; GitLab's
//   are RE2 and must match the whole name. Each pattern is rewritten to match the same names
//   (`(?i)`, `.*` on an unanchored side); RE2 has no lookaround or backreference, so those are refused.
// - Berth's keep-n ranks the whole repository; GitLab's keep_n keeps the newest of the tags its
//   patterns would delete.
// - GitLab's older_than takes hours, days or months: weeks and years are converted.
// - GitLab never deletes `latest`, and runs the cleanup later, in the background.
import type { CleanupRules } from './cleanup-rules'

export interface GitlabBulkRequest {
  nameRegexDelete: string
  nameRegexKeep?: string
  keepN?: number
  olderThan?: string
}

export type GitlabBulkTranslation = { ok: true; request: GitlabBulkRequest; notes: string[] } | { ok: false; error: string }

/** Said wherever the cleanup is handed to GitLab: it is not done when GitLab answers. */
export const gitlabRunsLaterNote =
  'GitLab runs the cleanup in the background: tags disappear over the next minutes, and GitLab reports neither progress nor which ' +
  'tags went. Refresh the tag list later to see the result. GitLab accepts one bulk cleanup per repository per hour.'

const unsupportedInRe2 = /\(\?<?[=!]|\\[1-9]|\\k</

export function gitlabBulkRequestFor(rules: CleanupRules): GitlabBulkTranslation {
  if (rules.removeRegex === '') return { ok: false, error: 'A remove pattern is required: GitLab deletes nothing without one.' }
  for (const [name, pattern] of [
    ['remove', rules.removeRegex],
    ['keep', rules.keepRegex],
  ] as const) {
    if (unsupportedInRe2.test(pattern))
      return {
        ok: false,
        error: `The ${name} pattern uses a lookaround or a backreference, which GitLab's RE2 patterns cannot run: rewrite it without.`,
      }
  }
  const notes = [
    "GitLab's patterns must match the whole tag: Berth's, which match anywhere and ignore case, are rewritten to match the same tags.",
  ]
  const request: GitlabBulkRequest = { nameRegexDelete: wholeNamePattern(rules.removeRegex) }
  if (rules.keepRegex !== '') request.nameRegexKeep = wholeNamePattern(rules.keepRegex)
  if (rules.keepN > 0) {
    request.keepN = rules.keepN
    notes.push(`GitLab keeps the ${rules.keepN} newest of the tags its patterns would delete, not of the whole repository.`)
  }
  if (rules.olderThan !== '') {
    const converted = gitlabDuration(rules.olderThan)
    if (converted === null) return { ok: false, error: `GitLab cannot express "older than ${rules.olderThan}".` }
    request.olderThan = converted
    if (converted !== rules.olderThan.trim()) notes.push(`"Older than ${rules.olderThan}" is sent as ${converted}.`)
  }
  notes.push(rules.unlockLatest ? 'GitLab never deletes `latest`, even with it unlocked here.' : 'GitLab never deletes `latest`.')
  return { ok: true, request, notes }
}

/** A pattern that matches anywhere, ignoring case, as an RE2 pattern GitLab matches against the whole name. */
export function wholeNamePattern(pattern: string): string {
  if (pattern === '.*' || pattern === '^.*$') return '.*'
  const anchoredStart = pattern.startsWith('^')
  const anchoredEnd = endsWithAnchor(pattern)
  // Stripping anchors is only safe without alternation (`^a|b$` anchors each branch on one side).
  if (!pattern.includes('|')) {
    const core = pattern.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined)
    return `(?i)${anchoredStart ? '' : '.*'}${core}${anchoredEnd ? '' : '.*'}`
  }
  return `(?i).*(?:${pattern}).*`
}

function endsWithAnchor(pattern: string): boolean {
  if (!pattern.endsWith('$')) return false
  let backslashes = 0
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) backslashes++
  return backslashes % 2 === 0
}

/** Berth's `7d`, `12h`, `2w`, `1month`, `1y` as GitLab's `\d+(h|d|month)`; null when not a duration. */
export function gitlabDuration(text: string): string | null {
  const match = /^\s*(\d{1,5})\s*(h|hours?|d|days?|w|weeks?|months?|y|years?)\s*$/i.exec(text)
  if (!match) return null
  const amount = Number(match[1])
  const unit = (match[2] ?? '').toLowerCase()
  if (amount <= 0) return null
  if (unit.startsWith('month')) return `${amount}month`
  switch (unit[0]) {
    case 'h':
      return `${amount}h`
    case 'd':
      return `${amount}d`
    case 'w':
      return `${amount * 7}d`
    default:
      return `${amount * 12}month`
  }
}

/** The request in GitLab's own parameter names, as the API documents them. */
export function gitlabBulkParameters(request: GitlabBulkRequest): [string, string][] {
  const parameters: [string, string][] = [['name_regex_delete', request.nameRegexDelete]]
  if (request.nameRegexKeep !== undefined) parameters.push(['name_regex_keep', request.nameRegexKeep])
  if (request.keepN !== undefined) parameters.push(['keep_n', String(request.keepN)])
  if (request.olderThan !== undefined) parameters.push(['older_than', request.olderThan])
  return parameters
}

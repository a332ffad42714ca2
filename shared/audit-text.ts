// How an audit entry reads, the same in the app's activity view and in `berth audit`. Entries are
// described from their fields, not only their kind: a kind this version does not know (written by
// a newer Berth, or added since) still shows its action name, reference, result and any extra text.
import type { AuditEntry } from './types'

/** The entry kinds known here, as nouns: an entry may record an attempt that failed ("Tag delete: failed"). */
export const auditActions: Record<string, string> = {
  'tag-delete': 'Tag delete',
  'throwaway-manifest': 'Tag delete (throw-away manifest)',
  'gitlab-api': 'Tag delete (GitLab API)',
  'digest-delete': 'Image delete (by digest)',
  'tag-write': 'Tag write',
  copy: 'Image copy',
  'gitlab-bulk-delete': 'GitLab bulk cleanup',
}

/** What kind of action, for filters: deletions, writes (copies and tags), cleanups run by the registry, anything else. */
export type AuditCategory = 'delete' | 'write' | 'server-cleanup' | 'other'

export function auditCategory(method: string): AuditCategory {
  if (method.includes('delete') && method !== 'gitlab-bulk-delete') return 'delete'
  if (method === 'throwaway-manifest' || method === 'gitlab-api') return 'delete'
  if (method === 'tag-write' || method === 'copy') return 'write'
  if (method === 'gitlab-bulk-delete') return 'server-cleanup'
  return 'other'
}

/** "Tag delete"; an unknown kind reads as itself, hyphens made spaces ("retag-move" → "retag move"). */
export function auditAction(method: string): string {
  return auditActions[method] ?? method.replace(/[-_]+/g, ' ')
}

/** `team/app:1.4`, `team/app@sha256:0123456789ab` (no tag), or the repository alone (no tag, no digest). */
export function auditTarget(entry: Pick<AuditEntry, 'repository' | 'tag' | 'digest'>): string {
  if (entry.tag !== null) return `${entry.repository}:${entry.tag}`
  if (entry.digest !== '' && entry.digest !== 'unknown') return `${entry.repository}@${shortHash(entry.digest)}`
  return entry.repository
}

/** "ada (local user bob)", "ada", "local user bob", or "" when the entry does not say. */
export function auditActor(entry: Pick<AuditEntry, 'user' | 'account'>): string {
  if (entry.account !== undefined && entry.user !== undefined && entry.account !== entry.user)
    return `${entry.account} (local user ${entry.user})`
  if (entry.account !== undefined) return entry.account
  return entry.user !== undefined ? `local user ${entry.user}` : ''
}

/**
 * Everything else the entry says, in words: the error, where a copy came from, what a written tag
 * pointed at before, the parameters of a bulk cleanup, and any field this version does not know.
 */
export function auditDetails(entry: AuditEntry): string[] {
  const lines: string[] = []
  if (entry.result === 'error' && entry.error !== undefined) lines.push(entry.error)
  if (entry.source !== undefined)
    lines.push(`from ${entry.source}${entry.sourceDigest !== undefined ? `@${shortHash(entry.sourceDigest)}` : ''}`)
  if (entry.previousDigest !== undefined)
    lines.push(entry.previousDigest === null ? 'new tag' : `moved from ${shortHash(entry.previousDigest)}`)
  if (entry.tag !== null && entry.digest !== '' && entry.digest !== 'unknown') lines.push(`digest ${shortHash(entry.digest)}`)
  if (entry.detail !== undefined) lines.push(entry.detail)
  for (const [key, value] of Object.entries(entry)) {
    if (knownFields.has(key) || value === undefined || value === null) continue
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
  }
  return lines
}

const knownFields = new Set([
  'time',
  'registry',
  'repository',
  'tag',
  'digest',
  'method',
  'result',
  'error',
  'user',
  'account',
  'source',
  'sourceDigest',
  'previousDigest',
  'detail',
])

/** `sha256:0123456789ab`: the algorithm and 12 hex digits. */
function shortHash(digest: string): string {
  const at = digest.indexOf(':')
  return at >= 0 ? `${digest.slice(0, at + 1)}${digest.slice(at + 1, at + 13)}` : digest.slice(0, 12)
}

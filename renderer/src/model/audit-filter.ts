// The activity view's filters, pure so they are tested in Node: by kind of action, by result, and
// by text over the repository, tag, who and the details.
import { auditAction, auditActor, auditCategory, auditDetails, auditTarget, type AuditCategory } from '../../../shared/audit-text'
import type { AuditEntry } from '../../../shared/types'

export interface AuditFilters {
  category: AuditCategory | 'all'
  result: 'all' | 'ok' | 'error'
  text: string
}

export const noAuditFilters: AuditFilters = { category: 'all', result: 'all', text: '' }

export function filterAudit(entries: readonly AuditEntry[], filters: AuditFilters): AuditEntry[] {
  const needle = filters.text.trim().toLowerCase()
  return entries.filter((entry) => {
    if (filters.category !== 'all' && auditCategory(entry.method) !== filters.category) return false
    if (filters.result !== 'all' && entry.result !== filters.result) return false
    if (needle === '') return true
    const haystack = [auditTarget(entry), auditAction(entry.method), auditActor(entry), ...auditDetails(entry), entry.digest]
    return haystack.some((text) => text.toLowerCase().includes(needle))
  })
}

/** How many entries of each category, for the filter's labels. */
export function countByCategory(entries: readonly AuditEntry[]): Record<AuditCategory | 'all', number> {
  const counts: Record<AuditCategory | 'all', number> = { all: entries.length, delete: 0, write: 0, 'server-cleanup': 0, other: 0 }
  for (const entry of entries) counts[auditCategory(entry.method)]++
  return counts
}

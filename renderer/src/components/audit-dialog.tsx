// "Activity…" on a registry: what Berth deleted, copied, tagged or handed to GitLab to clean up
// there, by whom, when and with what result, from the audit log (the same as `berth audit`).
// Entries are described from their fields (shared/audit-text.ts), so a kind added later still
// reads sensibly here.
import { useEffect, useMemo, useState } from 'react'
import { auditAction, auditActor, auditCategory, auditDetails, auditTarget, type AuditCategory } from '../../../shared/audit-text'
import { formatRelativeDate } from '../../../shared/format'
import type { AuditEntry } from '../../../shared/types'
import { countByCategory, filterAudit, noAuditFilters, type AuditFilters } from '../model/audit-filter'
import { registryHost } from '../model/tag-summary'
import { auditMax, auditPage, mayHaveMore, useAudit } from '../stores/audit'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { RefreshIcon } from './icons'
import { RegistryText } from './registry-text'
import './audit-dialog.css'

/** Rows rendered at once: past this the filter narrows faster than scrolling does. */
export const auditRowsShown = 1_000

const categoryLabels: Record<AuditCategory | 'all', string> = {
  all: 'All',
  delete: 'Deletes',
  write: 'Copies & tags',
  'server-cleanup': 'GitLab cleanups',
  other: 'Other',
}

export function AuditDialog({ registryId, onClose }: { registryId: string; onClose: () => void }) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const { status, entries, error, limit, load } = useAudit()
  const [filters, setFilters] = useState<AuditFilters>(noAuditFilters)

  useEffect(() => {
    void load(registryId)
    return () => useAudit.getState().reset()
  }, [load, registryId])

  const counts = useMemo(() => countByCategory(entries), [entries])
  const shown = useMemo(() => filterAudit(entries, filters), [entries, filters])
  const host = registry ? registryHost(registry.url) : registryId
  const update = (change: Partial<AuditFilters>) => setFilters({ ...filters, ...change })

  return (
    <Modal
      title={`Activity on ${registry?.name ?? registryId}`}
      description={
        <>
          What Berth deleted, copied, tagged or handed to GitLab to clean up on <span className="mono">{host}</span>, newest first. From the
          audit log on this computer (<code>berth audit {host}</code> shows the same).
        </>
      }
      onClose={onClose}
      wide
    >
      <div className="audit">
        <div className="audit-filters">
          <div className="segmented" role="group" aria-label="Kind of action">
            {(Object.keys(categoryLabels) as (AuditCategory | 'all')[])
              .filter((category) => category === 'all' || counts[category] > 0 || filters.category === category)
              .map((category) => (
                <button key={category} type="button" aria-pressed={filters.category === category} onClick={() => update({ category })}>
                  {categoryLabels[category]} <span className="audit-count">{counts[category].toLocaleString('en')}</span>
                </button>
              ))}
          </div>
          <select
            className="select"
            aria-label="Result"
            value={filters.result}
            onChange={(e) => update({ result: e.target.value as AuditFilters['result'] })}
          >
            <option value="all">Any result</option>
            <option value="ok">Succeeded</option>
            <option value="error">Failed</option>
          </select>
          <input
            className="input audit-search"
            type="search"
            placeholder="Repository, tag, user, digest…"
            aria-label="Filter activity"
            value={filters.text}
            spellCheck={false}
            onChange={(e) => update({ text: e.target.value })}
          />
          <button
            type="button"
            className="icon-button"
            aria-label="Reload the activity"
            title="Reload"
            disabled={status === 'loading'}
            onClick={() => void load(registryId, limit)}
          >
            <RefreshIcon />
          </button>
        </div>
        {status === 'error' && error ? <ErrorView error={error} onRetry={() => void load(registryId, limit)} compact /> : null}
        {status === 'loading' && entries.length === 0 ? <p className="muted audit-empty">Reading the audit log…</p> : null}
        {status === 'ready' && entries.length === 0 ? (
          <p className="audit-empty">
            Nothing recorded for this registry yet. Deletes, copies, tag writes and GitLab cleanups appear here as they happen, from the app
            and from the <code>berth</code> command line.
          </p>
        ) : null}
        {entries.length > 0 && shown.length === 0 ? <p className="muted audit-empty">No activity matches these filters.</p> : null}
        {shown.length > 0 ? <AuditTable entries={shown.slice(0, auditRowsShown)} /> : null}
        <p className="audit-footer muted" role="status">
          {footerText(entries.length, shown.length)}
          {mayHaveMore({ entries, limit }) ? (
            <button
              type="button"
              className="link-button"
              disabled={status === 'loading'}
              onClick={() => void load(registryId, Math.min(auditMax, limit + auditPage * 4))}
            >
              Read older entries
            </button>
          ) : null}
        </p>
        <div className="dialog-actions">
          <button type="button" className="button primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </Modal>
  )
}

function footerText(read: number, matching: number): string {
  if (read === 0) return ''
  const count = (n: number) => n.toLocaleString('en')
  if (matching > auditRowsShown)
    return `Showing the newest ${count(auditRowsShown)} of ${count(matching)} matching entries: narrow the filters to see older ones.`
  return `${count(matching)} of ${count(read)} ${read === 1 ? 'entry' : 'entries'} shown.`
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const now = new Date()
  return (
    <div className="audit-scroll">
      <table className="audit-table" aria-label="Activity">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Repository and tag</th>
            <th scope="col">Result</th>
            <th scope="col">By</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, index) => {
            const details = auditDetails(entry)
            const failed = entry.result === 'error'
            return (
              <tr key={`${entry.time}-${index}`} className={failed ? 'audit-row failed' : 'audit-row'}>
                <td className="audit-when" title={new Date(entry.time).toLocaleString()}>
                  {formatRelativeDate(entry.time, now)}
                  <span className="audit-second">{shortTime(entry.time)}</span>
                </td>
                <td className={`audit-action ${auditCategory(entry.method)}`}>{auditAction(entry.method)}</td>
                <td className="audit-target mono" dir="auto" title={auditTarget(entry)}>
                  <RegistryText text={auditTarget(entry)} />
                </td>
                <td>
                  <span className={failed ? 'audit-result error' : 'audit-result ok'}>{failed ? 'Failed' : 'Done'}</span>
                </td>
                <td className="audit-by" title={auditActor(entry)}>
                  {entry.account ?? (entry.user === undefined ? <span className="faint">not recorded</span> : null)}
                  {entry.user !== undefined && entry.user !== entry.account ? (
                    <span className={entry.account === undefined ? 'audit-user' : 'audit-second'}>local user {entry.user}</span>
                  ) : null}
                </td>
                <td className="audit-details" title={details.join('\n')}>
                  {details.map((line, at) => (
                    <span key={at} className={at === 0 && failed ? 'audit-detail audit-error' : 'audit-detail'}>
                      <RegistryText text={line} />
                    </span>
                  ))}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/** "Mar 1, 10:04" this year, "Mar 1 2025, 10:04" before: the relative time above it goes vague with age. */
function shortTime(iso: string): string {
  const date = new Date(iso)
  const sameYear = date.getFullYear() === new Date().getFullYear()
  return date.toLocaleString('en', {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  })
}

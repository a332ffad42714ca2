// "Clean up…": rules on the left, the live plan on the right; review computes the plan afresh in
// the core, the confirm step names what goes (typing the repository name past 50 tags), and the
// run shows progress, can be cancelled, and ends with per-tag results and a retry for failures.
// Deletion is tag-safe only: an image is never deleted by digest (shared/cleanup-rules.ts).
import { useEffect, useMemo, useState, type ReactNode } from 'react'
import { compileTagFilter } from '../../../shared/tag-sort'
import { suggestedKeepRegex, type CleanupPlan } from '../../../shared/cleanup-rules'
import type { BerthErrorData } from '../../../shared/errors'
import { garbageCollectionNote } from '../../../shared/types'
import { fieldsToRules, livePlan, useCleanup } from '../stores/cleanup'
import { useSelection } from '../stores/selection'
import { useTags } from '../stores/tags'
import { useView } from '../stores/view'
import { showToast } from '../stores/toasts'
import { shortDigest } from '../model/tag-summary'
import { garbageCollectionText, StorageEffectView } from './storage-effect'
import { CleanupPlanTable } from './cleanup-plan-table'
import { GitlabAcceptedStep, GitlabCleanupOffer, GitlabConfirmStep } from './gitlab-cleanup-steps'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import './cleanup-dialog.css'

/** Above this many tags the user types the repository name to confirm (GitHub's repo-delete pattern). */
export const typeToConfirmAbove = 50

interface CleanupDialogProps {
  registryId: string
  repository: string
  /** A multi-selection limits removal to those tags; null = the whole repository. */
  selection: string[] | null
  onClose: () => void
}

export function CleanupDialog({ registryId, repository, selection, onClose }: CleanupDialogProps) {
  const phase = useCleanup((s) => s.phase)
  const open = useCleanup((s) => s.open)
  useEffect(() => {
    void open(registryId, repository, selection)
  }, [open, registryId, repository, selection])

  const running = phase.kind === 'running'
  const title =
    phase.kind === 'done'
      ? `Cleanup of ${repository}: ${phase.results.filter((r) => r.ok).length} of ${phase.plan.remove.length} removed`
      : phase.kind === 'server-accepted'
        ? `GitLab accepted the cleanup of ${repository}`
        : phase.kind.startsWith('server-')
          ? `Let GitLab clean up ${repository}`
          : `Clean up ${repository}${selection ? ` (${selection.length} selected)` : ''}`
  return (
    <Modal title={title} onClose={onClose} busy={running || phase.kind === 'reviewing' || phase.kind === 'server-submitting'} wide>
      <div className="cleanup">
        {phase.kind === 'editing' || phase.kind === 'reviewing' ? <EditStep /> : null}
        {phase.kind === 'error' ? <ErrorStep error={phase.error} /> : null}
        {phase.kind === 'confirm' ? <ConfirmStep plan={phase.plan} /> : null}
        {phase.kind === 'running' ? <RunningStep /> : null}
        {phase.kind === 'done' ? <DoneStep onClose={onClose} /> : null}
        {phase.kind === 'server-confirm' || phase.kind === 'server-submitting' || phase.kind === 'server-error' ? (
          <GitlabConfirmStep />
        ) : null}
        {phase.kind === 'server-accepted' ? <GitlabAcceptedStep onClose={onClose} /> : null}
      </div>
    </Modal>
  )
}

function EditStep() {
  const { registryId, repository, selection, fields, setField, review, phase, save, savedAt } = useCleanup()
  // GitLab runs a whole-repository cleanup itself; a selection cannot be sent there.
  const serverSide = useRegistries((s) => registryById(s.registries, registryId)?.capabilities.serverSideCleanup === true) && !selection
  const tags = useTags((s) => s.tags)
  const rows = useTags((s) => s.rows)
  const loaded = useTags((s) => s.loaded)
  const [saveError, setSaveError] = useState<BerthErrorData | null>(null)
  const [onlyRemoved, setOnlyRemoved] = useState(false)
  const { rules, errors } = fieldsToRules(fields)
  // Minute resolution keeps the plan stable while typing; "older than" is never finer than hours.
  const minute = Math.floor(Date.now() / 60_000) * 60_000
  const rulesKey = rules ? JSON.stringify(rules) : null
  const plan = useMemo(
    () => (rulesKey ? livePlan(repository, tags, rows, JSON.parse(rulesKey) as NonNullable<typeof rules>, selection, minute) : null),
    [repository, tags, rows, rulesKey, selection, minute],
  )
  const count = (pattern: string): number | null => {
    const f = pattern === '' ? null : compileTagFilter(pattern, 'regex')
    return f?.ok ? tags.filter((t) => f.test(t)).length : null
  }
  const removeMatches = count(fields.removeRegex)
  const keepMatches = count(fields.keepRegex)

  return (
    <>
      <div className="cleanup-columns">
        <form
          className="form cleanup-rules"
          aria-label="Cleanup rules"
          onSubmit={(e) => {
            e.preventDefault()
            void review()
          }}
        >
          <RuleField
            id="remove"
            label="Remove tags matching"
            hint={
              removeMatches === null
                ? 'Required: nothing is removed without it. Use .* for every tag.'
                : `${removeMatches.toLocaleString('en')} of ${tags.length.toLocaleString('en')} tags match`
            }
            error={errors.removeRegex}
          >
            <input
              id="cleanup-remove"
              className="input mono"
              autoFocus
              placeholder="e.g. ^(dev|sha)-"
              value={fields.removeRegex}
              onChange={(e) => setField('removeRegex', e.target.value)}
              spellCheck={false}
            />
          </RuleField>
          <RuleField
            id="keep"
            label="Always keep tags matching"
            hint={keepMatches === null ? '' : `${keepMatches.toLocaleString('en')} tags match`}
            error={errors.keepRegex}
          >
            <input
              id="cleanup-keep"
              className="input mono"
              value={fields.keepRegex}
              onChange={(e) => setField('keepRegex', e.target.value)}
              spellCheck={false}
            />
            {fields.keepRegex === '' ? (
              <button
                type="button"
                className="link-button cleanup-suggestion"
                onClick={() => setField('keepRegex', suggestedKeepRegex)}
                title="Only applied if you click it"
              >
                Suggestion: <code>{suggestedKeepRegex}</code>
              </button>
            ) : null}
          </RuleField>
          <div className="cleanup-pair">
            <RuleField id="keep-n" label="Keep the most recent" hint="tags (by date)" error={errors.keepN}>
              <input
                id="cleanup-keep-n"
                className="input"
                inputMode="numeric"
                placeholder="0"
                value={fields.keepN}
                onChange={(e) => setField('keepN', e.target.value)}
              />
            </RuleField>
            <RuleField id="older" label="Only if older than" hint="7d, 12h, 2w, 1month, 1y" error={errors.olderThan}>
              <input
                id="cleanup-older"
                className="input mono"
                placeholder="any age"
                value={fields.olderThan}
                onChange={(e) => setField('olderThan', e.target.value)}
                spellCheck={false}
              />
            </RuleField>
          </div>
          <label className="checkbox cleanup-unlock">
            <input type="checkbox" checked={fields.unlockLatest} onChange={(e) => setField('unlockLatest', e.target.checked)} />
            <span>
              Allow removing <code>latest</code> <span className="muted">(protected unless you tick this)</span>
            </span>
          </label>
          <p className="field-hint">
            Tags of unknown date are never removed by “older than”. Patterns are case-insensitive JavaScript regular expressions and match
            anywhere in the tag: anchor them with ^…$ for whole names.
          </p>
          <div className="cleanup-save">
            <button
              type="button"
              className="button small"
              disabled={!rules}
              onClick={() =>
                void save().then((error) => (setSaveError(error), !error && showToast({ kind: 'success', title: 'Cleanup rules saved' })))
              }
            >
              Save rules
            </button>
            <span className="muted small">
              {savedAt ? `Saved ${savedAt.slice(0, 16).replace('T', ' ')}` : 'Not saved for this repository'}
            </span>
          </div>
          {saveError ? <ErrorView error={saveError} compact /> : null}
        </form>
        <section className="cleanup-plan" aria-label="Plan">
          <div className="cleanup-plan-head">
            <span className="field-label">Plan</span>
            <div className="segmented" role="group" aria-label="Rows shown">
              <button type="button" aria-pressed={!onlyRemoved} onClick={() => setOnlyRemoved(false)}>
                All {plan ? plan.items.length.toLocaleString('en') : ''}
              </button>
              <button type="button" aria-pressed={onlyRemoved} onClick={() => setOnlyRemoved(true)}>
                Removed {plan ? plan.remove.length.toLocaleString('en') : ''}
              </button>
            </div>
          </div>
          {plan ? <CleanupPlanTable plan={plan} onlyRemoved={onlyRemoved} /> : <p className="muted">Fix the rules to see the plan.</p>}
          {loaded < tags.length ? (
            <p className="field-hint">
              Details {loaded.toLocaleString('en')} / {tags.length.toLocaleString('en')} loaded: the rest are kept until they arrive; the
              review reads them all.
            </p>
          ) : null}
        </section>
      </div>
      <p className="cleanup-summary" role="status">
        {plan?.summary ?? ''}
      </p>
      <div className="dialog-actions">
        {serverSide ? <GitlabCleanupOffer disabled={!rules || rules.removeRegex === '' || phase.kind === 'reviewing'} /> : null}
        <button
          type="button"
          className="button danger"
          disabled={!rules || rules.removeRegex === '' || phase.kind === 'reviewing'}
          onClick={() => void review()}
        >
          {phase.kind === 'reviewing'
            ? 'Reading every tag…'
            : `Review ${plan && loaded >= tags.length ? `${plan.remove.length.toLocaleString('en')} ` : ''}removals…`}
        </button>
      </div>
    </>
  )
}

function RuleField({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string
  label: string
  hint: string
  error: string | undefined
  children: ReactNode
}) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={`cleanup-${id}`}>
        {label}
      </label>
      {children}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </div>
  )
}

function ConfirmStep({ plan }: { plan: CleanupPlan }) {
  const { repository, run, back } = useCleanup()
  const [typed, setTyped] = useState('')
  const needsTyping = plan.remove.length > typeToConfirmAbove
  return (
    <>
      <p className="cleanup-summary strong">{plan.summary}</p>
      <div className="cleanup-columns">
        <div className="cleanup-facts">
          {plan.sharedWithKept.length > 0 ? (
            <Facts title="Images that stay tagged">
              {plan.sharedWithKept.map((s) => (
                <li key={s.digest}>
                  <span className="mono">{shortDigest(s.digest)}</span> keeps <Chips tags={s.kept} />; only{' '}
                  <Chips tags={s.removed} danger /> go.
                </li>
              ))}
            </Facts>
          ) : null}
          {plan.childrenStillUsed.length > 0 ? (
            <Facts title="Platform images still used">
              {plan.childrenStillUsed.map((c) => (
                <li key={c.digest}>
                  <span className="mono">{shortDigest(c.digest)}</span> is used by <Chips tags={c.keptIndexTags} />: untouched, nothing is
                  deleted by digest.
                </li>
              ))}
            </Facts>
          ) : null}
          <Facts title="How it is removed">
            <li>One tag at a time; other tags on the same image stay.</li>
            <li>A tag pushed again since this review is refused, not removed.</li>
            <li>{garbageCollectionText(plan.storage, garbageCollectionNote)}</li>
          </Facts>
          <StorageEffectView
            freesBytes={plan.freesBytes}
            keptBytes={plan.keptBytes}
            storage={plan.storage}
            allStillTagged={plan.untaggedDigests.length === 0 && plan.sharedWithKept.length > 0}
          />
        </div>
        <section className="cleanup-plan" aria-label="Tags to remove">
          <CleanupPlanTable plan={plan} onlyRemoved />
        </section>
      </div>
      {needsTyping ? (
        <label className="field cleanup-type">
          <span className="field-label">
            Type <code>{repository}</code> to remove {plan.remove.length.toLocaleString('en')} tags
          </span>
          <input
            className="input mono"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            spellCheck={false}
            autoFocus
            aria-label="Repository name to confirm"
          />
        </label>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={back}>
          Back to rules
        </button>
        <button
          type="button"
          className="button danger"
          disabled={plan.remove.length === 0 || (needsTyping && typed !== repository)}
          onClick={() => void run()}
        >
          Remove {plan.remove.length.toLocaleString('en')} tag{plan.remove.length === 1 ? '' : 's'}
        </button>
      </div>
    </>
  )
}

function RunningStep() {
  const phase = useCleanup((s) => s.phase)
  const cancel = useCleanup((s) => s.cancel)
  if (phase.kind !== 'running') return null
  const percent = phase.total === 0 ? 100 : Math.round((phase.done / phase.total) * 100)
  return (
    <>
      <div
        className="cleanup-progress"
        role="progressbar"
        aria-label="Removing tags"
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <span className="progress-track">
          <span className="progress-fill" style={{ width: `${percent}%` }} />
        </span>
        <span>
          Removed {phase.done.toLocaleString('en')} of {phase.total.toLocaleString('en')}
          {phase.cancelling ? ' — stopping after the tags in flight…' : ''}
        </span>
      </div>
      <CleanupPlanTable plan={phase.plan} onlyRemoved />
      <div className="dialog-actions">
        <button type="button" className="button" disabled={phase.cancelling} onClick={cancel}>
          Cancel
        </button>
      </div>
    </>
  )
}

function DoneStep({ onClose }: { onClose: () => void }) {
  const phase = useCleanup((s) => s.phase)
  const run = useCleanup((s) => s.run)
  const results = useMemo(() => new Map(phase.kind === 'done' ? phase.results.map((r) => [r.tag, r]) : []), [phase])
  useEffect(() => {
    if (phase.kind !== 'done') return
    const removed = new Set(phase.results.filter((r) => r.ok).map((r) => r.tag))
    const openTag = useView.getState().tag
    if (openTag !== null && removed.has(openTag)) useView.getState().update({ tag: null })
    void useTags
      .getState()
      .refresh()
      .then(() => useSelection.getState().prune(useTags.getState().tags))
  }, [phase])
  if (phase.kind !== 'done') return null
  const failed = phase.results.filter((r) => !r.ok).map((r) => r.tag)
  const removed = phase.results.length - failed.length
  return (
    <>
      <p className={failed.length > 0 ? 'cleanup-summary cleanup-failed' : 'cleanup-summary cleanup-ok'} role="status">
        Removed {removed.toLocaleString('en')} tag{removed === 1 ? '' : 's'}.
        {failed.length > 0 ? ` ${failed.length} failed: see below, then retry just those.` : ''}
        {phase.cancelled.length > 0 ? ` ${phase.cancelled.length} not attempted (cancelled).` : ''} Everything is in the audit log.
      </p>
      <CleanupPlanTable plan={phase.plan} results={results} onlyRemoved />
      <p className="gc-note">{phase.note || garbageCollectionText(phase.plan.storage, garbageCollectionNote)}</p>
      <div className="dialog-actions">
        {failed.length + phase.cancelled.length > 0 ? (
          <button type="button" className="button danger-outline" onClick={() => void run([...failed, ...phase.cancelled])}>
            Retry {failed.length + phase.cancelled.length}
          </button>
        ) : null}
        <button type="button" className="button primary" onClick={onClose}>
          Close
        </button>
      </div>
    </>
  )
}

function ErrorStep({ error }: { error: BerthErrorData }) {
  const { review, back } = useCleanup()
  return (
    <>
      <ErrorView error={error} onRetry={() => void review()} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={back}>
          Back to rules
        </button>
      </div>
    </>
  )
}

function Facts({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="field-group">
      <div className="field-group-title">{title}</div>
      <ul className="cleanup-facts-list">{children}</ul>
    </div>
  )
}

function Chips({ tags, danger = false }: { tags: string[]; danger?: boolean }) {
  return (
    <>
      {tags.map((t) => (
        <span key={t} className={danger ? 'chip mono danger' : 'chip mono'} dir="auto">
          {t}
        </span>
      ))}
    </>
  )
}

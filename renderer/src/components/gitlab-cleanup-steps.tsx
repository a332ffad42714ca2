// The cleanup dialog's GitLab path: the rules handed to GitLab's bulk delete instead of being run
// tag by tag here. First exactly what will be sent (GitLab's own parameter names) and how it
// differs from Berth's plan, then what GitLab accepted. GitLab runs it later, in the background:
// both steps say so, since nothing in this dialog will show the tags going.
import { useState } from 'react'
import { gitlabBulkParameters, gitlabRunsLaterNote, type GitlabBulkRequest } from '../../../shared/gitlab-cleanup'
import { useCleanup } from '../stores/cleanup'
import { useTags } from '../stores/tags'
import { ErrorView } from './error-view'
import { RegistryText } from './registry-text'

/** Offered under the rules, for GitLab registries and a whole-repository cleanup. */
export function GitlabCleanupOffer({ disabled }: { disabled: boolean }) {
  const prepare = useCleanup((s) => s.prepareServerCleanup)
  const [problem, setProblem] = useState<string | null>(null)
  return (
    <div className="gitlab-offer">
      <button type="button" className="button" disabled={disabled} onClick={() => setProblem(prepare())}>
        Let GitLab run it…
      </button>
      <span className="field-hint">GitLab&apos;s own bulk delete: nothing to keep open, but it runs later and reports no progress.</span>
      {problem ? (
        <span className="field-error" role="alert">
          {problem}
        </span>
      ) : null}
    </div>
  )
}

export function GitlabConfirmStep() {
  const phase = useCleanup((s) => s.phase)
  const { repository, back, submitServerCleanup } = useCleanup()
  if (phase.kind !== 'server-confirm' && phase.kind !== 'server-submitting' && phase.kind !== 'server-error') return null
  const submitting = phase.kind === 'server-submitting'
  return (
    <>
      <p className="cleanup-summary strong">
        GitLab will be asked to clean up <span className="mono">{repository}</span> with these parameters:
      </p>
      <Parameters request={phase.request} />
      <Notes notes={phase.notes} />
      {phase.kind === 'server-error' ? <ErrorView error={phase.error} onRetry={() => void submitServerCleanup()} compact /> : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={back} disabled={submitting}>
          Back to rules
        </button>
        <button type="button" className="button danger" disabled={submitting} onClick={() => void submitServerCleanup()}>
          {submitting ? 'Submitting…' : 'Submit to GitLab'}
        </button>
      </div>
    </>
  )
}

export function GitlabAcceptedStep({ onClose }: { onClose: () => void }) {
  const phase = useCleanup((s) => s.phase)
  const refresh = useTags((s) => s.refresh)
  if (phase.kind !== 'server-accepted') return null
  const { result } = phase
  return (
    <>
      <p className="cleanup-summary cleanup-ok" role="status">
        GitLab accepted the cleanup of <span className="mono">{result.repository}</span> with:
      </p>
      <Parameters request={result.accepted} />
      <p className="gitlab-later">
        <strong>It has not run yet.</strong> <WithCode text={result.note} /> Refresh the tag list in a few minutes to see which tags went;
        the audit log records this submission.
      </p>
      <div className="dialog-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            void refresh()
            onClose()
          }}
        >
          Close and refresh tags
        </button>
        <button type="button" className="button primary" onClick={onClose}>
          Close
        </button>
      </div>
    </>
  )
}

function Parameters({ request }: { request: GitlabBulkRequest }) {
  return (
    <dl className="gitlab-parameters" aria-label="GitLab parameters">
      {gitlabBulkParameters(request).map(([name, value]) => (
        <div key={name} className="gitlab-parameter">
          <dt className="mono">{name}</dt>
          <dd className="mono">
            <RegistryText text={value} />
          </dd>
        </div>
      ))}
    </dl>
  )
}

function Notes({ notes }: { notes: string[] }) {
  return (
    <div className="field-group">
      <div className="field-group-title">How GitLab runs it</div>
      <ul className="cleanup-facts-list">
        {notes.map((note) => (
          <li key={note}>
            <WithCode text={note} />
          </li>
        ))}
        <li>
          <strong>
            <WithCode text={gitlabRunsLaterNote} />
          </strong>
        </li>
      </ul>
    </div>
  )
}

/** The notes are shared with the CLI, which prints `latest` as written: here the backticks become code. */
function WithCode({ text }: { text: string }) {
  return <>{text.split('`').map((part, at) => (at % 2 === 1 ? <code key={at}>{part}</code> : part))}</>
}

// What the mirror dialog shows once planned: the dry run of the sync, one row per tag — new at the
// destination, already the same, or pointing elsewhere there (both digests, moved only once the
// user ticked the overwrite) — with the blobs missing and the bytes to send; the tags the pattern
// or the age left out, and why. Then the result, one row per tag: copied (with the digest the
// destination verified), up to date, refused, failed. The progress is copy-steps.tsx's.
import type { ReactNode } from 'react'
import type { CopyItemResult, CopyPlan, CopyPlanItem, CopyResult } from '../../../shared/copy'
import { formatBytes } from '../../../shared/format'
import type { ApiRequests } from '../../../shared/ipc'
import { shortDigest } from '../model/tag-summary'
import { conflictsOf, modeLead, OverwriteConfirmation, PlanStats } from './copy-steps'
import { RegistryText } from './registry-text'

/** Where one tag stands at the destination before the mirror. */
export type MirrorTagState = 'new' | 'same' | 'incomplete' | 'elsewhere'

export function mirrorTagState(item: CopyPlanItem): MirrorTagState {
  if (item.tags.some((tag) => tag.action === 'conflict' || tag.action === 'overwrite')) return 'elsewhere'
  if (item.tags.some((tag) => tag.action === 'create')) return 'new'
  const complete =
    item.manifests.every((manifest) => manifest.present) &&
    item.blobs.every((blob) => blob.state === 'present') &&
    item.referrers.every((referrer) => referrer.tags.every((tag) => tag.action === 'unchanged'))
  return complete ? 'same' : 'incomplete'
}

const stateLabels: Record<MirrorTagState, string> = {
  new: 'new',
  same: 'up to date',
  incomplete: 'tag there, content missing',
  elsewhere: 'points elsewhere',
}

/** Chip classes of copy-dialog.css, by state. */
const stateChips: Record<MirrorTagState, string> = { new: 'create', same: 'present', incomplete: 'missing', elsewhere: 'conflict' }

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`
}

/** "Every tag", "tags matching /^v1\./", "… pushed within 7d": the selection as the user gave it. */
export function selectionText(sync: ApiRequests['planCopy']['sync']): string {
  const pattern = sync?.tagPattern ? `tags matching /${sync.tagPattern}/` : 'every tag'
  return sync?.newerThan ? `${pattern} pushed (or else built) within ${sync.newerThan}` : pattern
}

export function MirrorPlanView({
  plan,
  request,
  force,
  onForce,
}: {
  plan: CopyPlan
  request: ApiRequests['planCopy']
  force: boolean
  onForce: (force: boolean) => void
}) {
  const states = plan.items.map(mirrorTagState)
  const count = (state: MirrorTagState): number => states.filter((s) => s === state).length
  const conflicts = conflictsOf(plan)
  const summary = [
    count('new') > 0 ? `${count('new')} new` : '',
    count('same') > 0 ? `${count('same')} up to date` : '',
    count('incomplete') > 0 ? `${count('incomplete')} to complete` : '',
    count('elsewhere') > 0 ? `${count('elsewhere')} pointing elsewhere` : '',
    plan.skipped.length > 0 ? `${plan.skipped.length} left out` : '',
  ].filter((part) => part !== '')
  return (
    <div className="copy-plan mirror-plan">
      <p className="copy-lead">
        {`${selectionText(request.sync)[0]?.toUpperCase() ?? ''}${selectionText(request.sync).slice(1)}`}:{' '}
        {plural(plan.items.length, 'tag')}, each under the same name. {modeLead(plan)}
      </p>
      {plan.items.length === 0 ? (
        <p className="mirror-empty" role="status">
          No tag to mirror: {plan.skipped.length > 0 ? 'every matching tag was left out (below).' : 'no tag matches.'} Go back and widen the
          pattern or the age.
        </p>
      ) : (
        <>
          <PlanStats plan={plan} />
          <p className="mirror-summary" aria-label="Tags by state">
            {summary.join(' · ')}
          </p>
          <TagTable label="Tags to mirror" columns={['Tag', 'Source', 'At the destination']} numeric={['Blobs missing', 'To send']}>
            {plan.items.map((item, index) => (
              <MirrorRow key={item.reference} item={item} state={states[index] ?? 'new'} />
            ))}
          </TagTable>
        </>
      )}
      <SkippedTags skipped={plan.skipped} />
      {conflicts.length > 0 ? <OverwriteConfirmation conflicts={conflicts} force={force} onForce={onForce} /> : null}
    </div>
  )
}

function MirrorRow({ item, state }: { item: CopyPlanItem; state: MirrorTagState }) {
  const missing = item.blobs.filter((blob) => blob.state !== 'present').length
  // The image is at the destination already (under another tag): only the tag is written.
  const imageThere = item.manifests.length > 0 && item.manifests.every((manifest) => manifest.present)
  const current = item.tags.find((tag) => tag.current !== null && tag.current !== item.destinationDigest)?.current ?? null
  return (
    <tr data-tag={item.reference} data-state={state}>
      <td className="mono mirror-tag" dir="auto">
        <RegistryText text={item.reference} />
        {item.referrers.length > 0 ? <span className="muted small"> +{plural(item.referrers.length, 'referrer')}</span> : null}
      </td>
      <td className="mono muted" title={item.sourceDigest}>
        {shortDigest(item.sourceDigest)}
        {item.digestChanges ? (
          <span className="mirror-new-digest" title={`A platform subset: a new index ${item.destinationDigest}`}>
            {' '}
            → {shortDigest(item.destinationDigest)}
          </span>
        ) : null}
      </td>
      <td>
        <span className={`copy-chip ${stateChips[state]}`}>{stateLabels[state]}</span>
        {state === 'new' && imageThere ? <span className="muted small"> image already there</span> : null}
        {current !== null ? (
          <span className="muted small" title={current}>
            {' '}
            now <span className="mono">{shortDigest(current)}</span>
          </span>
        ) : null}
      </td>
      <td className="num">
        {item.blobs.length === 0 ? (
          '—'
        ) : (
          <>
            {missing} <span className="muted">of {item.blobs.length}</span>
          </>
        )}
      </td>
      <td className="num">{item.bytes.missing > 0 ? formatBytes(item.bytes.missing) : item.bytes.mount > 0 ? 'by mount' : '—'}</td>
    </tr>
  )
}

/** One row per tag, scrolling under its header; the `numeric` columns come last, right-aligned. */
function TagTable({ label, columns, numeric, children }: { label: string; columns: string[]; numeric: string[]; children: ReactNode }) {
  return (
    <div className="mirror-table-scroll">
      <table className="mirror-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {numeric.map((column) => (
              <th key={column} scope="col" className="num">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/** The tags the selection left out, and why (none: nothing shown). */
function SkippedTags({ skipped }: { skipped: CopyPlan['skipped'] }) {
  if (skipped.length === 0) return null
  return (
    <details className="copy-content mirror-skipped">
      <summary>{plural(skipped.length, 'tag')} left out</summary>
      <ul>
        {skipped.map((tag) => (
          <li key={tag.reference}>
            <span className="mono" dir="auto">
              <RegistryText text={tag.reference} />
            </span>{' '}
            <span className="muted">— {tag.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  )
}

export function mirrorResultTitle(result: CopyResult): string {
  const { copied, upToDate, failed } = result.totals
  const total = result.items.length
  if (total > 0 && result.items.every((item) => item.status === 'cancelled')) return 'Mirror cancelled'
  if (result.complete) return copied === 0 ? 'Already up to date' : `Mirrored ${plural(copied, 'tag')}`
  return `${copied + upToDate} of ${total} tags mirrored, ${failed} not`
}

const resultLabels: Record<CopyItemResult['status'], string> = {
  copied: 'copied',
  'up-to-date': 'up to date',
  conflict: 'not copied: points elsewhere',
  failed: 'failed',
  cancelled: 'cancelled',
}

const resultChips: Record<CopyItemResult['status'], string> = {
  copied: 'written',
  'up-to-date': 'present',
  conflict: 'conflict',
  failed: 'refused',
  cancelled: 'present',
}

/** One row per tag: how it ended, the digest the destination verified, what moved, and any error. */
export function MirrorResultView({ result }: { result: CopyResult }) {
  const where = `${result.destination.registry}/${result.destination.repository}`
  const { copied, upToDate, failed } = result.totals
  const summary = [
    copied > 0 ? `${copied} copied` : '',
    upToDate > 0 ? `${upToDate} up to date` : '',
    failed > 0 ? `${failed} not mirrored` : '',
    result.totals.bytesUploaded > 0 ? `${formatBytes(result.totals.bytesUploaded)} sent` : '',
    `${result.totals.seconds} s`,
  ].filter((part) => part !== '')
  return (
    <div className="copy-result mirror-result">
      <p className="copy-lead">
        To{' '}
        <span className="mono" dir="auto">
          <RegistryText text={where} />
        </span>
        : {summary.join(' · ')}
      </p>
      <TagTable label="Mirrored tags" columns={['Tag', 'Result', 'Verified at the destination']} numeric={['Blobs sent']}>
        {result.items.map((item) => (
          <MirrorResultRow key={item.reference} item={item} />
        ))}
      </TagTable>
      <SkippedTags skipped={result.skipped} />
    </div>
  )
}

function MirrorResultRow({ item }: { item: CopyItemResult }) {
  const moved = item.tags.find((tag) => tag.status === 'written' && tag.previous !== null)
  return (
    <>
      <tr data-tag={item.reference} data-status={item.status}>
        <td className="mono mirror-tag" dir="auto">
          <RegistryText text={item.reference} />
        </td>
        <td>
          <span className={`copy-chip ${resultChips[item.status]}`}>{resultLabels[item.status]}</span>
          {moved?.previous ? (
            <span className="muted small" title={moved.previous}>
              {' '}
              was <span className="mono">{shortDigest(moved.previous)}</span>
            </span>
          ) : null}
        </td>
        <td className="mono" title={item.destinationDigest ?? undefined}>
          {item.verified && item.destinationDigest !== null ? (
            <span className="mirror-verified">✓ {shortDigest(item.destinationDigest)}</span>
          ) : item.status === 'up-to-date' && item.destinationDigest !== null ? (
            <span className="muted">{shortDigest(item.destinationDigest)}, already there</span>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td className="num">{item.blobs.uploaded + item.blobs.mounted > 0 ? item.blobs.uploaded + item.blobs.mounted : '—'}</td>
      </tr>
      {item.error ? (
        <tr className="mirror-error-row">
          <td colSpan={4} className="result-error" dir="auto">
            {item.error.message}
            {item.error.fix ? <span className="muted"> — {item.error.fix}</span> : null}
          </td>
        </tr>
      ) : null}
    </>
  )
}

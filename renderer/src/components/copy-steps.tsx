// What the copy and add-tag dialogs show once the form is filled: the plan (planCopy, the dry run:
// blobs present, mountable or to send, bytes, each destination tag's action, both digests of a tag
// that points elsewhere), the progress of the running copy, and the result with the digest verified
// at the destination, or the failure naming the step, the blob and the registry.
import type { CopyItemResult, CopyPlan, CopyPlanItem, CopyPlanTag, CopyProgress, CopyResult, CopyTagStatus } from '../../../shared/copy'
import { formatBytes } from '../../../shared/format'
import type { CopySourceImage } from '../model/copy-form'
import { shortDigest } from '../model/tag-summary'
import { RegistryText } from './registry-text'

const actionLabels: Record<CopyPlanTag['action'], string> = {
  create: 'new tag',
  unchanged: 'already there',
  overwrite: 'moves',
  conflict: 'points elsewhere',
}

const tagStatusLabels: Record<CopyTagStatus, string> = {
  written: 'written',
  unchanged: 'already there',
  refused: 'refused',
  'not-written': 'not written',
}

const referrerKinds: Record<CopyPlan['items'][number]['referrers'][number]['kind'], string> = {
  signature: 'signature',
  attestation: 'attestation',
  sbom: 'SBOM',
  other: 'artifact',
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`
}

/** Every blob of the plan once, by what happens to it. */
export function blobTally(plan: CopyPlan): Record<'present' | 'mount' | 'missing', { count: number; bytes: number }> {
  const unique = new Map<string, { size: number; state: 'present' | 'mount' | 'missing' }>()
  for (const item of plan.items) for (const blob of item.blobs) unique.set(blob.digest, blob)
  const tally = { present: { count: 0, bytes: 0 }, mount: { count: 0, bytes: 0 }, missing: { count: 0, bytes: 0 } }
  for (const blob of unique.values()) {
    tally[blob.state].count++
    tally[blob.state].bytes += blob.size
  }
  return tally
}

/** Destination tags that point at another image now (moved only with the user's confirmation). */
export function conflictsOf(plan: CopyPlan): { tag: CopyPlanTag; digest: string }[] {
  return plan.items.flatMap((item) => [
    ...item.tags
      .filter((tag) => tag.action === 'conflict' || tag.action === 'overwrite')
      .map((tag) => ({ tag, digest: item.destinationDigest })),
    ...item.referrers.flatMap((referrer) =>
      referrer.tags
        .filter((tag) => tag.action === 'conflict' || tag.action === 'overwrite')
        .map((tag) => ({ tag, digest: referrer.digest })),
    ),
  ])
}

/** Nothing to write: every tag is there already, with every manifest and blob. */
export function planUpToDate(plan: CopyPlan): boolean {
  return plan.items.every(
    (item) =>
      item.tags.every((tag) => tag.action === 'unchanged') &&
      item.manifests.every((manifest) => manifest.present) &&
      item.blobs.every((blob) => blob.state === 'present') &&
      item.referrers.every((referrer) => referrer.tags.every((tag) => tag.action === 'unchanged')),
  )
}

export function PlanView({
  plan,
  images,
  force,
  onForce,
}: {
  plan: CopyPlan
  images: readonly CopySourceImage[]
  force: boolean
  onForce: (force: boolean) => void
}) {
  const conflicts = conflictsOf(plan)
  return (
    <div className="copy-plan">
      <p className="copy-lead">{modeLead(plan)}</p>
      {plan.mode === 'retag' ? null : <PlanStats plan={plan} />}
      <ul className="copy-items">
        {plan.items.map((item, index) => (
          <PlanItem key={`${index}-${item.reference}`} item={item} image={images[index]} mode={plan.mode} />
        ))}
      </ul>
      {plan.skipped.length > 0 ? (
        <p className="muted small">Left out: {plan.skipped.map((s) => `${s.reference} (${s.reason})`).join('; ')}</p>
      ) : null}
      {conflicts.length > 0 ? <OverwriteConfirmation conflicts={conflicts} force={force} onForce={onForce} /> : null}
    </div>
  )
}

/** Blobs to send (or link by mount), already there, and manifests: what the copy moves, in four tiles. */
export function PlanStats({ plan }: { plan: CopyPlan }) {
  const tally = blobTally(plan)
  // The tile that says what the copy mostly does: bytes sent, or else blobs linked by mount.
  const main = tally.missing.count > 0 || plan.mode === 'cross-registry' ? 'missing' : 'mount'
  return (
    <dl className="copy-stats" aria-label="What the copy moves">
      {plan.mode === 'cross-registry' || tally.missing.count > 0 ? (
        <div data-state="missing" className={main === 'missing' ? 'main' : undefined}>
          <dt>To send</dt>
          <dd>
            {formatBytes(tally.missing.bytes)} <span className="muted">{plural(tally.missing.count, 'blob')}</span>
          </dd>
        </div>
      ) : null}
      {plan.mode === 'same-registry' ? (
        <div data-state="mount" className={main === 'mount' ? 'main' : undefined}>
          <dt>Linked by mount</dt>
          <dd>
            {formatBytes(tally.mount.bytes)} <span className="muted">{plural(tally.mount.count, 'blob')}</span>
          </dd>
        </div>
      ) : null}
      <div data-state="present">
        <dt>Already there</dt>
        <dd>
          {formatBytes(tally.present.bytes)} <span className="muted">{plural(tally.present.count, 'blob')}</span>
        </dd>
      </div>
      <div>
        <dt>Manifests</dt>
        <dd>{new Set(plan.items.flatMap((item) => item.manifests.map((m) => m.digest))).size.toLocaleString('en')}</dd>
      </div>
    </dl>
  )
}

export function modeLead(plan: CopyPlan): string {
  const from = `${plan.source.registry}/${plan.source.repository}`
  switch (plan.mode) {
    case 'retag':
      return 'The manifest is written under the new tags of the same repository: no blob is read or sent.'
    case 'same-registry':
      return `Same registry: blobs are linked from ${plan.source.repository} by mount, not uploaded; manifests are written byte for byte.`
    case 'cross-registry':
      return (
        `From ${from}: the blobs the destination lacks stream across, hashed on the way; manifests are written byte for byte, ` +
        'the tags last.'
      )
  }
}

function PlanItem({ item, image, mode }: { item: CopyPlanItem; image: CopySourceImage | undefined; mode: CopyPlan['mode'] }) {
  const sending = item.bytes.missing
  return (
    <li className="copy-item">
      <div className="copy-item-head">
        <span className="mono copy-item-tag" dir="auto">
          <RegistryText text={image?.tag ?? item.reference} />
        </span>
        <span className="mono muted" title={item.sourceDigest}>
          {shortDigest(item.sourceDigest)}
        </span>
        {mode === 'retag' ? null : (
          <span className="copy-item-bytes muted">
            {sending > 0
              ? `${formatBytes(sending)} to send`
              : item.bytes.mount > 0
                ? `${formatBytes(item.bytes.mount)} by mount`
                : 'nothing to send'}
          </span>
        )}
      </div>
      <ul className="copy-tags" aria-label={`Destination tags of ${image?.tag ?? item.reference}`}>
        {item.tags.map((tag) => (
          <li key={tag.tag} data-action={tag.action}>
            <span className={`copy-chip ${tag.action}`}>{actionLabels[tag.action]}</span>
            <span className="mono" dir="auto">
              <RegistryText text={tag.tag} />
            </span>
            {tag.current !== null && tag.current !== item.destinationDigest ? (
              <span className="muted small">
                now{' '}
                <span className="mono" title={tag.current}>
                  {shortDigest(tag.current)}
                </span>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {item.digestChanges ? (
        <p className="copy-note warn">
          Only {item.platforms.join(', ')}: a new index is written, so the digest at the destination is{' '}
          <span className="mono" title={item.destinationDigest}>
            {shortDigest(item.destinationDigest)}
          </span>
          , not{' '}
          <span className="mono" title={item.sourceDigest}>
            {shortDigest(item.sourceDigest)}
          </span>
          {item.droppedPlatforms.length > 0 ? ` (left out: ${item.droppedPlatforms.join(', ')})` : ''}.
        </p>
      ) : item.platforms.length > 1 && mode !== 'retag' ? (
        <p className="muted small">Every platform: {item.platforms.join(', ')}</p>
      ) : null}
      {item.referrers.length > 0 ? (
        <p className="muted small">
          With {item.referrers.map((referrer) => referrerKinds[referrer.kind]).join(', ')} ({plural(item.referrers.length, 'referrer')})
        </p>
      ) : null}
      {item.notes.map((note) => (
        <p key={note} className="muted small">
          {note}
        </p>
      ))}
      {mode === 'retag' ? null : <ContentList item={item} />}
    </li>
  )
}

function ContentList({ item }: { item: CopyPlanItem }) {
  return (
    <details className="copy-content">
      <summary>
        {plural(item.manifests.length, 'manifest')}, {plural(item.blobs.length, 'blob')}
      </summary>
      <table>
        <tbody>
          {item.manifests.map((manifest) => (
            <tr key={manifest.digest}>
              <td>
                <span className={`copy-chip ${manifest.present ? 'present' : 'missing'}`}>{manifest.present ? 'there' : 'to write'}</span>
              </td>
              <td className="mono" title={manifest.digest}>
                {shortDigest(manifest.digest)}
              </td>
              <td>{manifest.platform ?? manifest.role}</td>
              <td className="num">{formatBytes(manifest.size)}</td>
            </tr>
          ))}
          {item.blobs.map((blob) => (
            <tr key={blob.digest}>
              <td>
                <span className={`copy-chip ${blob.state}`}>
                  {blob.state === 'present' ? 'there' : blob.state === 'mount' ? 'mount' : 'send'}
                </span>
              </td>
              <td className="mono" title={blob.digest}>
                {shortDigest(blob.digest)}
              </td>
              <td className="muted">{blobKind(blob.mediaType)}</td>
              <td className="num">{formatBytes(blob.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

function blobKind(mediaType: string): string {
  if (/config/.test(mediaType)) return 'config'
  if (/layer|tar/.test(mediaType)) return 'layer'
  return mediaType.split('/').pop() ?? mediaType
}

export function OverwriteConfirmation({
  conflicts,
  force,
  onForce,
}: {
  conflicts: { tag: CopyPlanTag; digest: string }[]
  force: boolean
  onForce: (force: boolean) => void
}) {
  return (
    <div className="copy-overwrite" role="group" aria-label="Tags that point elsewhere">
      <strong>
        {conflicts.length === 1
          ? 'A destination tag points at another image'
          : `${conflicts.length} destination tags point at other images`}
      </strong>
      <ul className="copy-conflicts">
        {conflicts.map(({ tag, digest }) => (
          <li key={tag.tag}>
            <span className="mono copy-item-tag" dir="auto">
              <RegistryText text={tag.tag} />
            </span>
            <dl className="copy-digests">
              <dt>now</dt>
              <dd className="mono">{tag.current ?? 'nothing'}</dd>
              <dt>after</dt>
              <dd className="mono">{digest}</dd>
            </dl>
          </li>
        ))}
      </ul>
      <label className="checkbox">
        <input type="checkbox" checked={force} onChange={(e) => onForce(e.target.checked)} />
        <span>
          Overwrite {conflicts.length === 1 ? 'this tag' : 'these tags'}: {conflicts.length === 1 ? 'it' : 'they'} will point at the copied
          image. Unchecked, {conflicts.length === 1 ? 'its image is' : 'their images are'} not copied.
        </span>
      </label>
    </div>
  )
}

const phaseLabels: Record<CopyProgress['phase'], string> = {
  planning: 'Checking the destination again',
  blobs: 'Copying blobs',
  manifests: 'Writing manifests',
  tags: 'Writing tags',
  done: 'Finishing',
}

export function ProgressView({
  progress,
  images,
  cancelling,
}: {
  progress: CopyProgress | null
  images: readonly CopySourceImage[]
  cancelling: boolean
}) {
  const p = progress
  const fraction =
    p === null
      ? 0
      : p.bytesTotal > 0
        ? p.bytesDone / p.bytesTotal
        : p.blobsTotal > 0
          ? p.blobsDone / p.blobsTotal
          : p.itemsTotal > 0
            ? p.itemsDone / p.itemsTotal
            : 0
  const percent = Math.min(100, Math.round(fraction * 100))
  // A mirror has no images picked beforehand: the progress names the tag it works on.
  const current =
    p !== null && p.itemsTotal > 1 ? (images[Math.min(p.itemsDone, images.length - 1)]?.tag ?? p.item ?? undefined) : undefined
  return (
    <div className="copy-progress">
      <div className="copy-progress-phase" role="status">
        {cancelling
          ? 'Cancelling: blobs already sent stay, and the next copy resumes…'
          : p === null
            ? 'Starting…'
            : `${phaseLabels[p.phase]}…`}
        {current !== undefined && !cancelling && p !== null ? (
          <span className="muted">
            {' '}
            {current} ({Math.min(p.itemsDone + 1, p.itemsTotal)} of {p.itemsTotal})
          </span>
        ) : null}
      </div>
      <div className="copy-bar" role="progressbar" aria-label="Copy progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="copy-bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="copy-progress-numbers">
        <span>
          Blobs {(p?.blobsDone ?? 0).toLocaleString('en')} of {(p?.blobsTotal ?? 0).toLocaleString('en')}
        </span>
        <span>
          {formatBytes(p?.bytesDone ?? 0)} of {formatBytes(p?.bytesTotal ?? 0)}
        </span>
        <span>{p !== null && p.bytesPerSecond > 0 ? `${formatBytes(p.bytesPerSecond)}/s` : '—/s'}</span>
      </div>
    </div>
  )
}

const statusLabels: Record<CopyItemResult['status'], string> = {
  copied: 'copied',
  'up-to-date': 'already up to date',
  conflict: 'not copied: a tag points elsewhere',
  failed: 'failed',
  cancelled: 'cancelled',
}

export function resultTitle(result: CopyResult, retag: boolean): string {
  const { copied, upToDate, failed } = result.totals
  const total = result.items.length
  const tagsWritten = result.items.reduce((sum, item) => sum + item.tags.filter((tag) => tag.status === 'written').length, 0)
  if (result.items.every((item) => item.status === 'cancelled')) return retag ? 'Tagging cancelled' : 'Copy cancelled'
  if (result.complete) {
    if (copied === 0) return 'Already up to date'
    if (retag) return tagsWritten === 1 ? 'Tag added' : `${tagsWritten} tags added`
    return total === 1 ? 'Copied' : `Copied ${total} images`
  }
  if (total === 1) {
    const only = result.items[0]?.status
    if (only === 'conflict') return 'Not copied: a tag points elsewhere'
    if (only === 'cancelled') return retag ? 'Tagging cancelled' : 'Copy cancelled'
    return retag ? 'Adding the tag failed' : 'Copy failed'
  }
  return `${copied + upToDate} of ${total} ${retag ? 'tagged' : 'copied'}, ${failed} not`
}

export function ResultView({ result, images }: { result: CopyResult; images: readonly CopySourceImage[] }) {
  const where = `${result.destination.registry}/${result.destination.repository}`
  return (
    <div className="copy-result">
      <p className="copy-lead">
        {result.mode === 'retag' ? 'In ' : 'To '}
        <span className="mono" dir="auto">
          <RegistryText text={where} />
        </span>
        {result.totals.bytesUploaded > 0 ? ` · ${formatBytes(result.totals.bytesUploaded)} sent` : ''} · {result.totals.seconds} s
      </p>
      <ul className="copy-items">
        {result.items.map((item, index) => (
          <ResultItem key={`${index}-${item.reference}`} item={item} image={images[index]} />
        ))}
      </ul>
    </div>
  )
}

function ResultItem({ item, image }: { item: CopyItemResult; image: CopySourceImage | undefined }) {
  const ok = item.status === 'copied' || item.status === 'up-to-date'
  const blobs = [
    item.blobs.uploaded > 0 ? `${item.blobs.uploaded} sent` : '',
    item.blobs.mounted > 0 ? `${item.blobs.mounted} mounted` : '',
    item.blobs.present > 0 ? `${item.blobs.present} already there` : '',
    item.blobs.resumed > 0 ? `${item.blobs.resumed} resumed` : '',
  ].filter((part) => part !== '')
  return (
    <li className={ok ? 'copy-item ok' : 'copy-item failed'} data-status={item.status}>
      <div className="copy-item-head">
        <span className="result-icon" aria-hidden="true">
          {ok ? '✓' : '!'}
        </span>
        <span className="mono copy-item-tag" dir="auto">
          <RegistryText text={image?.tag ?? item.reference} />
        </span>
        <span className="muted">{statusLabels[item.status]}</span>
      </div>
      <ul className="copy-tags">
        {item.tags.map((tag) => (
          <li key={tag.tag} data-status={tag.status}>
            <span className={`copy-chip ${tag.status}`}>{tagStatusLabels[tag.status]}</span>
            <span className="mono" dir="auto">
              <RegistryText text={tag.tag} />
            </span>
            {tag.status === 'written' && tag.previous !== null ? (
              <span className="muted small">
                was <span className="mono">{shortDigest(tag.previous)}</span>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {item.verified && item.destinationDigest !== null ? (
        <p className="copy-verified">
          Verified at the destination: <span className="mono">{item.destinationDigest}</span>
        </p>
      ) : null}
      {blobs.length > 0 ? <p className="muted small">Blobs: {blobs.join(', ')}</p> : null}
      {item.error ? (
        <p className="result-error" dir="auto">
          {item.error.message}
          {item.error.fix ? <span className="muted"> — {item.error.fix}</span> : null}
        </p>
      ) : null}
    </li>
  )
}

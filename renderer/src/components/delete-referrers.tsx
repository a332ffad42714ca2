// The delete dialog's referrers: the signatures, SBOMs and attestations of the images this delete
// leaves untagged (they would otherwise dangle), each named by kind and tag or digest, with one
// checkbox, on by default. Their results after the delete, each on its own line.
import type { DeletePreview, DeleteReferrer, DeleteResult } from '../../../shared/types'
import { shortDigest } from '../model/tag-summary'
import { RegistryText } from './registry-text'

const kindLabels: Record<DeleteReferrer['kind'], string> = {
  signature: 'Signature',
  sbom: 'SBOM',
  attestation: 'Attestation',
  other: 'Artifact',
  index: 'Referrers index',
}

export function referrersCount(count: number): string {
  return `${count} referrer${count === 1 ? '' : 's'}`
}

export function DeleteReferrersChoice({
  preview,
  checked,
  disabled,
  onChange,
}: {
  preview: DeletePreview
  checked: boolean
  disabled: boolean
  onChange: (checked: boolean) => void
}) {
  const referrers = preview.referrers ?? []
  if (referrers.length === 0) return null
  const blocked = preview.referrersBlocked
  return (
    <div className="delete-referrers">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked && blocked === undefined}
          disabled={disabled || blocked !== undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>
          Also delete {referrers.length === 1 ? 'its referrer' : `its ${referrersCount(referrers.length)}`}
          <span className="field-hint block">
            {blocked ?? 'Signatures, SBOMs and attestations of the deleted image: without it they would dangle.'}
          </span>
        </span>
      </label>
      <ul className="delete-list referrer-list" aria-label="Referrers">
        {referrers.map((r) => (
          <li key={r.digest} className={checked && blocked === undefined ? '' : 'kept'}>
            <span className={`kind-badge ref-${r.kind === 'index' ? 'other' : r.kind}`}>{kindLabels[r.kind]}</span>
            {r.tag !== null ? (
              <span className="mono tag-name" dir="auto">
                <RegistryText text={r.tag} />
              </span>
            ) : (
              <span className="muted">untagged</span>
            )}
            <span className="mono muted" title={r.digest}>
              {shortDigest(r.digest)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}

export function ReferrerResults({ results }: { results: DeleteResult[] }) {
  const all = results.flatMap((r) => r.referrers ?? [])
  if (all.length === 0) return null
  return (
    <ul className="delete-list referrer-list" aria-label="Referrers deleted">
      {all.map((r) => (
        <li key={r.digest} className={r.ok ? 'ok' : 'failed'}>
          <span className="result-icon" aria-hidden="true">
            {r.ok ? '✓' : '!'}
          </span>
          <span className={`kind-badge ref-${r.kind === 'index' ? 'other' : r.kind}`}>{kindLabels[r.kind]}</span>
          <span className="mono tag-name" dir="auto">
            {r.tag !== null ? <RegistryText text={r.tag} /> : shortDigest(r.digest)}
          </span>
          {r.ok ? (
            <span className="muted">deleted</span>
          ) : (
            <span className="result-error" dir="auto">
              {r.error?.message ?? 'failed'}
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}

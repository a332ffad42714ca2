// Cosign signatures on screen: the mark beside a tag in the table (for images whose `.sig` tag is
// listed) and the details panel's section, which checks the image's `.sig` tag and its OCI 1.1
// referrers with the keys kept for the repository and says, per signature, which key or why not.
import { useEffect, type ReactNode } from 'react'
import { imageSignatureLabels, shortFingerprint, signatureStatusLabels, type ImageSignatureStatus } from '../../../shared/signatures'
import { shortDigest } from '../model/tag-summary'
import { useDialogs } from '../stores/dialogs'
import { reportKey, useSignatures } from '../stores/signatures'
import { ErrorView } from './error-view'
import './signature-mark.css'

// The table's mark is an icon (a shield and what it says), so it never takes the tag name's room;
// its tooltip and accessible name say which key, or why not.
const shield = 'M8 1.6 13.2 3.5v3.9c0 3.1-2.2 5.7-5.2 7-3-1.3-5.2-3.9-5.2-7V3.5Z'
const markGlyph: Record<ImageSignatureStatus, ReactNode> = {
  verified: <path d="M5.6 8.1 7.3 9.8l3.1-3.4" />,
  failed: <path d="M6.2 6.1l3.6 3.6M9.8 6.1 6.2 9.7" />,
  // A person: signed by an identity (Sigstore), which Berth does not check.
  keyless: (
    <>
      <circle cx="8" cy="6.6" r="1.4" />
      <path d="M5.6 10.6a2.6 2.6 0 0 1 4.8 0" />
    </>
  ),
  // A question: signed, but no key kept here to check it with.
  'signed-no-key': (
    <>
      <path d="M6.6 6.3a1.45 1.45 0 1 1 2 1.35c-.4.2-.6.5-.6.9v.3" />
      <path d="M8 10.7v.01" />
    </>
  ),
  unsigned: null,
}

export function SignatureMark({ digest, reserve = false }: { digest: string; reserve?: boolean }) {
  const mark = useSignatures((s) => s.marks[digest])
  // A row known to have a signature keeps the mark's place while it is checked: nothing beside it moves.
  if (mark === undefined) return reserve ? <span className="signature-slot" aria-hidden="true" /> : null
  return (
    <span
      className={`signature-mark signature-icon signature-${mark.status}`}
      role="img"
      title={mark.note}
      aria-label={mark.note}
      data-signature={mark.status}
    >
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
        <path className="signature-shield" d={shield} />
        <g className="signature-glyph">{markGlyph[mark.status]}</g>
      </svg>
    </span>
  )
}

export function SignaturesSection({ registryId, repository, digest }: { registryId: string; repository: string; digest: string }) {
  const key = reportKey(registryId, repository, digest)
  const state = useSignatures((s) => s.reports[key])
  const loadReport = useSignatures((s) => s.loadReport)
  const openDialog = useDialogs((s) => s.open)

  useEffect(() => {
    if (useSignatures.getState().reports[key] === undefined) void loadReport(registryId, repository, digest)
  }, [key, loadReport, registryId, repository, digest])

  const keysButton = (
    <button type="button" className="link-button" onClick={() => openDialog({ kind: 'signature-keys', registryId })}>
      Signature keys…
    </button>
  )
  return (
    <section className="section" aria-label="Signatures">
      <h3 className="section-title">
        Signatures
        {state?.status === 'ready' ? <span className="count"> {state.report.signatures.length}</span> : null}
      </h3>
      {state === undefined || state.status === 'loading' ? <p className="muted small">Checking signatures…</p> : null}
      {state?.status === 'error' ? (
        <ErrorView error={state.error} compact onRetry={() => void loadReport(registryId, repository, digest)} />
      ) : null}
      {state?.status === 'ready' ? (
        <>
          <div className="signature-summary">
            <span className={`signature-mark signature-${state.report.status}`} data-signature={state.report.status}>
              {imageSignatureLabels[state.report.status]}
            </span>
          </div>
          {state.report.signatures.length > 0 ? (
            <ul className="signature-list">
              {state.report.signatures.map((check) => (
                <li key={`${check.manifestDigest}|${check.payloadDigest}`} className="signature-item">
                  <div className="signature-line">
                    <span className={`signature-mark signature-${check.status}`}>{signatureStatusLabels[check.status]}</span>
                    {check.key ? (
                      <span>
                        by <strong dir="auto">{check.key.name}</strong>{' '}
                        <span className="mono muted" title={check.key.fingerprint}>
                          {shortFingerprint(check.key.fingerprint)}
                        </span>
                      </span>
                    ) : null}
                  </div>
                  {check.reason ? (
                    <span className="small signature-reason" dir="auto">
                      {check.reason}
                    </span>
                  ) : null}
                  <span className="muted small">
                    {check.source === 'cosign-tag' ? 'cosign .sig tag' : 'OCI 1.1 referrer'} ·{' '}
                    <span className="mono" title={check.manifestDigest}>
                      {shortDigest(check.manifestDigest)}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No cosign signature refers to this image.</p>
          )}
          <p className="muted small">
            {state.report.keys.length === 0
              ? 'No key is kept for this repository. '
              : `Checked with ${state.report.keys.map((k) => k.name).join(', ')}. `}
            {keysButton}
          </p>
        </>
      ) : null}
    </section>
  )
}

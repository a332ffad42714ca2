// The certificate the registry presented, shown in full before the user trusts it for this registry
// only (docs/registry-notes.md "TLS": trust is per registry, shown as a SHA-256 fingerprint first).
import { useState } from 'react'
import type { CertificateInfo } from '../../../shared/types'
import './trust-step.css'

export type TrustChoice = { fingerprint: string } | { caPem: string }

function CertificateCard({ certificate }: { certificate: CertificateInfo }) {
  const now = Date.now()
  const expired = Date.parse(certificate.validTo) < now
  const notYet = Date.parse(certificate.validFrom) > now
  return (
    <dl className="cert-card">
      <dt>Subject</dt>
      <dd className="mono wrap" dir="auto">
        {certificate.subject}
      </dd>
      <dt>Issuer</dt>
      <dd className="mono wrap" dir="auto">
        {certificate.issuer}
        {certificate.selfSigned ? <span className="badge warn">self-signed</span> : null}
      </dd>
      <dt>Valid</dt>
      <dd>
        {certificate.validFrom} → {certificate.validTo}
        {expired ? <span className="badge danger">expired</span> : null}
        {notYet ? <span className="badge danger">not yet valid</span> : null}
      </dd>
      <dt>SHA-256</dt>
      <dd className="mono fingerprint">{certificate.fingerprint256}</dd>
      <dt>Serial</dt>
      <dd className="mono wrap">{certificate.serialNumber}</dd>
    </dl>
  )
}

interface TrustStepProps {
  host: string
  certificate: CertificateInfo | undefined
  busy: boolean
  onBack: () => void
  onTrust: (choice: TrustChoice) => void
}

export function TrustStep({ host, certificate, busy, onBack, onTrust }: TrustStepProps) {
  const [mode, setMode] = useState<'pin' | 'ca'>(certificate ? 'pin' : 'ca')
  const [pem, setPem] = useState('')
  const pemValid = pem.includes('-----BEGIN CERTIFICATE-----')
  return (
    <div className="trust-step">
      <div className="callout warn">
        <strong>{host} presented a certificate your system does not trust.</strong>
        <span>
          Compare the fingerprint with the one your registry administrator gives you. Trusting it applies to this registry only; if the
          certificate changes later, Berth asks again.
        </span>
      </div>
      {certificate ? <CertificateCard certificate={certificate} /> : null}
      <fieldset className="choice">
        <legend className="visually-hidden">How to trust this registry</legend>
        {certificate ? (
          <label className="radio">
            <input type="radio" name="trust" checked={mode === 'pin'} onChange={() => setMode('pin')} />
            <span>
              <strong>Trust this certificate</strong>
              <span className="muted"> — pin its SHA-256 fingerprint</span>
            </span>
          </label>
        ) : null}
        <label className="radio">
          <input type="radio" name="trust" checked={mode === 'ca'} onChange={() => setMode('ca')} />
          <span>
            <strong>Trust a CA certificate</strong>
            <span className="muted"> — paste your organisation’s CA (PEM)</span>
          </span>
        </label>
      </fieldset>
      {mode === 'ca' ? (
        <textarea
          className="input pem-input mono"
          rows={6}
          spellCheck={false}
          placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
          aria-label="CA certificate in PEM format"
          value={pem}
          onChange={(e) => setPem(e.target.value)}
        />
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onBack} disabled={busy}>
          Back
        </button>
        <button
          type="button"
          className="button primary"
          disabled={busy || (mode === 'ca' ? !pemValid : !certificate)}
          onClick={() => onTrust(mode === 'pin' && certificate ? { fingerprint: certificate.fingerprint256 } : { caPem: pem })}
        >
          {busy ? 'Connecting…' : 'Trust and continue'}
        </button>
      </div>
    </div>
  )
}

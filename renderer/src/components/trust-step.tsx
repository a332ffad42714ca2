// Every certificate the user must decide on before Berth talks to a registry: the registry's own,
// and those of the hosts it sends Berth to (its token server, GitLab's API), each shown in full
// before it is trusted for this registry only (docs/registry-notes.md "TLS": trust is per
// registry, shown as a SHA-256 fingerprint first). Hosts presenting the same certificate share
// one card; pinning pins it for each of them, a CA must vouch for them all.
import { useState } from 'react'
import type { TrustChoice } from '../../../shared/ipc'
import { describeCertificateProblem, hostRoleLabel } from '../../../shared/registry-setup'
import type { CertificateInfo, HostTrust } from '../../../shared/types'
import './trust-step.css'

export type { TrustChoice } from '../../../shared/ipc'

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

interface CertificateGroup {
  certificate: CertificateInfo
  hosts: HostTrust[]
}

/** Hosts presenting the same certificate (a registry and its token server on another port) share one card. */
export function groupByCertificate(hosts: readonly HostTrust[]): CertificateGroup[] {
  const groups: CertificateGroup[] = []
  for (const host of hosts) {
    if (!host.certificate) continue
    const same = groups.find((group) => group.certificate.fingerprint256 === host.certificate?.fingerprint256)
    if (same) same.hosts.push(host)
    else groups.push({ certificate: host.certificate, hosts: [host] })
  }
  return groups
}

/** "registry 127.0.0.1:5443 and token server localhost:6443" */
function namesOf(hosts: readonly HostTrust[]): string {
  const names = hosts.map((host) => `${hostRoleLabel(host.role)} ${host.host}`)
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function joined(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
}

/** "localhost:5443 and its token server 127.0.0.1:6443 presented a certificate your system does not trust." */
export function untrustedSentence(registry: string, hosts: readonly HostTrust[], certificates: number): string {
  const names = hosts.map((host) => (host.role === 'registry' ? host.host : `its ${hostRoleLabel(host.role)} ${host.host}`))
  const what = certificates > 1 ? 'certificates' : 'a certificate'
  if (hosts.some((host) => host.role === 'registry')) return `${joined(names)} presented ${what} your system does not trust.`
  const whose = certificates > 1 ? 'certificates' : 'certificate'
  return `${registry} sends Berth to ${joined(names)}, whose ${whose} your system does not trust.`
}

/** The modal's title for these hosts: one certificate or several. */
export function trustTitle(hosts: readonly HostTrust[]): string {
  return groupByCertificate(hosts).length > 1 ? 'Trust these certificates?' : 'Trust this registry’s certificate?'
}

interface TrustStepProps {
  /** The registry's host[:port], as the user typed it. */
  registry: string
  /** The hosts whose certificate is not trusted yet. */
  hosts: HostTrust[]
  busy: boolean
  onBack: () => void
  onTrust: (choice: TrustChoice) => void
}

export function TrustStep({ registry, hosts, busy, onBack, onTrust }: TrustStepProps) {
  const groups = groupByCertificate(hosts)
  const unreadable = hosts.filter((host) => !host.certificate)
  const [mode, setMode] = useState<'pin' | 'ca'>(groups.length > 0 ? 'pin' : 'ca')
  const [pem, setPem] = useState('')
  const pemValid = pem.includes('-----BEGIN CERTIFICATE-----')
  const several = groups.length > 1
  const pins = groups.flatMap((group) => group.hosts.map((host) => ({ host: host.host, fingerprint: group.certificate.fingerprint256 })))
  return (
    <div className="trust-step">
      <div className="callout warn">
        <strong>{untrustedSentence(registry, hosts, groups.length)}</strong>
        <span>
          Compare {several ? 'each fingerprint' : 'the fingerprint'} with the one your registry administrator gives you. Trusting applies to
          this registry only; if a certificate changes later, Berth asks again.
        </span>
      </div>
      <div className="cert-groups">
        {groups.map((group) => (
          <section className="cert-group" key={group.certificate.fingerprint256} aria-label={`Certificate of ${namesOf(group.hosts)}`}>
            <h3 className="cert-hosts">
              {capitalized(namesOf(group.hosts))}
              {group.hosts[0]?.problem ? <span className="cert-problem">{describeCertificateProblem(group.hosts[0].problem)}</span> : null}
            </h3>
            <CertificateCard certificate={group.certificate} />
          </section>
        ))}
        {unreadable.map((host) => (
          <p className="cert-unreadable" key={host.host}>
            Could not read the certificate of the {hostRoleLabel(host.role)} {host.host}
            {host.problem ? `: ${host.problem}` : ''}.
          </p>
        ))}
      </div>
      <fieldset className="choice">
        <legend className="visually-hidden">How to trust {several ? 'these certificates' : 'this certificate'}</legend>
        {groups.length > 0 ? (
          <label className="radio">
            <input type="radio" name="trust" checked={mode === 'pin'} onChange={() => setMode('pin')} />
            <span>
              <strong>{several ? 'Trust these certificates' : 'Trust this certificate'}</strong>
              <span className="muted"> — pin {several ? 'each SHA-256 fingerprint' : 'its SHA-256 fingerprint'}</span>
            </span>
          </label>
        ) : null}
        <label className="radio">
          <input type="radio" name="trust" checked={mode === 'ca'} onChange={() => setMode('ca')} />
          <span>
            <strong>Trust a CA certificate</strong>
            <span className="muted">
              {' '}
              — paste your organisation’s CA (PEM){hosts.length > 1 ? '; it must have issued every certificate above' : ''}
            </span>
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
          disabled={busy || (mode === 'ca' ? !pemValid : pins.length === 0)}
          onClick={() => onTrust(mode === 'pin' ? { pins } : { pins: [], caPem: pem })}
        >
          {busy ? 'Connecting…' : 'Trust and continue'}
        </button>
      </div>
    </div>
  )
}

// Add or edit a registry: probe first (what auth it wants, whether its certificate is trusted),
// show the trust step when it is not, save the profile, then send the secret once with `login`.
import { useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import type { CertificateInfo, ProbeResult } from '../../../shared/types'
import { registryHost } from '../model/tag-summary'
import { normalizeRegistryUrl } from '../model/registry-url'
import { probeRegistry, saveRegistryProfile, signOut as signOutOf } from '../stores/actions/registry-profile'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { TrustStep, type TrustChoice } from './trust-step'

type Step = { kind: 'form' } | { kind: 'trust'; certificate: CertificateInfo | undefined; probe: ProbeResult | null }

export function RegistryDialog({
  registryId,
  initialAddress,
  onClose,
}: {
  registryId: string | null
  /** A new registry pre-filled with the address a link named (stores/dialogs.ts). */
  initialAddress?: string
  onClose: () => void
}) {
  const existing = useRegistries((s) => registryById(s.registries, registryId))
  const [url, setUrl] = useState(existing?.url ?? initialAddress ?? '')
  const [name, setName] = useState(existing?.name ?? '')
  const [insecure, setInsecure] = useState(existing?.insecure ?? false)
  const [username, setUsername] = useState(existing?.username ?? '')
  const [secret, setSecret] = useState('')
  const [gitlabUrl, setGitlabUrl] = useState(existing?.gitlabUrl ?? '')
  const [step, setStep] = useState<Step>({ kind: 'form' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)

  const fullUrl = normalizeRegistryUrl(url)
  const host = fullUrl === '' ? '' : registryHost(fullUrl)
  const looksGitLab = /gitlab/i.test(url) || existing?.kind === 'gitlab' || gitlabUrl.trim() !== ''
  const fullGitlabUrl = gitlabUrl.trim() === '' ? '' : normalizeRegistryUrl(gitlabUrl)

  const finish = async (probe: ProbeResult | null, trust: TrustChoice | null) => {
    setBusy(true)
    setError(null)
    try {
      const form = {
        name: name.trim() || host,
        url: fullUrl,
        insecure,
        username: username.trim(),
        secret,
        gitlabUrl: fullGitlabUrl,
      }
      const saved = await saveRegistryProfile(existing, form, probe, trust)
      if (saved.ok) return onClose()
      // The secret is not kept in React state once it went to the keychain's login.
      if (saved.secretSent) setSecret('')
      setError(saved.error)
    } finally {
      setBusy(false)
    }
  }

  const connect = async () => {
    setBusy(true)
    setError(null)
    const outcome = await probeRegistry(fullUrl, insecure, existing?.id)
    setBusy(false)
    if (outcome.kind === 'error') return setError(outcome.error)
    if (outcome.kind === 'trust') return setStep({ kind: 'trust', certificate: outcome.certificate, probe: outcome.probe })
    await finish(outcome.probe, null)
  }

  const signOut = async () => {
    if (!existing) return
    setBusy(true)
    const failed = await signOutOf(existing)
    setBusy(false)
    if (failed) setError(failed)
  }

  const title = existing ? `Edit ${existing.name}` : 'Add registry'
  if (step.kind === 'trust') {
    return (
      <Modal title="Trust this registry’s certificate?" onClose={onClose} busy={busy} wide>
        {error ? <ErrorView error={error} compact /> : null}
        <TrustStep
          host={host}
          certificate={step.certificate}
          busy={busy}
          onBack={() => setStep({ kind: 'form' })}
          onTrust={(choice) => void finish(step.probe, choice)}
        />
      </Modal>
    )
  }
  return (
    <Modal
      title={title}
      description="Berth checks the registry before saving. Secrets go to your OS keychain, never to a file."
      onClose={onClose}
      busy={busy}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void connect()
        }}
      >
        <label className="field">
          <span className="field-label">Registry URL</span>
          <input
            className="input mono"
            autoFocus
            required
            placeholder="registry.example.com:5050"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            spellCheck={false}
          />
          {fullUrl !== '' && fullUrl !== url.trim() ? <span className="field-hint mono">{fullUrl}</span> : null}
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" placeholder={host || 'My registry'} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
          <span>
            Allow plain HTTP <span className="muted">(insecure; loopback registries are always allowed)</span>
          </span>
        </label>
        <div className="field-group">
          <div className="field-group-title">Sign in (optional)</div>
          <label className="field">
            <span className="field-label">Username</span>
            <input
              className="input"
              autoComplete="username"
              required={secret !== ''}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              spellCheck={false}
            />
          </label>
          <label className="field">
            <span className="field-label">Password or token</span>
            <input
              className="input"
              type="password"
              autoComplete="current-password"
              placeholder={existing?.hasCredential ? 'Leave blank to keep the stored secret' : ''}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </label>
          <p className={looksGitLab ? 'field-hint highlight' : 'field-hint'}>
            GitLab: your username and a personal access token with <code>read_api</code> and <code>read_registry</code> (<code>api</code> to
            delete tags) — repositories are listed through the GitLab API, since its catalog is for administrators. A deploy token reads
            images only; <code>CI_JOB_TOKEN</code> (user <code>gitlab-ci-token</code>) works only inside CI.
          </p>
        </div>
        {looksGitLab ? (
          <label className="field">
            <span className="field-label">GitLab instance URL</span>
            <input
              className="input mono"
              placeholder="gitlab.example.com (found from the registry when left empty)"
              value={gitlabUrl}
              onChange={(e) => setGitlabUrl(e.target.value)}
              spellCheck={false}
              aria-label="GitLab instance URL"
            />
            <span className="field-hint">Where the GitLab web UI and API live, when it differs from the registry URL.</span>
          </label>
        ) : null}
        {error ? <ErrorView error={error} compact /> : null}
        <div className="dialog-actions">
          {existing?.hasCredential ? (
            <button type="button" className="button ghost push-left" onClick={() => void signOut()} disabled={busy}>
              Sign out
            </button>
          ) : null}
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy || fullUrl === ''}>
            {busy ? 'Connecting…' : existing ? 'Save' : 'Connect'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

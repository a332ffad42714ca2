// Add or edit a registry: probe first (what auth it wants, whether its certificate is trusted),
// show the trust step when it is not, save the profile, then send the secret once with `login`.
import { useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import type { CertificateInfo, ProbeResult, RegistryView } from '../../../shared/types'
import { call } from '../api/call'
import { registryHost } from '../model/tag-summary'
import { normalizeRegistryUrl } from '../model/registry-url'
import { registryById, useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { useView } from '../stores/view'
import { showToast } from '../stores/toasts'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { TrustStep, type TrustChoice } from './trust-step'

type Step = { kind: 'form' } | { kind: 'trust'; certificate: CertificateInfo | undefined; probe: ProbeResult | null }

export function RegistryDialog({ registryId, onClose }: { registryId: string | null; onClose: () => void }) {
  const existing = useRegistries((s) => registryById(s.registries, registryId))
  const upsert = useRegistries((s) => s.upsert)
  const [url, setUrl] = useState(existing?.url ?? '')
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
      const saved = await call('saveRegistry', {
        profile: {
          id: existing?.id,
          name: name.trim() || host,
          url: fullUrl,
          kind: fullGitlabUrl ? 'gitlab' : (probe?.kind ?? existing?.kind),
          username: username.trim() || undefined,
          insecure,
          favorites: existing?.favorites ?? [],
          // Empty: derived from the registry's token realm (<gitlab>/jwt/auth) when browsing.
          gitlabUrl: fullGitlabUrl || undefined,
        },
      })
      if (!saved.ok) return setError(saved.error)
      let view: RegistryView = saved.value
      upsert(view)
      if (trust) {
        const trusted = await call('trustCertificate', { registryId: view.id, ...trust })
        if (!trusted.ok) return setError(trusted.error)
        view = trusted.value
        upsert(view)
      }
      if (secret !== '') {
        // The form requires a username with a secret: "<token>" would mean a docker identity token.
        const loggedIn = await call('login', { registryId: view.id, username: username.trim(), secret })
        // The secret is not kept in React state past this call.
        setSecret('')
        if (!loggedIn.ok) return setError(loggedIn.error)
        view = loggedIn.value
        upsert(view)
      }
      void useRepositories.getState().load(view.id, true)
      useView.getState().update({ registryId: view.id, repository: null, tag: null })
      showToast({ kind: 'success', title: existing ? `Saved ${view.name}` : `Added ${view.name}` })
      onClose()
    } finally {
      setBusy(false)
    }
  }

  const connect = async () => {
    setBusy(true)
    setError(null)
    const probe = await call('probeRegistry', { url: fullUrl, insecure, registryId: existing?.id })
    setBusy(false)
    if (!probe.ok) {
      if (probe.error.code === 'tls_untrusted' || probe.error.code === 'tls_changed') {
        setStep({ kind: 'trust', certificate: probe.error.certificate, probe: null })
        return
      }
      return setError(probe.error)
    }
    if (probe.value.certificate && probe.value.tlsTrusted === false) {
      setStep({ kind: 'trust', certificate: probe.value.certificate, probe: probe.value })
      return
    }
    await finish(probe.value, null)
  }

  const signOut = async () => {
    if (!existing) return
    setBusy(true)
    const result = await call('logout', { registryId: existing.id })
    setBusy(false)
    if (!result.ok) return setError(result.error)
    upsert(result.value)
    showToast({ kind: 'info', title: `Signed out of ${existing.name}` })
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

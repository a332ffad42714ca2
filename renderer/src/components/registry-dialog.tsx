// Add or edit a registry: probe first (where it answers — https first —, what auth it wants, every
// host it sends Berth to and whether each certificate is trusted), show the trust step for the
// certificates that are not, say so when the registry is GitLab's, then connect: the registry is
// checked with the trust chosen and the credentials typed, and only then saved.
import { useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import { planRegistryAddress } from '../../../shared/registry-address'
import { describeGitlabToken, gitlabScopes, gitlabTokenIsLimited, type GitlabTokenReport } from '../../../shared/registry-setup'
import type { HostTrust, ProbeResult, RegistryView } from '../../../shared/types'
import { normalizeRegistryUrl } from '../model/registry-url'
import {
  connectRegistryProfile,
  mergeTrust,
  probeRegistry,
  signOut as signOutOf,
  type TrustChoice,
} from '../stores/actions/registry-profile'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { TrustStep, trustTitle } from './trust-step'
import './registry-dialog.css'

type Step =
  | { kind: 'form' }
  | { kind: 'trust'; probe: ProbeResult; untrusted: HostTrust[] }
  /** Saved; what GitLab's API said the token may not do is worth a look before the dialog goes. */
  | { kind: 'saved'; title: string; report: GitlabTokenReport }

function Scopes({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name, index) => (
        <span key={name}>
          {index > 0 ? ' or ' : null}
          <code>{name}</code>
        </span>
      ))}
    </>
  )
}

/** Said once the probe saw GitLab's `/jwt/auth` realm: which token to use and what each scope allows. */
function GitlabNotice({ instance, signedIn }: { instance: string | null; signedIn: boolean }) {
  return (
    <div className="callout info gitlab-notice" role="status">
      <strong>{instance ? `This registry belongs to the GitLab instance at ${instance}.` : 'This looks like a GitLab registry.'}</strong>
      <span>
        Sign in with a <em>personal access token</em> (your GitLab username) or a <em>deploy token</em> (its own username).
      </span>
      <span>
        Browsing needs <Scopes names={gitlabScopes.browse} /> (<Scopes names={gitlabScopes.list} /> to list your repositories); deleting
        tags needs <Scopes names={gitlabScopes.delete} />. Berth checks the token with GitLab’s API before saving.
      </span>
      {signedIn ? null : <span className="muted">Public projects can be browsed without a token: Connect again to go on without one.</span>}
    </div>
  )
}

function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).host
  } catch {
    return null
  }
}

export function RegistryDialog({
  registryId,
  initialAddress,
  onClose,
  onAdded,
}: {
  registryId: string | null
  /** A new registry pre-filled with the address a link named (stores/dialogs.ts). */
  initialAddress?: string
  onClose: () => void
  /** Opened from another dialog (Copy to…): it gets the registry saved, and the view stays where it is. */
  onAdded?: (view: RegistryView) => void
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
  /** What the user chose in the trust step, sent with the probe and the connect; saved only by the connect. */
  const [trust, setTrust] = useState<TrustChoice | undefined>(undefined)
  /** The last probe that showed GitLab: the dialog said so, and the next Connect goes on. */
  const [gitlabProbe, setGitlabProbe] = useState<ProbeResult | null>(null)

  const plan = planRegistryAddress(url, { insecure })
  const host = plan?.host ?? ''
  const looksGitLab = /gitlab/i.test(url) || existing?.kind === 'gitlab' || gitlabUrl.trim() !== '' || gitlabProbe !== null
  const fullGitlabUrl = gitlabUrl.trim() === '' ? '' : normalizeRegistryUrl(gitlabUrl)
  const signedIn = secret !== '' || existing?.hasCredential === true

  const finish = async (probe: ProbeResult, chosen: TrustChoice | undefined) => {
    setBusy(true)
    setError(null)
    try {
      const form = {
        name: name.trim() || hostOfUrl(probe.url) || host,
        url: probe.url,
        insecure,
        username: username.trim(),
        secret,
        gitlabUrl: fullGitlabUrl,
      }
      const saved = await connectRegistryProfile(existing, form, probe, chosen, { show: onAdded === undefined })
      if (saved.ok) {
        onAdded?.(saved.result.view)
        const report = saved.result.gitlab
        if (report && gitlabTokenIsLimited(report)) {
          setSecret('')
          return setStep({ kind: 'saved', title: `${existing ? 'Saved' : 'Added'} ${saved.result.view.name}`, report })
        }
        return onClose()
      }
      // The secret is not kept in React state once it went to main.
      if (saved.secretSent) setSecret('')
      setStep({ kind: 'form' })
      setError(saved.error)
    } finally {
      setBusy(false)
    }
  }

  const connect = async (chosen: TrustChoice | undefined) => {
    setBusy(true)
    setError(null)
    const outcome = await probeRegistry(url.trim(), insecure, existing?.id, chosen)
    setBusy(false)
    if (outcome.kind === 'error') return setError(outcome.error)
    // Kept only once main accepted it (a pasted PEM that is no CA is refused above).
    setTrust(chosen)
    if (outcome.kind === 'trust') {
      setStep({ kind: 'trust', probe: outcome.probe, untrusted: outcome.untrusted })
      if (chosen?.caPem !== undefined) {
        const names = outcome.untrusted.map((h) => h.host).join(', ')
        setError({
          code: 'tls_untrusted',
          message: `The CA certificate you gave did not issue the certificate of ${names}.`,
          fix: 'Paste the CA that issued every certificate shown, or trust the certificates themselves.',
        })
      }
      return
    }
    const probe = outcome.probe
    // GitLab answers anonymously too, but lists nothing useful without a token: say what to use first.
    if (probe.kind === 'gitlab' && !signedIn && gitlabProbe?.url !== probe.url) {
      setStep({ kind: 'form' })
      setGitlabProbe(probe)
      return
    }
    await finish(probe, chosen)
  }

  const signOut = async () => {
    if (!existing) return
    setBusy(true)
    const failed = await signOutOf(existing)
    setBusy(false)
    if (failed) setError(failed)
  }

  const title = existing ? `Edit ${existing.name}` : 'Add registry'
  if (step.kind === 'saved') {
    return (
      <Modal title={step.title} onClose={onClose}>
        <div className="callout info gitlab-notice" role="status">
          <strong>GitLab checked the token.</strong>
          <span>{describeGitlabToken(step.report)}</span>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button primary" autoFocus onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    )
  }
  if (step.kind === 'trust') {
    return (
      <Modal title={trustTitle(step.untrusted)} onClose={onClose} busy={busy} wide>
        {error ? <ErrorView error={error} compact /> : null}
        <TrustStep
          registry={hostOfUrl(step.probe.url) ?? host}
          hosts={step.untrusted}
          busy={busy}
          onBack={() => {
            setError(null)
            setStep({ kind: 'form' })
          }}
          onTrust={(choice) => void connect(mergeTrust(trust, choice))}
        />
      </Modal>
    )
  }
  const shownGitlab = gitlabProbe?.gitlabUrl ?? existing?.gitlabUrl ?? null
  return (
    <Modal
      title={title}
      description="Berth checks the registry and your credentials before saving. Secrets go to your OS keychain, never to a file."
      onClose={onClose}
      busy={busy}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void connect(trust)
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
            onChange={(e) => {
              setUrl(e.target.value)
              // Another address: what was learnt about the last one (its certificates, GitLab) no longer applies.
              setGitlabProbe(null)
              setTrust(undefined)
            }}
            spellCheck={false}
          />
          {plan && !plan.explicit ? (
            <span className="field-hint address-plan">
              Tries <span className="mono">{plan.first}</span> first
              {plan.fallback ? (
                <>
                  , then <span className="mono">{plan.fallback}</span> if it answers in plain HTTP
                </>
              ) : null}
              .
            </span>
          ) : null}
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" placeholder={host || 'My registry'} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
          <span>
            Allow plain HTTP <span className="muted">(insecure; never needed for loopback)</span>
          </span>
        </label>
        {gitlabProbe ? <GitlabNotice instance={shownGitlab} signedIn={signedIn} /> : null}
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
              autoFocus={gitlabProbe !== null}
            />
          </label>
          {looksGitLab && !gitlabProbe ? (
            <p className="field-hint">
              GitLab: a personal access token (<Scopes names={gitlabScopes.browse} /> to browse, <Scopes names={gitlabScopes.delete} /> to
              delete) or a deploy token; <code>CI_JOB_TOKEN</code> (user <code>gitlab-ci-token</code>) works only inside CI.
            </p>
          ) : null}
        </div>
        {looksGitLab ? (
          <label className="field">
            <span className="field-label">GitLab instance URL</span>
            <input
              className="input mono"
              placeholder={shownGitlab ?? 'gitlab.example.com (found from the registry when left empty)'}
              value={gitlabUrl}
              onChange={(e) => setGitlabUrl(e.target.value)}
              spellCheck={false}
              aria-label="GitLab instance URL"
            />
            <span className="field-hint">Where the GitLab web UI and API live, when it differs from what the registry names.</span>
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
          <button type="submit" className="button primary" disabled={busy || url.trim() === ''}>
            {busy ? 'Connecting…' : existing ? 'Save' : 'Connect'}
          </button>
        </div>
      </form>
    </Modal>
  )
}

// Which secret the CI / Kubernetes outputs carry: variables (always), the registry's login, a kept
// CI credential, a deploy token or robot account pasted here, or (GitLab) a deploy token created
// here. A pasted secret goes to main once and the field is emptied; only its username comes back.
import { useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import type { CiAuthInfo, HeldCiCredential } from '../../../shared/ci-auth-api'
import { createDeployToken, holdCiCredential } from '../stores/actions/ci-auth'
import { ErrorView } from './error-view'

export type CredentialPick =
  | { kind: 'variables' }
  | { kind: 'login'; username: string }
  | { kind: 'saved'; username: string }
  | { kind: 'held'; held: HeldCiCredential; origin: 'pasted' | 'created' }

interface CredentialPickerProps {
  info: CiAuthInfo
  pick: CredentialPick
  /** The pasted or created credential main holds for this dialog, if any. */
  held: Extract<CredentialPick, { kind: 'held' }> | null
  onPick: (pick: CredentialPick) => void
  /** A project path to suggest for a new deploy token (from the image's repository). */
  suggestedProject: string
  /** The CLI line for the real values of what the dialog shows (web mode names it). */
  cliCommand: string
}

export function CredentialPicker({ info, pick, held, onPick, suggestedProject, cliCommand }: CredentialPickerProps) {
  const [mode, setMode] = useState<'choose' | 'paste' | 'create'>('choose')
  const radio = (value: CredentialPick, label: string, detail?: string) => (
    <label className="radio">
      <input type="radio" name="ci-credential" checked={samePick(pick, value)} onChange={() => onPick(value)} />
      <span>
        {label}
        {detail ? <span className="muted"> {detail}</span> : null}
      </span>
    </label>
  )
  return (
    <fieldset className="field-group ci-credential">
      <legend className="field-group-title">Credential</legend>
      {radio({ kind: 'variables' }, 'Variables', '($CI_DEPLOY_USER, $CI_DEPLOY_PASSWORD): safe to paste anywhere')}
      {!info.realValues.available ? (
        <p className="field-hint highlight">
          {info.realValues.reason} For the real values, run <code className="mono">{cliCommand}</code> in a terminal.
        </p>
      ) : (
        <>
          {info.saved ? radio({ kind: 'saved', username: info.saved.username }, 'Kept CI credential', info.saved.username) : null}
          {info.login ? radio({ kind: 'login', username: info.login.username }, 'This registry’s login', info.login.username) : null}
          {held !== null
            ? radio(
                held,
                held.origin === 'created' ? 'New deploy token' : 'Pasted credential',
                `${held.held.username}, held until this dialog closes`,
              )
            : null}
          <div className="ci-credential-actions">
            <button type="button" className="link-button" onClick={() => setMode(mode === 'paste' ? 'choose' : 'paste')}>
              Paste a deploy token or robot account…
            </button>
            {info.deployTokens ? (
              <button type="button" className="link-button" onClick={() => setMode(mode === 'create' ? 'choose' : 'create')}>
                Create a GitLab deploy token…
              </button>
            ) : null}
          </div>
          {mode === 'paste' ? (
            <PasteForm
              registryId={info.registryId}
              onHeld={(held) => {
                setMode('choose')
                onPick({ kind: 'held', held, origin: 'pasted' })
              }}
            />
          ) : null}
          {mode === 'create' ? (
            <DeployTokenForm
              registryId={info.registryId}
              suggestedProject={suggestedProject}
              onCreated={(held) => {
                setMode('choose')
                onPick({ kind: 'held', held, origin: 'created' })
              }}
            />
          ) : null}
        </>
      )}
    </fieldset>
  )
}

function samePick(a: CredentialPick, b: CredentialPick): boolean {
  if (a.kind !== b.kind) return false
  return a.kind === 'held' && b.kind === 'held' ? a.held.credentialId === b.held.credentialId : true
}

function PasteForm({ registryId, onHeld }: { registryId: string; onHeld: (held: HeldCiCredential) => void }) {
  const [username, setUsername] = useState('')
  const [secret, setSecret] = useState('')
  const [save, setSave] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)
  const submit = async () => {
    setBusy(true)
    setError(null)
    const result = await holdCiCredential(registryId, username.trim(), secret, save)
    setBusy(false)
    // The renderer keeps the secret no longer than it takes to hand it over.
    setSecret('')
    if (!result.ok) return setError(result.error)
    onHeld(result.value)
  }
  return (
    <div className="ci-credential-form">
      <label className="field">
        <span className="field-label">Username</span>
        <input
          className="input mono"
          autoComplete="off"
          placeholder="gitlab+deploy-token-12"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field-label">Token or password</span>
        <input className="input mono" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} />
        <span>Keep it in the keychain as this registry’s CI credential</span>
      </label>
      {error ? <ErrorView error={error} compact /> : null}
      <div>
        <button
          type="button"
          className="button small"
          disabled={busy || username.trim() === '' || secret === ''}
          onClick={() => void submit()}
        >
          Use this credential
        </button>
      </div>
    </div>
  )
}

function DeployTokenForm(props: { registryId: string; suggestedProject: string; onCreated: (held: HeldCiCredential) => void }) {
  const [ownerKind, setOwnerKind] = useState<'project' | 'group'>('project')
  const [path, setPath] = useState(props.suggestedProject)
  const [name, setName] = useState('berth-pull')
  const [expires, setExpires] = useState('')
  const [save, setSave] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)
  const submit = async () => {
    setBusy(true)
    setError(null)
    const result = await createDeployToken({
      registryId: props.registryId,
      owner: { kind: ownerKind, path: path.trim() },
      name: name.trim(),
      ...(expires !== '' ? { expiresAt: expires } : {}),
      save,
    })
    setBusy(false)
    if (!result.ok) return setError(result.error)
    props.onCreated(result.value)
  }
  return (
    <div className="ci-credential-form">
      <p className="field-hint">
        Scope read_registry only. Needs your token’s api scope and the Maintainer role. GitLab shows a token once: Berth holds it until this
        dialog closes, and keeps it only if you tick the box.
      </p>
      <div className="ci-credential-row">
        <select
          className="select"
          aria-label="Deploy token for"
          value={ownerKind}
          onChange={(e) => setOwnerKind(e.target.value === 'group' ? 'group' : 'project')}
        >
          <option value="project">Project</option>
          <option value="group">Group</option>
        </select>
        <input
          className="input mono"
          aria-label="Project or group path"
          placeholder="group/project"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
      </div>
      <div className="ci-credential-row">
        <label className="field">
          <span className="field-label">Token name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Expires</span>
          <input className="input" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} />
        <span>Keep it in the keychain as this registry’s CI credential</span>
      </label>
      {error ? <ErrorView error={error} compact /> : null}
      <div>
        <button
          type="button"
          className="button small"
          disabled={busy || path.trim() === '' || name.trim() === ''}
          onClick={() => void submit()}
        >
          {busy ? 'Creating…' : 'Create deploy token'}
        </button>
      </div>
    </div>
  )
}

// Import the registries docker/podman are already logged in to: list what was found, let the user
// pick, and let main copy those credentials into the keychain (the renderer never sees them).
import { useEffect, useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import type { DockerLoginCandidate } from '../../../shared/ipc'
import { importDockerLogins, scanDockerLogins } from '../stores/actions/import-logins'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import './import-logins-dialog.css'

const sourceLabels: Record<DockerLoginCandidate['source'], string> = {
  'docker-config': 'docker config.json',
  'docker-credential-helper': 'credential helper',
  DOCKER_AUTH_CONFIG: 'DOCKER_AUTH_CONFIG',
  'podman-auth': 'podman auth.json',
}

type State = { kind: 'scanning' } | { kind: 'ready'; candidates: DockerLoginCandidate[] } | { kind: 'error'; error: BerthErrorData }

export function ImportLoginsDialog({ onClose }: { onClose: () => void }) {
  const [state, setState] = useState<State>({ kind: 'scanning' })
  const [chosen, setChosen] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)

  const scan = async () => {
    setState({ kind: 'scanning' })
    const result = await scanDockerLogins()
    if (!result.ok) return setState({ kind: 'error', error: result.error })
    setState({ kind: 'ready', candidates: result.value })
    setChosen(new Set(result.value.filter((c) => c.existingProfileId === null).map((c) => c.key)))
  }

  useEffect(() => {
    void scan()
  }, [])

  const toggle = (key: string) => {
    const next = new Set(chosen)
    if (next.has(key)) next.delete(key)
    else next.add(key)
    setChosen(next)
  }

  const importChosen = async () => {
    setBusy(true)
    setError(null)
    const result = await importDockerLogins([...chosen])
    setBusy(false)
    if (!result.ok) return setError(result.error)
    onClose()
  }

  return (
    <Modal
      title="Import docker logins"
      description="Registries you are logged in to with docker or podman. Their credentials are copied into your OS keychain."
      onClose={onClose}
      busy={busy}
      wide
    >
      {state.kind === 'scanning' ? <p className="muted">Looking for docker and podman logins…</p> : null}
      {state.kind === 'error' ? <ErrorView error={state.error} onRetry={() => void scan()} /> : null}
      {state.kind === 'ready' && state.candidates.length === 0 ? (
        <p className="muted">
          No logins found in ~/.docker/config.json, DOCKER_AUTH_CONFIG or podman’s auth.json. Run “docker login” first, or add a registry by
          hand.
        </p>
      ) : null}
      {state.kind === 'ready' && state.candidates.length > 0 ? (
        <ul className="candidate-list">
          {state.candidates.map((c) => (
            <li key={c.key}>
              <label className="checkbox candidate">
                <input type="checkbox" checked={chosen.has(c.key)} onChange={() => toggle(c.key)} />
                <span className="candidate-main">
                  <span className="mono" dir="auto">
                    {c.registryUrl}
                  </span>
                  <span className="muted small" dir="auto">
                    {c.username ?? 'token'} · {sourceLabels[c.source]}
                    {c.existingProfileId !== null ? ' · already in Berth (updates its credentials)' : ''}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <ErrorView error={error} compact /> : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="button primary" disabled={busy || chosen.size === 0} onClick={() => void importChosen()}>
          {busy ? 'Importing…' : `Import ${chosen.size}`}
        </button>
      </div>
    </Modal>
  )
}

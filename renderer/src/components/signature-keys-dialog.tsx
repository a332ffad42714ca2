// "Signature keys…" on a registry: the public keys Berth verifies cosign signatures with, for the
// whole registry or for a repository and those under it (the same file as `berth keys`). A key is
// pasted as PEM or read from a file chosen here; main checks it and refuses a private key.
import { useEffect, useRef, useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import { shortFingerprint } from '../../../shared/signatures'
import { registryHost } from '../model/tag-summary'
import { registryById, useRegistries } from '../stores/registries'
import { useSignatures } from '../stores/signatures'
import { useTags } from '../stores/tags'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import './signature-keys-dialog.css'

const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/
const algorithmLabels = { 'ecdsa-p256': 'ECDSA P-256', rsa: 'RSA', ed25519: 'Ed25519' } as const

export function SignatureKeysDialog({ registryId, onClose }: { registryId: string; onClose: () => void }) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const openRepository = useTags((s) => (s.registryId === registryId ? s.repository : null))
  const { keys, keysStatus, keysError, loadKeys, addKey, removeKey } = useSignatures()
  const [name, setName] = useState('')
  const [pem, setPem] = useState('')
  const [scope, setScope] = useState<'registry' | 'repository'>(openRepository ? 'repository' : 'registry')
  const [repository, setRepository] = useState(openRepository ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    void loadKeys(registryId)
  }, [loadKeys, registryId])

  const host = registry ? registryHost(registry.url) : registryId
  const repo = repository.trim().replace(/^\/+|\/+$/g, '')
  const repoValid = scope === 'registry' || repositoryPattern.test(repo)
  const pemGiven = pem.includes('-----BEGIN')
  const canAdd = name.trim() !== '' && pemGiven && repoValid && !busy

  const chooseFile = async (file: File | undefined) => {
    if (!file) return
    if (file.size > 64 * 1024)
      return setError({ code: 'invalid_input', message: `${file.name} is ${file.size} bytes: a PEM public key is a few hundred.` })
    setPem(await file.text())
    if (name.trim() === '') setName(file.name.replace(/\.(pub|pem|key)$/i, ''))
    setError(null)
  }

  const add = async () => {
    setBusy(true)
    const failed = await addKey(registryId, { name: name.trim(), pem, ...(scope === 'repository' ? { repository: repo } : {}) })
    setBusy(false)
    setError(failed)
    // A private key pasted by mistake does not stay on screen.
    if (failed?.message.startsWith('This is a private key')) setPem('')
    if (!failed) {
      setName('')
      setPem('')
    }
  }

  return (
    <Modal
      title={`Signature keys for ${registry?.name ?? registryId}`}
      description={
        <>
          Public keys that verify cosign signatures of images on <span className="mono">{host}</span>. Public keys are not secrets: they are
          kept in a file beside Berth's settings (<code>berth keys list {host}</code> shows the same).
        </>
      }
      onClose={onClose}
      busy={busy}
      wide
    >
      <div className="signature-keys">
        {keysError ? <ErrorView error={keysError} compact onRetry={() => void loadKeys(registryId)} /> : null}
        {keysStatus === 'ready' && keys.length === 0 ? (
          <p className="muted small">No keys yet: signatures show as “signed, no key” until one is added.</p>
        ) : null}
        {keys.length > 0 ? (
          <table className="mini-table signature-key-list" aria-label="Signature keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Applies to</th>
                <th>Type</th>
                <th>Fingerprint</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td dir="auto">{key.name}</td>
                  <td className="mono">{key.repository === null ? 'every repository' : `${key.repository}/…`}</td>
                  <td>{algorithmLabels[key.algorithm]}</td>
                  <td className="mono" title={key.fingerprint}>
                    {shortFingerprint(key.fingerprint)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Remove key ${key.name}`}
                      onClick={() => void removeKey(registryId, key.id).then(setError)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <form
          className="form signature-key-form"
          aria-label="Add a key"
          onSubmit={(e) => {
            e.preventDefault()
            if (canAdd) void add()
          }}
        >
          <div className="field-group-title">Add a public key</div>
          <label className="field">
            <span className="field-label">Name</span>
            <input className="input" value={name} placeholder="release signing key" onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="field signature-scope">
            <legend className="field-label">Applies to</legend>
            <label className="checkbox">
              <input type="radio" name="scope" checked={scope === 'registry'} onChange={() => setScope('registry')} />
              Every repository of this registry
            </label>
            <div className="signature-scope-row">
              <label className="checkbox">
                <input type="radio" name="scope" checked={scope === 'repository'} onChange={() => setScope('repository')} />
                This repository and those under it:
              </label>
              <input
                className="input mono"
                aria-label="Repository"
                value={repository}
                placeholder="team/app"
                spellCheck={false}
                onFocus={() => setScope('repository')}
                onChange={(e) => setRepository(e.target.value)}
              />
            </div>
            {scope === 'repository' && repo !== '' && !repoValid ? (
              <span className="field-error">Lower-case letters, digits and . _ - separators, with / between path parts.</span>
            ) : null}
          </fieldset>
          <div className="field">
            <label className="field-label" htmlFor="signature-key-pem">
              Public key (PEM)
            </label>
            <textarea
              id="signature-key-pem"
              className="input mono signature-pem"
              value={pem}
              rows={5}
              spellCheck={false}
              placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
              onChange={(e) => setPem(e.target.value)}
            />
            <span className="field-hint">
              ECDSA P-256 (cosign’s default), RSA or Ed25519, as in cosign.pub.{' '}
              <button type="button" className="link-button" onClick={() => fileInput.current?.click()}>
                Choose a file…
              </button>
            </span>
            <input
              ref={fileInput}
              type="file"
              accept=".pub,.pem,.key,text/plain"
              hidden
              aria-label="Public key file"
              onChange={(e) => void chooseFile(e.target.files?.[0])}
            />
          </div>
          {error ? <ErrorView error={error} compact /> : null}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Done
            </button>
            <button type="submit" className="button primary" disabled={!canAdd}>
              Add key
            </button>
          </div>
        </form>
      </div>
    </Modal>
  )
}

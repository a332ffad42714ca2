// The two small dialogs: add a repository by name (registries without a catalog) and remove a
// registry profile.
import { useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import { addRepositoryByName } from '../stores/actions/favorites'
import { removeRegistry } from '../stores/actions/registry-profile'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { Modal } from './modal'

// The distribution-spec repository name grammar (shared/ipc.ts validates it again in main).
const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/

export function AddRepositoryDialog({ registryId, onClose }: { registryId: string; onClose: () => void }) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)
  const trimmed = name.trim().replace(/^\/+|\/+$/g, '')
  const valid = repositoryPattern.test(trimmed)

  const add = async () => {
    setBusy(true)
    const failed = await addRepositoryByName(registryId, trimmed)
    setBusy(false)
    if (failed) return setError(failed)
    onClose()
  }

  return (
    <Modal
      title="Add repository by name"
      description={`The repository path on ${registry?.name ?? 'this registry'}, e.g. group/project/image.`}
      onClose={onClose}
      busy={busy}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          if (valid) void add()
        }}
      >
        <label className="field">
          <span className="field-label">Repository</span>
          <input
            className="input mono"
            autoFocus
            placeholder="group/project/image"
            value={name}
            onChange={(e) => setName(e.target.value)}
            spellCheck={false}
          />
          {trimmed !== '' && !valid ? (
            <span className="field-error">Lower-case letters, digits and . _ - separators, with / between path parts.</span>
          ) : null}
        </label>
        {error ? <ErrorView error={error} compact /> : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!valid || busy}>
            Add
          </button>
        </div>
      </form>
    </Modal>
  )
}

export function RemoveRegistryDialog({ registryId, onClose }: { registryId: string; onClose: () => void }) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<BerthErrorData | null>(null)

  const confirm = async () => {
    setBusy(true)
    const failed = await removeRegistry(registryId, registry?.name ?? 'registry')
    setBusy(false)
    if (failed) return setError(failed)
    onClose()
  }

  return (
    <Modal
      title={`Remove ${registry?.name ?? 'registry'}?`}
      description="Berth forgets this registry and deletes its stored secret from your keychain. Nothing on the registry changes."
      onClose={onClose}
      busy={busy}
    >
      {error ? <ErrorView error={error} compact /> : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="button danger" onClick={() => void confirm()} disabled={busy}>
          Remove
        </button>
      </div>
    </Modal>
  )
}

// A link named a registry this installation has no profile for (a colleague's berth:// link, a
// fresh install): say where it points and offer to add that registry, pre-filled. Once a profile
// with that address exists, the view opens the linked place by itself (stores/view.ts).
import { useDialogs } from '../stores/dialogs'
import { useView } from '../stores/view'
import { RegistryText } from './registry-text'
import './main-view.css'

export function LinkOffer({ address }: { address: string }) {
  const repository = useView((s) => s.repository)
  const tag = useView((s) => s.tag)
  const digest = useView((s) => s.digest)
  const update = useView((s) => s.update)
  const openDialog = useDialogs((s) => s.open)
  const place =
    repository === null
      ? address
      : `${address}/${repository}${tag !== null ? `:${tag}` : digest !== null ? `@${digest.slice(0, 19)}…` : ''}`
  return (
    <div className="placeholder link-offer" role="region" aria-label="Link to a registry Berth does not know">
      <div className="placeholder-icon" aria-hidden="true" />
      <h2>This link opens a registry Berth has no profile for</h2>
      <p dir="auto">
        <span className="mono">
          <RegistryText text={place} />
        </span>
      </p>
      <p>Add the registry to open it: Berth checks it first, and asks for credentials only if it needs them.</p>
      <div className="welcome-actions">
        <button type="button" className="button primary" onClick={() => openDialog({ kind: 'registry', registryId: null, address })}>
          Add {address}…
        </button>
        <button type="button" className="button" onClick={() => update({ address: null, repository: null, tag: null, digest: null })}>
          Dismiss
        </button>
      </div>
    </div>
  )
}

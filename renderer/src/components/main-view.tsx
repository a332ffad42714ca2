// The right-hand side: a welcome when there is nothing yet, a hint until a repository is picked,
// then the tag table with its toolbar and the details panel.
import { useDialogs } from '../stores/dialogs'
import { registryById, useRegistries } from '../stores/registries'
import { useView } from '../stores/view'
import { TagView } from './tag-view'
import { BrandMark } from './brand-mark'
import { LinkOffer } from './link-offer'
import './main-view.css'

export function MainView() {
  const status = useRegistries((s) => s.status)
  const count = useRegistries((s) => s.registries.length)
  const registryId = useView((s) => s.registryId)
  const repository = useView((s) => s.repository)
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const openDialog = useDialogs((s) => s.open)
  // A link's address that no profile has: offered before the welcome, since a fresh install has none.
  const unknownAddress = useView((s) => (s.registryId === null ? s.address : null))

  if (status === 'ready' && unknownAddress !== null) {
    return (
      <main className="main empty-main">
        <LinkOffer address={unknownAddress} />
      </main>
    )
  }
  if (status === 'ready' && count === 0) {
    return (
      <main className="main empty-main">
        <div className="welcome">
          <div className="welcome-mark">
            <BrandMark size={64} />
          </div>
          <h1>Welcome to Berth</h1>
          <p>
            Browse the tags of any container registry: digests, sizes, platforms and build dates at a glance, pull commands one click away.
          </p>
          <div className="welcome-actions">
            <button type="button" className="button primary" onClick={() => openDialog({ kind: 'registry', registryId: null })}>
              Add registry
            </button>
            <button type="button" className="button" onClick={() => openDialog({ kind: 'import-logins' })}>
              Import docker logins
            </button>
          </div>
          <p className="welcome-note">
            Works with GitLab, Harbor, GHCR, Docker Hub, Quay, zot and any registry speaking the OCI Distribution API.
          </p>
        </div>
      </main>
    )
  }
  if (registryId === null || repository === null) {
    return (
      <main className="main empty-main">
        <div className="placeholder">
          <div className="placeholder-icon" aria-hidden="true" />
          <h2>{registry ? 'Pick a repository' : 'Pick a registry'}</h2>
          <p dir="auto">
            {registry
              ? `Choose a repository of ${registry.name} on the left to see its tags.`
              : 'Choose a registry on the left to see its repositories.'}
          </p>
        </div>
      </main>
    )
  }
  return (
    <main className="main">
      <TagView registryId={registryId} repository={repository} />
    </main>
  )
}

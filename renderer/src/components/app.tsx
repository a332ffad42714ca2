// The shell: sidebar (registries + repository tree), the tag table, the details panel, and the
// dialogs and toasts on top. Wires the stores to the hash and to main's `navigate` pushes.
import { useEffect } from 'react'
import { onApiEvent, onNavigate } from '../api/call'
import { showToast } from '../stores/toasts'
import { useRepositories } from '../stores/repositories'
import { useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { applyHash, startHashSync, useView } from '../stores/view'
import { useSelection } from '../stores/selection'
import { Sidebar } from './sidebar'
import { MainView } from './main-view'
import { Dialogs } from './dialogs'
import { Toasts } from './toasts'
import { useKeyboardShortcuts } from './use-keyboard-shortcuts'
import './app.css'

export function App() {
  const load = useRegistries((s) => s.load)
  const registryId = useView((s) => s.registryId)
  const repository = useView((s) => s.repository)
  const tag = useView((s) => s.tag)

  useEffect(() => {
    void load()
    const stopHash = startHashSync()
    const stopNavigate = onNavigate(applyHash)
    // A pinned certificate that changed is a security event: say so loudly and re-list, which shows
    // the tls_changed error (with both fingerprints) where the user can act on it.
    const stopCertificate = onApiEvent('certificateChanged', ({ registryId, certificate }) => {
      showToast({
        kind: 'error',
        title: 'A registry certificate changed',
        detail: `${certificate.subject} — SHA-256 ${certificate.fingerprint256}`,
      })
      void useRepositories.getState().load(registryId, true)
    })
    return () => {
      stopHash()
      stopNavigate()
      stopCertificate()
    }
  }, [load])

  useEffect(() => {
    if (registryId !== null && repository !== null) void useTags.getState().open(registryId, repository)
    else useTags.getState().close()
    useSelection.getState().clear()
  }, [registryId, repository])

  // A shared link with ?tag= selects that tag.
  useEffect(() => {
    if (tag !== null && !useSelection.getState().selected.has(tag)) useSelection.getState().selectOnly(tag)
  }, [tag])

  useKeyboardShortcuts()

  return (
    <div className="app">
      <Sidebar />
      <MainView />
      <Dialogs />
      <Toasts />
    </div>
  )
}

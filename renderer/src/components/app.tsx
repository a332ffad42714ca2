// The shell: sidebar (registries + repository tree), the tag table, the details panel, and the
// dialogs and toasts on top. Wires the stores to the hash and to main's `navigate` pushes.
import { useEffect } from 'react'
import { followAppEvents } from '../stores/actions/app-events'
import { useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { startHashSync, useView } from '../stores/view'
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
    const stopEvents = followAppEvents()
    return () => {
      stopHash()
      stopEvents()
    }
  }, [load])

  useEffect(() => {
    if (registryId !== null && repository !== null) void useTags.getState().open(registryId, repository)
    else useTags.getState().close()
    useSelection.getState().clear()
  }, [registryId, repository])

  // A shared link with ?tag= selects that tag, again after the clear above: a link by address opens
  // its registry only once the profiles are loaded, after the tag was already set.
  useEffect(() => {
    if (tag !== null && !useSelection.getState().selected.has(tag)) useSelection.getState().selectOnly(tag)
  }, [tag, registryId, repository])

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

// Left column: the registries, then the selected registry's repositories as a tree.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import type { RegistryView } from '../../../shared/types'
import { registryHost } from '../model/tag-summary'
import { useDialogs } from '../stores/dialogs'
import { useRegistries } from '../stores/registries'
import { useView } from '../stores/view'
import { ErrorView } from './error-view'
import { RepositoryPane } from './repository-pane'
import { MoreIcon, PlusIcon } from './icons'
import { BrandMark } from './brand-mark'
import './sidebar.css'

export function Sidebar() {
  const status = useRegistries((s) => s.status)
  const registries = useRegistries((s) => s.registries)
  const error = useRegistries((s) => s.error)
  const load = useRegistries((s) => s.load)
  const registryId = useView((s) => s.registryId)
  const openDialog = useDialogs((s) => s.open)

  return (
    <nav className="sidebar" aria-label="Registries and repositories">
      <div className="sidebar-header">
        <div className="brand">
          <BrandMark />
          Berth
        </div>
        <DropdownMenu.Root>
          <DropdownMenu.Trigger asChild>
            <button type="button" className="icon-button" aria-label="Add a registry">
              <PlusIcon />
            </button>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
              <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'registry', registryId: null })}>
                Add registry…
              </DropdownMenu.Item>
              <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'import-logins' })}>
                Import docker logins…
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </div>
      <div className="section-label">Registries</div>
      <ul className="registry-list">
        {status === 'loading' && registries.length === 0
          ? [0, 1].map((i) => (
              <li key={i} className="registry-item skeleton-item">
                <span className="skeleton skeleton-text" />
              </li>
            ))
          : null}
        {registries.map((r) => (
          <RegistryItem key={r.id} registry={r} active={r.id === registryId} />
        ))}
      </ul>
      {status === 'error' && error ? <ErrorView error={error} onRetry={() => void load()} compact /> : null}
      {status === 'ready' && registries.length === 0 ? <p className="sidebar-hint">No registries yet.</p> : null}
      {registryId !== null ? <RepositoryPane key={registryId} registryId={registryId} /> : <div className="sidebar-spacer" />}
      <div className="sidebar-footer">
        <button type="button" className="link-button" onClick={() => openDialog({ kind: 'shortcuts' })}>
          Keyboard shortcuts <kbd className="key">?</kbd>
        </button>
      </div>
    </nav>
  )
}

function RegistryItem({ registry, active }: { registry: RegistryView; active: boolean }) {
  const update = useView((s) => s.update)
  const openDialog = useDialogs((s) => s.open)
  const select = () => update({ registryId: registry.id, repository: null, tag: null, q: '' })
  return (
    <li className={active ? 'registry-item active' : 'registry-item'}>
      <button type="button" className="registry-button" aria-current={active ? 'true' : undefined} onClick={select}>
        <span className="registry-avatar" aria-hidden="true">
          {registry.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="registry-names">
          <span className="registry-name" dir="auto">
            {registry.name}
          </span>
          <span className="registry-host mono" dir="auto">
            {registryHost(registry.url)}
            {registry.hasCredential ? ` · ${registry.username ?? 'signed in'}` : ' · anonymous'}
          </span>
        </span>
      </button>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <button type="button" className="icon-button row-menu" aria-label={`Actions for ${registry.name}`}>
            <MoreIcon />
          </button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={4}>
            <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'registry', registryId: registry.id })}>
              Edit registry…
            </DropdownMenu.Item>
            <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'add-repository', registryId: registry.id })}>
              Add repository by name…
            </DropdownMenu.Item>
            <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'ci-auth', registryId: registry.id })}>
              Use in CI / Kubernetes…
            </DropdownMenu.Item>
            <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'audit', registryId: registry.id })}>
              Activity…
            </DropdownMenu.Item>
            <DropdownMenu.Item className="menu-item" onSelect={() => openDialog({ kind: 'signature-keys', registryId: registry.id })}>
              Signature keys…
            </DropdownMenu.Item>
            <DropdownMenu.Item
              className="menu-item"
              onSelect={() => openDialog({ kind: 'storage', registryId: registry.id, repository: null })}
            >
              Storage…
            </DropdownMenu.Item>
            <DropdownMenu.Separator className="menu-separator" />
            <DropdownMenu.Item
              className="menu-item danger"
              onSelect={() => openDialog({ kind: 'remove-registry', registryId: registry.id })}
            >
              Remove registry…
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </li>
  )
}

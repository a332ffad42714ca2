// The selected registry's repositories: a searchable namespace tree (catalog + favourites). When the
// catalog is unavailable (GitLab non-admin, Docker Hub, GHCR) that is a normal state: say why and
// offer adding repositories by name.
import { useEffect, useMemo, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ancestorsOf, buildRepoTree, flattenRepoTree } from '../model/repo-tree'
import { useDialogs } from '../stores/dialogs'
import { registryById, useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { useView } from '../stores/view'
import { ErrorView } from './error-view'
import { ChevronDownIcon, ChevronRightIcon, CloseIcon } from './icons'
import { removeRepositoryByName } from '../stores/actions/favorites'
import { RegistryText } from './registry-text'
import { ListingCount } from './listing-count'
import './repository-pane.css'

const smallTree = 12

export function RepositoryPane({ registryId }: { registryId: string }) {
  const entry = useRepositories((s) => s.byRegistry[registryId])
  const load = useRepositories((s) => s.load)
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const repository = useView((s) => s.repository)
  const update = useView((s) => s.update)
  const openDialog = useDialogs((s) => s.open)
  const [search, setSearch] = useState('')
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(repository ? ancestorsOf(repository) : []))

  useEffect(() => {
    void load(registryId)
  }, [load, registryId])

  const favorites = registry?.favorites
  const all = useMemo(() => {
    const set = new Set([...(entry?.listing?.repositories ?? []), ...(favorites ?? [])])
    return [...set]
  }, [entry?.listing?.repositories, favorites])
  const tree = useMemo(() => buildRepoTree(all), [all])
  const favoriteSet = useMemo(() => new Set(favorites ?? []), [favorites])
  const catalogSet = useMemo(() => new Set(entry?.listing?.repositories ?? []), [entry?.listing?.repositories])
  // A handful of repositories (favourites, a small registry) reads best fully open.
  const [touched, setTouched] = useState(false)
  const effectiveExpanded = useMemo(
    () => (all.length <= smallTree && !touched ? new Set(all.flatMap(ancestorsOf)) : expanded),
    [all, expanded, touched],
  )
  const rows = useMemo(() => flattenRepoTree(tree, effectiveExpanded, search), [tree, effectiveExpanded, search])

  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 26,
    overscan: 10,
  })

  const toggle = (path: string) => {
    const next = new Set(effectiveExpanded)
    if (next.has(path)) next.delete(path)
    else next.add(path)
    setExpanded(next)
    setTouched(true)
  }

  const unavailable = entry?.listing?.catalog === 'unavailable'
  return (
    <div className="repo-pane">
      <div className="section-label with-action">
        <span>Repositories{all.length > 0 ? <span className="count"> {all.length}</span> : null}</span>
        <button type="button" className="link-button" onClick={() => openDialog({ kind: 'add-repository', registryId })}>
          Add by name
        </button>
      </div>
      {/* Always here, whatever the count: where it appears must not depend on how many there are. */}
      <input
        className="input search-input"
        type="search"
        placeholder="Search repositories"
        aria-label="Search repositories"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {entry?.status === 'error' && entry.error ? (
        <ErrorView error={entry.error} onRetry={() => void load(registryId, true)} compact>
          {['tls_untrusted', 'tls_changed', 'unauthorized', 'forbidden'].includes(entry.error.code) ? (
            <button type="button" className="button" onClick={() => openDialog({ kind: 'registry', registryId })}>
              {entry.error.code.startsWith('tls') ? 'Review certificate…' : 'Sign in…'}
            </button>
          ) : null}
        </ErrorView>
      ) : null}
      {unavailable && all.length > 0 ? (
        // Once repositories were added by name the explanation has done its job: keep it one line.
        <p className="sidebar-hint" title={sentence(entry.listing?.reason)} dir="auto">
          No catalog here: these were added by name.
        </p>
      ) : unavailable ? (
        <div className="notice" role="note">
          <strong>No catalog on this registry.</strong>
          <span dir="auto">{sentence(entry.listing?.reason)}</span>
          <button type="button" className="button small" onClick={() => openDialog({ kind: 'add-repository', registryId })}>
            Add repository by name
          </button>
        </div>
      ) : null}
      <div className="repo-scroll" ref={scrollRef}>
        {entry?.status === 'loading' ? <ListingCount registryId={registryId} repository={null} noun="repositories" /> : null}
        {entry?.status === 'loading' && all.length === 0 ? (
          <div className="repo-skeleton">
            {[70, 55, 80, 45, 60].map((w) => (
              <span key={w} className="skeleton skeleton-text" style={{ width: `${w}%` }} />
            ))}
          </div>
        ) : null}
        {entry?.status === 'ready' && all.length > 0 && rows.length === 0 ? (
          <p className="sidebar-hint">No repository matches “{search}”.</p>
        ) : null}
        <ul className="repo-tree" role="tree" aria-label="Repositories" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]
            if (!row) return null
            const { node } = row
            const selected = node.path === repository
            return (
              <li
                key={node.path}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-expanded={row.hasChildren ? row.expanded : undefined}
                aria-selected={selected}
                className={selected ? 'repo-row selected' : 'repo-row'}
                style={{ transform: `translateY(${item.start}px)`, paddingLeft: 8 + row.depth * 14 }}
              >
                {row.hasChildren ? (
                  <button
                    type="button"
                    className="twisty"
                    aria-label={row.expanded ? 'Collapse' : 'Expand'}
                    onClick={() => toggle(node.path)}
                  >
                    {row.expanded ? <ChevronDownIcon /> : <ChevronRightIcon />}
                  </button>
                ) : (
                  <span className="twisty" aria-hidden="true" />
                )}
                <button
                  type="button"
                  className="repo-button"
                  title={node.path}
                  onClick={() => (node.isRepository ? update({ repository: node.path, tag: null, q: '' }) : toggle(node.path))}
                >
                  <span className={node.isRepository ? 'repo-icon image' : 'repo-icon folder'} aria-hidden="true" />
                  <span className="repo-name" dir="auto">
                    <RegistryText text={node.name} />
                  </span>
                </button>
                {node.isRepository && favoriteSet.has(node.path) && !catalogSet.has(node.path) ? (
                  <button
                    type="button"
                    className="icon-button row-menu small"
                    aria-label={`Remove ${node.path} from this list`}
                    title="Remove from this list"
                    onClick={() => void removeRepositoryByName(registryId, node.path)}
                  >
                    <CloseIcon />
                  </button>
                ) : null}
              </li>
            )
          })}
        </ul>
      </div>
    </div>
  )
}

/** Registry reasons arrive as clauses ("the registry did not grant …"): show them as a sentence. */
function sentence(reason: string | undefined): string {
  const text = reason ?? 'The registry does not list its repositories to this account.'
  return text.charAt(0).toUpperCase() + text.slice(1)
}

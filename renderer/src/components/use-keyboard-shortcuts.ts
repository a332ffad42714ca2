// Keyboard: `/` filter, ↑/↓ or j/k move, Enter details, Delete asks to delete, T adds tags and C
// copies the selected images (each through its dialog), M mirrors the open repository, Ctrl/Cmd+C copies
// the pull command that fits the tag (only when no text is selected: copying text must keep working), Esc
// closes details, `?` lists them all (`shortcuts` below, shown by shortcuts-dialog.tsx).
import { useEffect } from 'react'
import { artifactOfDetails } from '../../../shared/artifact-kind'
import { verifiedDetailsOf } from '../model/tag-rows'
import { useTags } from '../stores/tags'
import { selectedInOrder } from '../model/selection'
import { currentDisplay } from '../stores/display'
import { openCopyForTags } from '../stores/copy'
import { useDialogs } from '../stores/dialogs'
import { registryById, useRegistries } from '../stores/registries'
import { useSelection } from '../stores/selection'
import { showToast } from '../stores/toasts'
import { useView } from '../stores/view'
import { copyText, primaryPullCommand } from './copy-menu'
import { filterInputId } from './tag-toolbar'

export interface Shortcut {
  /** Each alternative is a sequence of keys pressed together: [['Ctrl', 'C'], ['⌘', 'C']]. */
  keys: string[][]
  what: string
}

/** What the handler below does, for the `?` dialog: keep the two together. */
export const shortcuts: { section: string; items: Shortcut[] }[] = [
  {
    section: 'Tags',
    items: [
      { keys: [['/']], what: 'Filter the tags' },
      { keys: [['↓'], ['j']], what: 'Next tag (Shift extends the selection)' },
      { keys: [['↑'], ['k']], what: 'Previous tag (Shift extends the selection)' },
      { keys: [['Enter']], what: "Open the tag's details" },
      { keys: [['Esc']], what: 'Close the details; in the filter, clear it' },
      { keys: [['Delete'], ['⌘', '⌫']], what: 'Delete the selected tags (asks first)' },
      { keys: [['T']], what: 'Add tags to the selected images (asks first)' },
      { keys: [['C']], what: 'Copy the selected images to another repository or registry (asks first)' },
      {
        keys: [
          ['Ctrl', 'C'],
          ['⌘', 'C'],
        ],
        what: 'Copy the pull command of the focused tag (docker, helm or oras: what fits it)',
      },
    ],
  },
  {
    section: 'Repository',
    items: [{ keys: [['M']], what: 'Mirror the repository to another registry or repository: all tags or a filtered set (asks first)' }],
  },
  { section: 'Anywhere', items: [{ keys: [['?']], what: 'Show these shortcuts' }] },
]

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

export function handleShortcut(e: KeyboardEvent): void {
  if (useDialogs.getState().dialog !== null || e.defaultPrevented || e.altKey) return
  const mod = e.ctrlKey || e.metaKey
  const editing = isEditable(e.target)
  // `?` is typed with Shift on most layouts; in a text field it is just a character.
  if (e.key === '?' && !mod && !editing) {
    e.preventDefault()
    useDialogs.getState().open({ kind: 'shortcuts' })
    return
  }
  const view = useView.getState()
  if (view.registryId === null || view.repository === null) return
  if (editing) {
    // From the filter, ↓ moves into the table so typing then arrowing works.
    if (!(e.target instanceof HTMLInputElement && e.target.id === filterInputId && (e.key === 'ArrowDown' || e.key === 'Enter'))) return
  }
  const selection = useSelection.getState()
  const { order } = currentDisplay()

  if (e.key === '/' && !mod) {
    const input = document.getElementById(filterInputId)
    if (input instanceof HTMLInputElement) {
      e.preventDefault()
      input.focus()
      input.select()
    }
    return
  }
  if (!mod && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'j' || e.key === 'k')) {
    e.preventDefault()
    if (editing && e.target instanceof HTMLElement) e.target.blur()
    selection.move(order, e.key === 'ArrowDown' || e.key === 'j' ? 1 : -1, e.shiftKey)
    const focus = useSelection.getState().focus
    if (view.tag !== null && focus !== null && !e.shiftKey) view.update({ tag: focus })
    return
  }
  if (e.key === 'Enter' && !mod) {
    const focus = selection.focus ?? (editing ? (order[0] ?? null) : null)
    if (focus === null) return
    e.preventDefault()
    if (selection.focus === null) selection.selectOnly(focus)
    view.update({ tag: focus })
    return
  }
  if (e.key === 'Escape' && view.tag !== null) {
    view.update({ tag: null })
    return
  }
  if (e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) {
    const tags = selectedInOrder(selection, order)
    if (tags.length === 0) return
    e.preventDefault()
    useDialogs.getState().open({ kind: 'delete', registryId: view.registryId, repository: view.repository, tags })
    return
  }
  if (!mod && !e.shiftKey && (e.key === 't' || e.key === 'c')) {
    const tags = selectedInOrder(selection, order)
    if (tags.length === 0) return
    e.preventDefault()
    const blocked = openCopyForTags(e.key === 't' ? 'tag' : 'copy', view.registryId, view.repository, tags)
    if (blocked !== null) showToast({ kind: 'info', title: e.key === 't' ? 'Cannot add tags yet' : 'Cannot copy yet', detail: blocked })
    return
  }
  if (!mod && !e.shiftKey && e.key === 'm') {
    e.preventDefault()
    useDialogs.getState().open({ kind: 'mirror', registryId: view.registryId, repository: view.repository })
    return
  }
  if (mod && e.key.toLowerCase() === 'c' && !e.shiftKey) {
    if ((window.getSelection()?.toString() ?? '') !== '' || selection.focus === null) return
    const registry = registryById(useRegistries.getState().registries, view.registryId)
    // The row's verified details say which tool fits (docker, helm, oras); unknown yet: its reference.
    const details = verifiedDetailsOf(useTags.getState().rows.get(selection.focus))
    const artifact = details ? artifactOfDetails(details) : null
    const command = registry ? primaryPullCommand(registry.url, view.repository, selection.focus, artifact) : null
    if (command === null) return
    e.preventDefault()
    void copyText(command.command, command.label === 'Reference' ? 'reference' : `${command.label} command`)
  }
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', handleShortcut)
    return () => window.removeEventListener('keydown', handleShortcut)
  }, [])
}

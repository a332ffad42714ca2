// Keyboard: `/` filter, ↑/↓ or j/k move, Enter details, Delete asks to delete, Ctrl/Cmd+C copies
// the docker pull command (only when no text is selected: copying text must keep working), Esc
// closes details.
import { useEffect } from 'react'
import { selectedInOrder } from '../model/selection'
import { currentDisplay } from '../stores/display'
import { useDialogs } from '../stores/dialogs'
import { registryById, useRegistries } from '../stores/registries'
import { useSelection } from '../stores/selection'
import { useView } from '../stores/view'
import { copyText, dockerPullCommand } from './copy-menu'
import { filterInputId } from './tag-toolbar'

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

export function handleShortcut(e: KeyboardEvent): void {
  if (useDialogs.getState().dialog !== null || e.defaultPrevented || e.altKey) return
  const view = useView.getState()
  if (view.registryId === null || view.repository === null) return
  const mod = e.ctrlKey || e.metaKey
  const editing = isEditable(e.target)
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
  if (mod && e.key.toLowerCase() === 'c' && !e.shiftKey) {
    if ((window.getSelection()?.toString() ?? '') !== '' || selection.focus === null) return
    const registry = registryById(useRegistries.getState().registries, view.registryId)
    const command = registry ? dockerPullCommand(registry.url, view.repository, selection.focus) : null
    if (command === null) return
    e.preventDefault()
    void copyText(command, 'docker pull command')
  }
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', handleShortcut)
    return () => window.removeEventListener('keydown', handleShortcut)
  }, [])
}

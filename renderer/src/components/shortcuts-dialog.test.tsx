// @vitest-environment happy-dom
// `?` lists the keyboard shortcuts, wherever the user is, but not while typing in a field.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useDialogs } from '../stores/dialogs'
import { Dialogs } from './dialogs'
import { useKeyboardShortcuts } from './use-keyboard-shortcuts'

function Shell() {
  useKeyboardShortcuts()
  return (
    <>
      <input aria-label="Some field" />
      <Dialogs />
    </>
  )
}

beforeEach(() => useDialogs.setState({ dialog: null }))
afterEach(() => cleanup())

describe('the keyboard shortcuts dialog', () => {
  it('opens on ?, with no repository open, lists the shortcuts, and closes', async () => {
    const user = userEvent.setup()
    render(<Shell />)
    await user.keyboard('?')
    const dialog = within(screen.getByRole('dialog'))
    expect(dialog.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeTruthy()
    expect(dialog.getByText('Filter the tags')).toBeTruthy()
    expect(dialog.getByText('Copy the pull command of the focused tag (docker, helm or oras: what fits it)')).toBeTruthy()
    expect(dialog.getByText('Show these shortcuts')).toBeTruthy()
    expect(dialog.getAllByText('j')).toHaveLength(1)
    await user.click(dialog.getByText('Close'))
    expect(screen.queryByRole('dialog')).toBeNull()
    await user.keyboard('?')
    expect(screen.getByRole('dialog')).toBeTruthy()
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('types ? into a field instead of opening', async () => {
    const user = userEvent.setup()
    render(<Shell />)
    await user.click(screen.getByLabelText('Some field'))
    await user.keyboard('?')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByLabelText<HTMLInputElement>('Some field').value).toBe('?')
  })
})

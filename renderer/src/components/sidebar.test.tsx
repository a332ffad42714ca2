// @vitest-environment happy-dom
// The sidebar as a user meets it: the repository search is there whatever the count, a long listing
// shows how far it got, the registry's menu opens its activity, and the shortcuts are one click away.
import { act, cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { defaultView } from '../model/view-hash'
import { installApi } from '../api/call'
import { useDialogs } from '../stores/dialogs'
import { applyListingProgress } from '../stores/listing-progress'
import { useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { useView } from '../stores/view'
import { Dialogs } from './dialogs'
import { Sidebar } from './sidebar'

let fake: RecordingApi

beforeEach(async () => {
  fake = recordingFakeApi({ latencyMs: 300 })
  installApi(fake.api)
  useView.setState({ ...defaultView })
  useDialogs.setState({ dialog: null })
  useRepositories.setState({ byRegistry: {} })
  await useRegistries.getState().load()
})

afterEach(() => cleanup())

function renderSidebar() {
  render(
    <>
      <Sidebar />
      <Dialogs />
    </>,
  )
}

describe('the sidebar', () => {
  it('offers the repository search for a registry of three repositories', async () => {
    renderSidebar()
    act(() => useView.getState().update({ registryId: 'mirror', repository: null, tag: null }))
    expect(screen.getByLabelText('Search repositories')).toBeTruthy()
    await vi.waitFor(() => expect(useRepositories.getState().byRegistry.mirror?.status).toBe('ready'))
    expect(screen.getByText('Repositories').textContent).toBe('Repositories 3')
    expect(screen.getByLabelText('Search repositories')).toBeTruthy()
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Search repositories'), 'nothing-like-it')
    expect(screen.getByText('No repository matches “nothing-like-it”.')).toBeTruthy()
  })

  it('counts repositories as listing pages arrive, then shows the list', async () => {
    renderSidebar()
    act(() => useView.getState().update({ registryId: 'acme', repository: null, tag: null }))
    expect(await screen.findByText('Listing repositories…')).toBeTruthy()
    act(() => applyListingProgress({ registryId: 'acme', repository: null, items: 1200, pages: 3 }))
    expect(screen.getByRole('status').textContent).toBe('Listing repositories… 1,200 so far (3 pages)')
    // Another registry's listing is not this one's.
    act(() => applyListingProgress({ registryId: 'lab', repository: null, items: 5, pages: 1 }))
    expect(screen.getByRole('status').textContent).toContain('1,200')
    await vi.waitFor(() => expect(useRepositories.getState().byRegistry.acme?.status).toBe('ready'))
    expect(screen.queryByText(/Listing repositories/)).toBeNull()
  })

  it("opens a registry's activity from its menu, and the shortcuts from the footer", async () => {
    const user = userEvent.setup()
    renderSidebar()
    await user.click(screen.getByRole('button', { name: 'Actions for ACME registry' }))
    await user.click(await screen.findByRole('menuitem', { name: 'Activity…' }))
    expect(within(screen.getByRole('dialog')).getByRole('heading', { name: 'Activity on ACME registry' })).toBeTruthy()
    expect(fake.requests('readAuditLog')[0]).toMatchObject({ registryId: 'acme' })
    act(() => useDialogs.getState().close())
    await user.click(screen.getByRole('button', { name: /Keyboard shortcuts/ }))
    expect(within(screen.getByRole('dialog')).getByRole('heading', { name: 'Keyboard shortcuts' })).toBeTruthy()
  })
})

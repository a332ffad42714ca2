// @vitest-environment happy-dom
// The storage view as a user drives it, against the harness's fake Api: the registry's repositories
// by size as a list of buttons with their figures in text, a repository's tags sortable by unique
// bytes, and an untagged image deleted by digest after a preview.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useStorage } from '../stores/storage'
import { useView } from '../stores/view'
import { StorageView } from './storage-view'

let fake: RecordingApi
let closed = 0

beforeEach(() => {
  fake = recordingFakeApi()
  installApi(fake.api)
  closed = 0
})

afterEach(() => {
  cleanup()
  useStorage.getState().close()
})

function open(repository: string | null) {
  render(<StorageView registryId="acme" repository={repository} onClose={() => closed++} />)
  return within(screen.getByRole('dialog'))
}

describe('the storage view', () => {
  it('lists the repositories largest first, with the deduplicated total, and goes to one on click', async () => {
    const user = userEvent.setup()
    const dialog = open(null)
    const list = await dialog.findByRole('list', { name: 'Repositories by size' }, { timeout: 5_000 })
    const rows = within(list).getAllByRole('button')
    expect(rows.length).toBeGreaterThan(3)
    expect(fake.requests('startUsage')[0]).toEqual({ registryId: 'acme', prefix: '', verify: false })
    expect(dialog.getByText(/shared blobs counted once/)).toBeTruthy()
    expect(dialog.getByText(/counts in both rows/)).toBeTruthy()
    // GitLab reports its own figure: its source and the difference are shown.
    expect(dialog.getByText(/GitLab's REST API reports .* more than Berth's sum/)).toBeTruthy()
    const first = rows[0]
    if (!first) throw new Error('no row')
    expect(first.textContent).toMatch(/exclusive/)
    await user.click(first)
    expect(useView.getState().repository).toBeTruthy()
    expect(closed).toBe(1)
  })

  it("sorts a repository's tags by unique bytes and deletes an untagged image after a preview", async () => {
    const user = userEvent.setup()
    const dialog = open('platform/gateway')
    const table = await dialog.findByRole('table', {}, { timeout: 5_000 })
    await user.click(within(table).getByRole('button', { name: /Unique/ }))
    expect(within(table).getAllByRole('columnheader')[2]?.getAttribute('aria-sort')).toBe('descending')

    const untagged = dialog.getByRole('region', { name: 'Untagged (seen before)' })
    const [deleteOne] = within(untagged).getAllByRole('button', { name: /^Delete .*…$/ })
    if (!deleteOne) throw new Error('no untagged image')
    await user.click(deleteOne)
    expect(await within(untagged).findByText(/after garbage collection/)).toBeTruthy()
    expect(fake.requests('deleteUntagged')).toHaveLength(0)
    await user.click(within(untagged).getByRole('button', { name: 'Delete by digest' }))
    expect(await within(untagged).findByText('1 of 1 deleted.')).toBeTruthy()
    expect(fake.requests('deleteUntagged')).toHaveLength(1)
    expect(within(untagged).getByText(/garbage collection/)).toBeTruthy()
  })

  it('cancels a running measurement', async () => {
    const user = userEvent.setup()
    const dialog = open(null)
    await user.click(await dialog.findByRole('button', { name: 'Cancel' }))
    expect(await dialog.findByText(/cancelled/, {}, { timeout: 5_000 })).toBeTruthy()
  })
})

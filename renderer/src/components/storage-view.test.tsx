// @vitest-environment happy-dom
// The storage view as a user drives it, against the harness's fake Api: the registry's repositories
// by size as a list of buttons with their figures in text, a repository's tags sortable by unique
// bytes, and an untagged image deleted by digest after a preview.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  cleanup()
  useStorage.getState().close()
})

function open(repository: string | null) {
  render(<StorageView registryId="acme" repository={repository} onClose={() => closed++} />)
  return within(screen.getByRole('dialog'))
}

describe('the storage view', () => {
  it('lists the repositories largest first, with the deduplicated total, and goes to one on click', { timeout: 30_000 }, async () => {
    const user = userEvent.setup()
    const dialog = open(null)
    const list = await dialog.findByRole('list', { name: 'Repositories by size' }, { timeout: 25_000 })
    const rows = within(list).getAllByRole('button')
    expect(rows.length).toBeGreaterThan(3)
    expect(fake.requests('startUsage')[0]).toEqual({ registryId: 'acme', prefix: '', verify: false, dates: false })
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

  it(
    "draws a repository's pictures with their numbers in their labels, and a click on one selects the tag",
    { timeout: 15_000 },
    async () => {
      // happy-dom lays nothing out: the table's scroller says how
      // tall it is, as a browser would.
      vi.stubGlobal('ResizeObserver', undefined)
      const wrapped = (element: Element): boolean => element.classList.contains('storage-table-wrap')
      vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: Element) {
        return wrapped(this) ? 280 : 0
      })
      vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: Element) {
        return wrapped(this) ? 800 : 0
      })
      const user = userEvent.setup()
      const dialog = open('platform/gateway')
      await dialog.findByRole('table', {}, { timeout: 5_000 })
      expect(fake.requests('startUsage')[0]).toMatchObject({ repository: 'platform/gateway', dates: true })
      const shared = dialog.getByRole('img', { name: /is shared by two or more tags/ })
      expect(shared.getAttribute('aria-label')).toMatch(/^[\d.]+ \w?B of [\d.]+ \w?B stored \(\d+%\)/)
      const overTime = dialog.getByRole('img', { name: /^Size per image over time by / })
      expect(overTime.getAttribute('aria-label')).toMatch(/\d+ images from .* to .*, .*B to .*B/)

      // The keyboard walks the time chart's marks, each with a tooltip; Enter selects its tag.
      overTime.focus()
      await user.keyboard('{ArrowRight}')
      const tip = await dialog.findByRole('tooltip')
      expect(tip.textContent).toMatch(/: [\d.]+ \w?B, (pushed|built) /)
      await user.keyboard('{Enter}')
      const picked = dialog.getByRole('status')
      const tag = tip.textContent?.split(/[:,]/)[0] ?? ''
      expect(picked.textContent).toContain(tag)

      // A bar of the biggest images selects its tag in the table; "Show in repository" opens it.
      const biggest = dialog.getByRole('region', { name: 'Biggest images' })
      const [top] = within(biggest).getAllByRole('button')
      if (!top) throw new Error('no bar')
      await user.click(top)
      const row = within(dialog.getByRole('table'))
        .getAllByRole('row')
        .find((r) => r.getAttribute('aria-selected') === 'true')
      expect(row).toBeTruthy()
      expect(top.getAttribute('aria-label')).toContain(row?.querySelector('td')?.textContent ?? '\u0000')
      await user.click(dialog.getByRole('button', { name: 'Show in repository' }))
      expect(useView.getState()).toMatchObject({ repository: 'platform/gateway', tag: row?.querySelector('td')?.textContent })
      expect(closed).toBe(1)
    },
  )

  it('cancels a running measurement', async () => {
    const user = userEvent.setup()
    const dialog = open(null)
    await user.click(await dialog.findByRole('button', { name: 'Cancel' }))
    expect(await dialog.findByText(/cancelled/, {}, { timeout: 5_000 })).toBeTruthy()
  })
})

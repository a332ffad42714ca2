// @vitest-environment happy-dom
// The cleanup dialog as a user drives it, against the harness's fake Api: rules typed into the form
// give a live count, the review asks the core for the plan, and only the reviewed tags are removed,
// each with the digest the review saw.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useCleanup } from '../stores/cleanup'
import { useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { useToasts } from '../stores/toasts'
import { CleanupDialog } from './cleanup-dialog'
import { Toasts } from './toasts'

const repository = 'web/admin'
let fake: RecordingApi

beforeEach(async () => {
  fake = recordingFakeApi()
  installApi(fake.api)
  useToasts.setState({ toasts: [] })
  // The dialog opens over the tag view: its live plan reads the details the view loaded.
  await useTags.getState().open('acme', repository)
  await vi.waitFor(() => expect(useTags.getState().loaded).toBe(useTags.getState().tags.length), { timeout: 10_000 })
})

afterEach(() => {
  cleanup()
  useTags.getState().close()
})

function openDialog(selection: string[] | null = null) {
  render(
    <>
      <CleanupDialog registryId="acme" repository={repository} selection={selection} onClose={() => undefined} />
      <Toasts />
    </>,
  )
  return within(screen.getByRole('dialog'))
}

describe('the cleanup dialog', () => {
  it('counts the matches as the user types, reviews with the core, and removes exactly the reviewed tags', async () => {
    const user = userEvent.setup()
    const { tags } = useTags.getState()
    const matching = tags.filter((t) => t.startsWith('1.'))
    expect(matching.length).toBeGreaterThan(0)
    const dialog = openDialog()

    await user.type(dialog.getByLabelText('Remove tags matching'), '^1\\.')
    expect(dialog.getByText(`${matching.length} of ${tags.length} tags match`)).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: `Review ${matching.length} removals…` }))

    const remove = await dialog.findByRole('button', { name: `Remove ${matching.length} tag${matching.length === 1 ? '' : 's'}` })
    expect(fake.requests('previewCleanup')).toEqual([
      { registryId: 'acme', repository, rules: { keepN: 0, keepRegex: '', removeRegex: '^1\\.', olderThan: '', unlockLatest: false } },
    ])
    const phase = useCleanup.getState().phase
    if (phase.kind !== 'confirm') throw new Error(`expected the confirm step, got ${phase.kind}`)
    // Before anyone confirms: what the removal frees once garbage collection runs, and what stays.
    expect(dialog.getByText(/^Frees \d[\d.]* [kMG]?B after garbage collection; \d[\d.]* [kMG]?B stay used by kept tags\.$/)).toBeTruthy()
    expect(dialog.getByText(/online garbage collection/)).toBeTruthy()

    await user.click(remove)
    expect(await dialog.findByText(new RegExp(`Removed ${matching.length} tags?\\.`))).toBeTruthy()
    const runs = fake.requests('runCleanup')
    expect(runs.flatMap((r) => r.tags).sort()).toEqual([...phase.plan.remove].sort())
    for (const run of runs) for (const tag of run.tags) expect(run.expectedDigests[tag]).toBe(phase.plan.expectedDigests[tag])
    // Nothing outside the reviewed plan was touched.
    expect(fake.requests('deleteTags')).toEqual([])
  })

  it('names a rule that is wrong and reviews nothing until it is fixed', async () => {
    const user = userEvent.setup()
    const dialog = openDialog()
    await user.type(dialog.getByLabelText('Remove tags matching'), '.*')
    await user.type(dialog.getByLabelText('Keep the most recent'), 'ten')
    expect(dialog.getByRole('alert').textContent).toMatch(/whole number/)
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: /^Review/ }).disabled).toBe(true)
    expect(fake.requests('previewCleanup')).toEqual([])
  })

  it('saves the rules for the repository and says so', async () => {
    const user = userEvent.setup()
    const dialog = openDialog()
    await user.type(dialog.getByLabelText('Remove tags matching'), '^dev-')
    await user.type(dialog.getByLabelText('Only if older than'), '30d')
    await user.click(dialog.getByRole('button', { name: 'Save rules' }))
    expect(await screen.findByText('Cleanup rules saved')).toBeTruthy()
    expect(fake.requests('saveCleanupRules')).toEqual([
      { registryId: 'acme', repository, rules: { keepN: 0, keepRegex: '', removeRegex: '^dev-', olderThan: '30d', unlockLatest: false } },
    ])
  })

  it("on GitLab hands the rules to GitLab's bulk delete: shows what it sends, what GitLab accepted, and that it runs later", async () => {
    await useRegistries.getState().load()
    const user = userEvent.setup()
    const dialog = openDialog()
    await user.type(dialog.getByLabelText('Remove tags matching'), '^pr-')
    await user.type(dialog.getByLabelText('Keep the most recent'), '5')
    await user.type(dialog.getByLabelText('Only if older than'), '2w')
    await user.click(dialog.getByRole('button', { name: 'Let GitLab run it…' }))

    expect(dialog.getByRole('heading', { name: `Let GitLab clean up ${repository}` })).toBeTruthy()
    const sent = within(dialog.getByLabelText('GitLab parameters'))
    expect(sent.getByText('name_regex_delete').nextSibling?.textContent).toBe('(?i)pr-.*')
    expect(sent.getByText('keep_n').nextSibling?.textContent).toBe('5')
    expect(sent.getByText('older_than').nextSibling?.textContent).toBe('14d')
    expect(dialog.getByText(/GitLab runs the cleanup in the background/)).toBeTruthy()
    expect(dialog.getByText(/5 newest of the tags its patterns would delete/)).toBeTruthy()

    await user.click(dialog.getByRole('button', { name: 'Submit to GitLab' }))
    expect(await dialog.findByRole('heading', { name: `GitLab accepted the cleanup of ${repository}` })).toBeTruthy()
    expect(dialog.getByText('It has not run yet.')).toBeTruthy()
    expect(fake.requests('submitGitlabBulkDelete')).toEqual([
      { registryId: 'acme', repository, nameRegexDelete: '(?i)pr-.*', keepN: 5, olderThan: '14d' },
    ])
    // GitLab picks the tags: Berth deleted nothing itself.
    expect(fake.requests('runCleanup')).toEqual([])
    expect(fake.requests('previewCleanup')).toEqual([])
  })

  it('says why a rule cannot go to GitLab, and offers GitLab nothing for a selection', async () => {
    await useRegistries.getState().load()
    const user = userEvent.setup()
    const dialog = openDialog()
    await user.type(dialog.getByLabelText('Remove tags matching'), '^(?!main)')
    await user.click(dialog.getByRole('button', { name: 'Let GitLab run it…' }))
    expect(dialog.getByRole('alert').textContent).toMatch(/lookaround .* RE2/)
    expect(fake.requests('submitGitlabBulkDelete')).toEqual([])
    cleanup()
    const selected = openDialog(useTags.getState().tags.slice(0, 2))
    expect(selected.queryByRole('button', { name: 'Let GitLab run it…' })).toBeNull()
  })
})

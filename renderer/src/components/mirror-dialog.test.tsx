// @vitest-environment happy-dom
// "Mirror repository…" as a user drives it, against the harness's fake Api: the tag filter and the
// age are judged as they are typed, with a live count of the matching tags; the plan is the sync's
// dry run (planCopy with `sync`, as `berth sync`), one row per tag with its state at the
// destination; the mirror runs over every planned tag and ends with the result per tag; a tag that
// points elsewhere at the destination moves only after the overwrite showing both digests; M opens it.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { bigRepository } from '../../../test/ui-harness/fake-data'
import { installApi } from '../api/call'
import { resetCopyJobs, useCopy } from '../stores/copy'
import { useDialogs } from '../stores/dialogs'
import { useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { useTags } from '../stores/tags'
import { useToasts } from '../stores/toasts'
import { useView } from '../stores/view'
import { MirrorDialog } from './mirror-dialog'
import { ShortcutsDialog } from './shortcuts-dialog'
import { handleShortcut } from './use-keyboard-shortcuts'

let fake: RecordingApi
let closed = 0

beforeEach(async () => {
  fake = recordingFakeApi()
  installApi(fake.api)
  resetCopyJobs()
  closed = 0
  useToasts.setState({ toasts: [] })
  useRepositories.setState({ byRegistry: {} })
  useDialogs.setState({ dialog: null })
  await useRegistries.getState().load()
})

afterEach(() => {
  cleanup()
  useCopy.getState().close()
  useTags.getState().close()
})

async function openMirror(repository = bigRepository) {
  render(<MirrorDialog registryId="acme" repository={repository} onClose={() => closed++} />)
  const dialog = within(screen.getByRole('dialog'))
  // The source's tags are listed once: the count needs them.
  await dialog.findByText(/tags, each copied byte for byte under the same name/)
  return dialog
}

describe('the mirror dialog', () => {
  it('counts the matching tags as the pattern is typed, plans the sync, mirrors every planned tag, shows the result per tag', async () => {
    const user = userEvent.setup()
    const dialog = await openMirror()
    const total = (await fake.fake.listTags({ registryId: 'acme', repository: bigRepository })).tags.length
    expect(dialog.getByRole('heading', { name: `Mirror ${bigRepository} to…` })).toBeTruthy()
    expect(dialog.getByLabelText<HTMLInputElement>('Repository').value).toBe(bigRepository)
    expect(dialog.getByRole('status', { name: 'Matching tags' }).textContent).toBe(
      `${total.toLocaleString('en')} of ${total.toLocaleString('en')} tags match.`,
    )

    const pattern = dialog.getByLabelText('Tags matching')
    // `[[` types one `[` (user-event reads `[` as a key name).
    await user.type(pattern, '^1\\.0\\.[[0-2]$')
    expect(dialog.getByRole('status', { name: 'Matching tags' }).textContent).toBe(`3 of ${total.toLocaleString('en')} tags match.`)
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))

    expect(await dialog.findByRole('heading', { name: `Mirror to mirror.example.org/${bigRepository}` })).toBeTruthy()
    expect(fake.requests('planCopy')).toEqual([
      {
        source: { registryId: 'acme', repository: bigRepository },
        destination: { registryId: 'mirror', repository: bigRepository },
        sync: { tagPattern: '^1\\.0\\.[0-2]$' },
        platforms: [],
        referrers: false,
        force: false,
      },
    ])
    const table = within(dialog.getByRole('table', { name: 'Tags to mirror' }))
    const rows = table.getAllByRole('row').slice(1)
    expect(rows.map((row) => row.getAttribute('data-tag'))).toEqual(['1.0.0', '1.0.1', '1.0.2'])
    expect(rows.map((row) => row.getAttribute('data-state'))).toEqual(['new', 'new', 'new'])
    expect(dialog.getByLabelText('Tags by state').textContent).toBe('3 new')

    await user.click(dialog.getByRole('button', { name: 'Mirror 3 tags' }))
    expect(await dialog.findByRole('heading', { name: 'Mirrored 3 tags' }, { timeout: 10_000 })).toBeTruthy()
    const results = within(dialog.getByRole('table', { name: 'Mirrored tags' }))
      .getAllByRole('row')
      .slice(1)
    expect(results.map((row) => [row.getAttribute('data-tag'), row.getAttribute('data-status')])).toEqual([
      ['1.0.0', 'copied'],
      ['1.0.1', 'copied'],
      ['1.0.2', 'copied'],
    ])
    expect(results.every((row) => /✓ sha256:/.test(row.textContent ?? ''))).toBe(true)
    const [started] = fake.requests('startCopy')
    expect(started?.sync).toEqual({ tagPattern: '^1\\.0\\.[0-2]$' })
    expect(started?.force).toBe(false)
    // What the user confirmed: the run writes those tags only, each as the plan showed it.
    expect(started?.expectedDestinationDigests).toEqual({ '1.0.0': '', '1.0.1': '', '1.0.2': '' })
    expect((await fake.fake.listTags({ registryId: 'mirror', repository: bigRepository })).tags.sort()).toEqual(['1.0.0', '1.0.1', '1.0.2'])
    await user.click(dialog.getByText('Close'))
    expect(closed).toBe(1)
  }, 30_000)

  it('says what is wrong with the pattern and the age next to them as they are typed, and plans nothing', async () => {
    const user = userEvent.setup()
    const dialog = await openMirror()
    await user.type(dialog.getByLabelText('Tags matching'), 'v1(')
    expect(dialog.getByRole('alert').textContent).toMatch(
      /^Invalid regular expression: .* — write a regular expression such as \^v1\\\. or -rc$/,
    )
    await user.type(dialog.getByLabelText('Newer than'), '3 fortnights')
    expect(dialog.getByText('"3 fortnights" is not a duration: write it like 12h, 7d, 2w or 1month.')).toBeTruthy()
    await user.selectOptions(dialog.getByLabelText('Registry'), 'acme')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))
    expect(dialog.getByText('That is the repository itself: choose another registry, or another repository name.')).toBeTruthy()
    await user.click(dialog.getByLabelText('Only some platforms'))
    await user.type(dialog.getByLabelText(/platforms/i, { selector: 'input.input' }), 'linux')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))
    expect(dialog.getByText(/"linux" is not a platform: write it as os\/architecture\[\/variant\]/)).toBeTruthy()
    expect(fake.requests('planCopy')).toHaveLength(0)
  })

  it('shows both digests of a destination tag that points elsewhere and moves it only after the explicit overwrite', async () => {
    const user = userEvent.setup()
    const dialog = await openMirror()
    await user.selectOptions(dialog.getByLabelText('Registry'), 'acme')
    const repository = dialog.getByLabelText('Repository')
    await user.clear(repository)
    await user.type(repository, 'web/storefront')
    await user.type(dialog.getByLabelText('Tags matching'), '^latest$')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))

    const row = await dialog.findByRole('row', { name: /latest/ })
    expect(row.getAttribute('data-state')).toBe('elsewhere')
    const overwrite = within(dialog.getByRole('group', { name: 'Tags that point elsewhere' }))
    const [now] = await fake.fake.getTagDetails({ registryId: 'acme', repository: 'web/storefront', tags: ['latest'] })
    const [after] = await fake.fake.getTagDetails({ registryId: 'acme', repository: bigRepository, tags: ['latest'] })
    if (!now?.ok || !after?.ok) throw new Error('fixture: both latest tags should exist')
    expect(overwrite.getByText(now.details.digest)).toBeTruthy()
    expect(overwrite.getByText(after.details.digest)).toBeTruthy()
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Tick the overwrite to go on' }).disabled).toBe(true)

    await user.click(overwrite.getByRole('checkbox'))
    await user.click(dialog.getByRole('button', { name: 'Overwrite and mirror 1 tag' }))
    expect(await dialog.findByRole('heading', { name: 'Mirrored 1 tag' }, { timeout: 10_000 })).toBeTruthy()
    const [started] = fake.requests('startCopy')
    expect(started?.force).toBe(true)
    expect(started?.expectedDestinationDigests).toEqual({ latest: now.details.digest })
  }, 30_000)

  it('says there is nothing to mirror when the age leaves every tag out, and names why each was left out', async () => {
    const user = userEvent.setup()
    const dialog = await openMirror()
    await user.type(dialog.getByLabelText('Tags matching'), '^1\\.0\\.0$')
    await user.type(dialog.getByLabelText('Newer than'), '1h')
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))
    expect(await dialog.findByText(/No tag to mirror: every matching tag was left out/)).toBeTruthy()
    expect(dialog.getByText('1 tag left out')).toBeTruthy()
    expect(dialog.getByText(/— older than 1h \(/)).toBeTruthy()
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Nothing to mirror' }).disabled).toBe(true)
    expect(fake.requests('planCopy')[0]?.sync).toEqual({ tagPattern: '^1\\.0\\.0$', newerThan: '1h' })
  })
})

describe('a running mirror', () => {
  it('shows the progress over all tags with the tag it works on, and cancels', async () => {
    fake = recordingFakeApi({ latencyMs: 40 })
    installApi(fake.api)
    const user = userEvent.setup()
    const dialog = await openMirror()
    await user.type(dialog.getByLabelText('Tags matching'), '^2\\.0\\.')
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.click(dialog.getByRole('button', { name: 'Review mirror…' }))
    await user.click(await dialog.findByRole('button', { name: /^Mirror \d+ tags$/ }, { timeout: 10_000 }))
    expect(await dialog.findByRole('progressbar', { name: 'Copy progress' })).toBeTruthy()
    expect(await dialog.findByText(/^2\.0\.\S+ \(\d+ of \d+\)$/, {}, { timeout: 10_000 })).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: 'Cancel mirror' }))
    expect(await dialog.findByRole('heading', { name: 'Mirror cancelled' }, { timeout: 10_000 })).toBeTruthy()
    expect(fake.requests('cancelCopy')).toHaveLength(1)
  }, 30_000)
})

describe('the keyboard path', () => {
  it('opens the mirror dialog for the open repository with M, and lists the shortcut', () => {
    useView.getState().update({ registryId: 'acme', repository: bigRepository, tag: null })
    handleShortcut(new KeyboardEvent('keydown', { key: 'm' }))
    expect(useDialogs.getState().dialog).toEqual({ kind: 'mirror', registryId: 'acme', repository: bigRepository })
    useDialogs.setState({ dialog: null })
    render(<ShortcutsDialog onClose={() => undefined} />)
    expect(screen.getByText(/Mirror the repository to another registry or repository/)).toBeTruthy()
  })
})

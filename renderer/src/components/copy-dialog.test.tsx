// @vitest-environment happy-dom
// "Copy to…" as a user drives it, against the harness's fake Api: the destination (registry,
// repository, tags), the plan (blobs to send, each tag's action), the progress and the result with
// the digest verified at the destination; a tag that points elsewhere moves only after an explicit
// overwrite showing both digests; a platform subset says its digest changes; failures name the
// step, the blob and the registry. And the toolbar offers the actions only on confirmed rows.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { bigRepository } from '../../../test/ui-harness/fake-data'
import { installApi } from '../api/call'
import { sourceImageOf, type CopySourceImage } from '../model/copy-form'
import { resetCopyJobs, useCopy } from '../stores/copy'
import { useDialogs } from '../stores/dialogs'
import { useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { useTags } from '../stores/tags'
import { useToasts } from '../stores/toasts'
import { useView } from '../stores/view'
import { CopyDialog } from './copy-dialog'
import { SelectionCopyActions } from './copy-actions'
import { Toasts } from './toasts'

let fake: RecordingApi
let closed = 0

beforeEach(async () => {
  fake = recordingFakeApi()
  installApi(fake.api)
  resetCopyJobs()
  closed = 0
  useToasts.setState({ toasts: [] })
  useRepositories.setState({ byRegistry: {} })
  await useRegistries.getState().load()
})

afterEach(() => {
  cleanup()
  useCopy.getState().close()
  useTags.getState().close()
})

async function imageOf(tag: string, repository = bigRepository): Promise<CopySourceImage> {
  const [answer] = await fake.fake.getTagDetails({ registryId: 'acme', repository, tags: [tag] })
  if (!answer?.ok) throw new Error(`fixture: ${tag} should have details`)
  return sourceImageOf(tag, answer.details)
}

function openDialog(images: CopySourceImage[]) {
  render(
    <>
      <CopyDialog registryId="acme" repository={bigRepository} images={images} onClose={() => closed++} />
      <Toasts />
    </>,
  )
  return within(screen.getByRole('dialog'))
}

describe('the copy dialog', () => {
  it('copies the confirmed digest to a new repository of another registry, shows the plan, progress and the verified result', async () => {
    const user = userEvent.setup()
    const image = await imageOf('1.0.0')
    const dialog = openDialog([image])
    expect(dialog.getByRole('heading', { name: 'Copy 1.0.0 to…' })).toBeTruthy()
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.type(dialog.getByLabelText('Repository'), 'library/server')
    expect(dialog.getByLabelText<HTMLInputElement>('Tags').value).toBe('1.0.0')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))

    expect(await dialog.findByRole('heading', { name: 'Copy to mirror.example.org/library/server' })).toBeTruthy()
    expect(fake.requests('planCopy')).toEqual([
      {
        source: { registryId: 'acme', repository: bigRepository },
        destination: { registryId: 'mirror', repository: 'library/server' },
        items: [{ reference: image.digest, tags: ['1.0.0'] }],
        platforms: [],
        referrers: false,
        force: false,
      },
    ])
    const stats = within(dialog.getByLabelText('What the copy moves'))
    expect(stats.getByText('To send')).toBeTruthy()
    const tags = within(dialog.getByRole('list', { name: 'Destination tags of 1.0.0' }))
    expect(tags.getByText('new tag')).toBeTruthy()

    await user.click(dialog.getByRole('button', { name: 'Copy' }))
    // The fake copy runs in ticks: on a loaded machine it takes longer than findBy's default second.
    expect(await dialog.findByText(/Verified at the destination/, {}, { timeout: 10_000 })).toBeTruthy()
    expect(dialog.getByRole('heading', { name: 'Copied' })).toBeTruthy()
    expect(dialog.getByText(image.digest)).toBeTruthy()
    const [started] = fake.requests('startCopy')
    expect(started?.items).toEqual([{ reference: image.digest, tags: ['1.0.0'] }])
    expect(started?.force).toBe(false)
    expect(started?.expectedDestinationDigests).toEqual({ '1.0.0': '' })

    // The copy really landed: the destination lists the new repository and the tag.
    const listed = await fake.fake.listTags({ registryId: 'mirror', repository: 'library/server' })
    expect(listed.tags).toEqual(['1.0.0'])
    await user.click(dialog.getByText('Close'))
    expect(closed).toBe(1)
  })

  it('shows both digests of a tag that points elsewhere and moves it only after the explicit overwrite', async () => {
    const user = userEvent.setup()
    const image = await imageOf('1.0.0')
    const dialog = openDialog([image])
    await user.type(dialog.getByLabelText('Repository'), 'web/storefront')
    const tagField = dialog.getByLabelText('Tags')
    await user.clear(tagField)
    await user.type(tagField, 'latest')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))

    const overwrite = within(await dialog.findByRole('group', { name: 'Tags that point elsewhere' }))
    const current = (await fake.fake.getTagDetails({ registryId: 'acme', repository: 'web/storefront', tags: ['latest'] }))[0]
    if (!current?.ok) throw new Error('fixture: web/storefront:latest should exist')
    expect(overwrite.getByText(current.details.digest)).toBeTruthy()
    expect(overwrite.getByText(image.digest)).toBeTruthy()
    const refused = dialog.getByRole<HTMLButtonElement>('button', { name: 'Tick the overwrite to go on' })
    expect(refused.disabled).toBe(true)

    await user.click(overwrite.getByRole('checkbox'))
    await user.click(dialog.getByRole('button', { name: 'Overwrite and copy' }))
    expect(await dialog.findByText(/Verified at the destination/)).toBeTruthy()
    const [started] = fake.requests('startCopy')
    expect(started?.force).toBe(true)
    expect(started?.expectedDestinationDigests).toEqual({ latest: current.details.digest })
    expect(dialog.getByText('written')).toBeTruthy()
  })

  it('says before copying that a platform subset makes a new index with another digest', async () => {
    const user = userEvent.setup()
    const image = await imageOf('6.0.0')
    expect(image.platforms.length).toBeGreaterThan(1)
    const [first = '', second = ''] = image.platforms
    const dialog = openDialog([image])
    await user.type(dialog.getByLabelText('Repository'), 'mirror/server')
    await user.click(dialog.getByLabelText('Only some platforms'))
    await user.click(dialog.getByLabelText(second))
    expect(dialog.getByRole('note').textContent).toMatch(/a new index: the image at the destination gets another digest/)
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    expect(await dialog.findByText(/a new index is written, so the digest at the destination is/)).toBeTruthy()
    expect(fake.requests('planCopy')[0]?.platforms).toEqual(
      image.platforms.length === 2 ? [first] : image.platforms.filter((p) => p !== second),
    )
  })

  it('says what is wrong with the form next to the field, and plans nothing', async () => {
    const user = userEvent.setup()
    const dialog = openDialog([await imageOf('1.0.0')])
    const tagField = dialog.getByLabelText('Tags')
    await user.clear(tagField)
    await user.type(tagField, 'bad/tag')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    expect(dialog.getByText('Name the repository, e.g. team/app.')).toBeTruthy()
    expect(dialog.getByText(/"bad\/tag" is not a tag: it contains "\/"/)).toBeTruthy()
    await user.type(dialog.getByLabelText('Repository'), 'Team/App')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    expect(dialog.getByText('Repository names are lowercase.')).toBeTruthy()
    expect(fake.requests('planCopy')).toHaveLength(0)
  })

  it('names the step, the blob and the registry when the destination refuses', async () => {
    const user = userEvent.setup()
    const dialog = openDialog([await imageOf('1.0.0')])
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.type(dialog.getByLabelText('Repository'), 'team/readonly')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    await user.click(await dialog.findByRole('button', { name: 'Copy' }))
    expect(await dialog.findByText(/failed at "start the upload" on mirror\.example\.org/)).toBeTruthy()
    expect(dialog.getByText(/Copying blob sha256:[0-9a-f]{64}/)).toBeTruthy()
    expect(dialog.getByRole('heading', { name: 'Copy failed' })).toBeTruthy()
    expect(dialog.getByText('not written')).toBeTruthy()
  })

  it('cancels a running copy', async () => {
    fake = recordingFakeApi({ latencyMs: 40 })
    installApi(fake.api)
    const user = userEvent.setup()
    const dialog = openDialog([await imageOf('1.0.0')])
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.type(dialog.getByLabelText('Repository'), 'team/slow')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    await user.click(await dialog.findByRole('button', { name: 'Copy' }))
    expect(await dialog.findByRole('progressbar', { name: 'Copy progress' })).toBeTruthy()
    expect(await dialog.findByText(/^Blobs \d+ of \d+$/)).toBeTruthy()
    await user.click(await dialog.findByRole('button', { name: 'Cancel copy' }))
    expect(await dialog.findByRole('heading', { name: 'Copy cancelled' })).toBeTruthy()
    expect(fake.requests('cancelCopy')).toHaveLength(1)
  })
})

describe('the copy dialog, around the copy', () => {
  it('adds a new destination registry with the registry dialog, keeps the view, and comes back with it chosen', async () => {
    const user = userEvent.setup()
    useView.getState().update({ registryId: 'acme', repository: bigRepository })
    const dialog = openDialog([await imageOf('1.0.0')])
    await user.type(dialog.getByLabelText('Repository'), 'team/server')
    await user.selectOptions(dialog.getByLabelText('Registry'), 'Add a registry…')
    const adding = within(screen.getByRole('dialog'))
    await user.type(adding.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.click(adding.getByRole('button', { name: 'Connect' }))

    const back = within(await screen.findByRole('dialog', { name: 'Copy 1.0.0 to…' }))
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://registry.example.com')
    expect(back.getByLabelText<HTMLSelectElement>('Registry').value).toBe(added?.id)
    // What was typed before is still there, and the main view did not move to the new registry.
    expect(back.getByLabelText<HTMLInputElement>('Repository').value).toBe('team/server')
    expect(useView.getState().registryId).toBe('acme')
    expect(useView.getState().repository).toBe(bigRepository)
  })

  it('goes on in the background when closed while running, and says how it ended', async () => {
    fake = recordingFakeApi({ latencyMs: 20 })
    installApi(fake.api)
    const user = userEvent.setup()
    const dialog = openDialog([await imageOf('1.0.0')])
    await user.selectOptions(dialog.getByLabelText('Registry'), 'mirror')
    await user.type(dialog.getByLabelText('Repository'), 'team/background')
    await user.click(dialog.getByRole('button', { name: 'Review copy…' }))
    await user.click(await dialog.findByRole('button', { name: 'Copy' }))
    await user.click(await dialog.findByRole('button', { name: 'Run in background' }))
    expect(closed).toBe(1)
    expect(await screen.findByText('The copy goes on')).toBeTruthy()
    expect(await screen.findByText('Copied', {}, { timeout: 5_000 })).toBeTruthy()
    expect(screen.getByText('1.0.0 to mirror.example.org/team/background')).toBeTruthy()
  })
})

describe('the toolbar actions', () => {
  it('wait for the registry to confirm every selected row, then open the dialogs with the confirmed digests', async () => {
    const user = userEvent.setup()
    const image = await imageOf('1.0.0')
    const [answer] = await fake.fake.getTagDetails({ registryId: 'acme', repository: bigRepository, tags: ['1.0.0'] })
    if (!answer?.ok) throw new Error('fixture')
    useTags.setState({ rows: new Map([['1.0.0', { tag: '1.0.0', checking: 'cache', result: answer }]]) })
    useDialogs.setState({ dialog: null })
    render(<SelectionCopyActions registryId="acme" repository={bigRepository} tags={['1.0.0']} />)
    const copy = screen.getByRole<HTMLButtonElement>('button', { name: 'Copy to…' })
    expect(copy.disabled).toBe(true)
    expect(copy.title).toBe('Waiting for the registry to confirm 1 selected tag.')

    useTags.setState({ rows: new Map([['1.0.0', { tag: '1.0.0', checking: null, result: answer }]]) })
    await user.click(await screen.findByRole('button', { name: 'Add tag…' }))
    expect(useDialogs.getState().dialog).toEqual({ kind: 'add-tag', registryId: 'acme', repository: bigRepository, images: [image] })
  })
})

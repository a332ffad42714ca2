// @vitest-environment happy-dom
// "Add tag…" as a user drives it, against the harness's fake Api: the new tags go on the confirmed
// digest in the same repository (no blob moves), the table on screen refreshes, a tag already on
// another image is shown with both digests and moves only after the overwrite, and bad names are
// refused next to the field.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { sourceImageOf, type CopySourceImage } from '../model/copy-form'
import { resetCopyJobs, useCopy } from '../stores/copy'
import { useTags } from '../stores/tags'
import { useToasts } from '../stores/toasts'
import { AddTagDialog } from './add-tag-dialog'

const repository = 'web/admin'
let fake: RecordingApi

beforeEach(() => {
  fake = recordingFakeApi()
  installApi(fake.api)
  resetCopyJobs()
  useToasts.setState({ toasts: [] })
})

afterEach(() => {
  cleanup()
  useCopy.getState().close()
  useTags.getState().close()
})

async function imagesOf(tags: string[]): Promise<CopySourceImage[]> {
  const answers = await fake.fake.getTagDetails({ registryId: 'acme', repository, tags })
  return answers.map((answer) => {
    if (!answer.ok) throw new Error(`fixture: ${answer.tag} should have details`)
    return sourceImageOf(answer.tag, answer.details)
  })
}

function openDialog(images: CopySourceImage[]) {
  render(<AddTagDialog registryId="acme" repository={repository} images={images} onClose={() => undefined} />)
  return within(screen.getByRole('dialog'))
}

describe('the add-tag dialog', () => {
  it('writes the new tag on the confirmed digest, says no blob moves, and refreshes the table on screen', async () => {
    const user = userEvent.setup()
    await useTags.getState().open('acme', repository)
    const [image] = await imagesOf(['latest'])
    if (!image) throw new Error('fixture')
    const dialog = openDialog([image])
    expect(dialog.getByRole('heading', { name: 'Add a tag to latest' })).toBeTruthy()
    await user.type(dialog.getByLabelText('New tags'), 'production')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    expect(await dialog.findByText(/no blob is read or sent/)).toBeTruthy()
    expect(within(dialog.getByRole('list', { name: 'Destination tags of latest' })).getByText('new tag')).toBeTruthy()

    await user.click(dialog.getByRole('button', { name: 'Add tags' }))
    // The fake finishes a retag before startCopy answers, as a fast copy can over IPC.
    expect(await dialog.findByRole('heading', { name: 'Tag added' })).toBeTruthy()
    expect(dialog.getByText(image.digest)).toBeTruthy()
    const [started] = fake.requests('startCopy')
    expect(started?.source).toEqual({ registryId: 'acme', repository })
    expect(started?.destination).toEqual({ registryId: 'acme', repository })
    expect(started?.items).toEqual([{ reference: image.digest, tags: ['production'] }])
    await vi.waitFor(() => expect(useTags.getState().tags).toContain('production'))
  })

  it('shows both digests of a tag already on another image and moves it only once ticked', async () => {
    const user = userEvent.setup()
    const all = (await fake.fake.listTags({ registryId: 'acme', repository })).tags
    const other = all.find((tag) => tag !== 'latest') ?? ''
    const [image, taken] = await imagesOf([other, 'latest'])
    if (!image || !taken || image.digest === taken.digest) throw new Error('fixture: two distinct images')
    const dialog = openDialog([image])
    await user.type(dialog.getByLabelText('New tags'), 'latest')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    const overwrite = within(await dialog.findByRole('group', { name: 'Tags that point elsewhere' }))
    expect(overwrite.getByText(taken.digest)).toBeTruthy()
    expect(overwrite.getByText(image.digest)).toBeTruthy()
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Tick the overwrite to go on' }).disabled).toBe(true)
    await user.click(overwrite.getByRole('checkbox'))
    await user.click(dialog.getByRole('button', { name: 'Overwrite and tag' }))
    expect(await dialog.findByRole('heading', { name: 'Tag added' })).toBeTruthy()
    expect(fake.requests('startCopy')[0]?.force).toBe(true)
    expect(fake.requests('startCopy')[0]?.expectedDestinationDigests).toEqual({ latest: taken.digest })
  })

  it('gives each selected image its own tags and refuses a name twice, a bad name, or the tag it has', async () => {
    const user = userEvent.setup()
    const tags = (await fake.fake.listTags({ registryId: 'acme', repository })).tags.slice(0, 2)
    const images = await imagesOf(tags)
    const dialog = openDialog(images)
    expect(dialog.getByRole('heading', { name: 'Add tags to 2 images' })).toBeTruthy()
    const [first, second] = images.map((image) => dialog.getByLabelText(`Tags for ${image.tag}`))
    if (!first || !second) throw new Error('fixture')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    expect(dialog.getByText('Type the new tag.')).toBeTruthy()
    await user.type(first, `${tags[0] ?? ''} ok`)
    await user.type(second, 'ok')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    expect(dialog.getByText(`${tags[0] ?? ''} is the tag this image has already.`)).toBeTruthy()
    expect(dialog.getByText(`ok is given to ${tags[0] ?? ''} too: a tag names one image.`)).toBeTruthy()
    await user.clear(second)
    await user.type(second, '-bad')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    expect(dialog.getByText(/"-bad" is not a tag: it starts with "-"/)).toBeTruthy()
    await user.clear(second)
    await user.type(second, 'ok')
    await user.clear(first)
    await user.type(first, 'one')
    await user.click(dialog.getByRole('button', { name: 'Review tags…' }))
    await dialog.findByRole('button', { name: 'Add tags' })
    expect(fake.requests('planCopy')[0]?.items).toEqual([
      { reference: images[0]?.digest, tags: ['one'] },
      { reference: images[1]?.digest, tags: ['ok'] },
    ])
  })
})

// @vitest-environment happy-dom
// The delete dialog as a user drives it, against the harness's fake Api: it names what goes, sends
// exactly the confirmed tags with their digests, and says what happened, refusals included.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { bigRepository } from '../../../test/ui-harness/fake-data'
import { garbageCollectionNote } from '../../../shared/types'
import { installApi } from '../api/call'
import { useTags } from '../stores/tags'
import { useToasts } from '../stores/toasts'
import { DeleteDialog } from './delete-dialog'
import { Toasts } from './toasts'

let fake: RecordingApi
let closed = 0

beforeEach(() => {
  fake = recordingFakeApi()
  installApi(fake.api)
  closed = 0
  useToasts.setState({ toasts: [] })
})

afterEach(() => {
  cleanup()
  useTags.getState().close()
})

function openDialog(tags: string[]) {
  render(
    <>
      <DeleteDialog registryId="acme" repository={bigRepository} tags={tags} onClose={() => closed++} />
      <Toasts />
    </>,
  )
  return within(screen.getByRole('dialog'))
}

describe('the delete dialog', () => {
  it('previews the tag, deletes exactly it with the digest the registry confirmed, and reports it', async () => {
    const user = userEvent.setup()
    const dialog = openDialog(['1.0.0'])
    expect(dialog.getByRole('heading', { name: 'Delete 1.0.0?' })).toBeTruthy()
    const confirm = await dialog.findByRole('button', { name: 'Delete 1 tag' })
    const [preview] = fake.requests('previewDelete')
    expect(preview).toEqual({ registryId: 'acme', repository: bigRepository, tags: ['1.0.0'], mode: 'tag' })
    expect(dialog.getByText(/This tag is removed/)).toBeTruthy()

    await user.click(confirm)
    expect(await dialog.findByRole('heading', { name: '1 of 1 deleted' })).toBeTruthy()
    const [sent] = fake.requests('deleteTags')
    expect(sent?.tags).toEqual(['1.0.0'])
    expect(sent?.mode).toBe('tag')
    expect(Object.keys(sent?.expectedDigests ?? {})).toEqual(['1.0.0'])
    expect(sent?.expectedDigests['1.0.0']).toMatch(/^sha256:/)
    expect(await screen.findByText('Deleted 1 tag')).toBeTruthy()

    await user.click(dialog.getByText('Close'))
    expect(closed).toBeGreaterThan(0)
  })

  it('in digest mode names every tag on the image, and shows the registry refusing a protected one', async () => {
    const user = userEvent.setup()
    const dialog = openDialog(['latest'])
    await dialog.findByRole('button', { name: 'Delete 1 tag' })
    await user.click(dialog.getByRole('radio', { name: 'The whole image (digest)' }))

    // `stable`, `6.0.0` and `6.0` are on the same image: the preview names them before anything goes.
    const confirm = await dialog.findByRole('button', { name: 'Delete 4 tags' })
    expect(dialog.getByText(/every tag pointing at it disappears — 3 more than you selected/)).toBeTruthy()
    for (const sibling of ['stable', '6.0.0', '6.0']) expect(dialog.getByText(sibling)).toBeTruthy()
    expect(fake.requests('previewDelete').at(-1)?.mode).toBe('digest')

    await user.click(confirm)
    expect(await dialog.findByRole('heading', { name: '0 of 1 deleted' })).toBeTruthy()
    const sent = fake.requests('deleteTags')[0]
    expect(sent?.mode).toBe('digest')
    // The sibling is confirmed too: a tag added to the digest since the preview would be refused.
    expect(Object.keys(sent?.expectedDigests ?? {}).sort()).toEqual(['6.0', '6.0.0', 'latest', 'stable'])
    expect(dialog.getByText(/the tag "stable" is protected/)).toBeTruthy()
    expect(await screen.findByText('1 of 1 deletions failed')).toBeTruthy()
  })

  it('says what the deletion frees after garbage collection, and who runs it', async () => {
    // 1.0.1 is the image's only tag: deleting it frees all but the base layer kept images share.
    const dialog = openDialog(['1.0.1'])
    await dialog.findByRole('button', { name: 'Delete 1 tag' })
    const effect = within(dialog.getByTestId('storage-effect'))
    expect(effect.getByText(/^Frees \d[\d.]* [kMG]?B after garbage collection; \d[\d.]* [kMG]?B stay used by kept tags\.$/)).toBeTruthy()
    // The registry's own advice replaces the general sentence.
    expect(dialog.getByText(/garbage/i, { selector: '.gc-note' }).textContent).not.toBe(garbageCollectionNote)
  })

  it('says that deleting a tag whose image stays tagged frees nothing', async () => {
    const dialog = openDialog(['latest'])
    await dialog.findByRole('button', { name: 'Delete 1 tag' })
    expect(dialog.getByText(/frees nothing: the image stays tagged as .*stable/)).toBeTruthy()
    expect(dialog.getByText('Frees nothing: every image stays tagged.')).toBeTruthy()
    // Said beside the tag: the core's sentence saying the same is not repeated below.
    expect(dialog.queryByText(/Deleting only the tag latest/)).toBeNull()
  })

  it('says when the registry moved a tag since the table showed it', async () => {
    // The table shows a cached row whose digest the registry no longer has for the tag.
    const [answer] = await fake.fake.getTagDetails({ registryId: 'acme', repository: bigRepository, tags: ['1.0.0'] })
    if (!answer?.ok) throw new Error('fixture: 1.0.0 should have details')
    const details = { ...answer.details, digest: `sha256:${'0'.repeat(64)}` }
    useTags.setState({ rows: new Map([['1.0.0', { tag: '1.0.0', checking: 'cache', result: { tag: '1.0.0', ok: true, details } }]]) })
    const dialog = openDialog(['1.0.0'])
    await dialog.findByRole('button', { name: 'Delete 1 tag' })
    expect(dialog.getByText(/moved: the table showed/)).toBeTruthy()
  })

  it('shows why the preview failed, keeps Delete disabled, and previews again on Retry', async () => {
    const user = userEvent.setup()
    const dialog = openDialog(['no-such-tag'])
    expect(await dialog.findByText(`${bigRepository}:no-such-tag does not exist.`)).toBeTruthy()
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Delete' }).disabled).toBe(true)
    await user.click(dialog.getByRole('button', { name: 'Retry' }))
    expect(fake.requests('previewDelete')).toHaveLength(2)
    expect(fake.requests('deleteTags')).toHaveLength(0)
  })
})

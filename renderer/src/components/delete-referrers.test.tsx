// @vitest-environment happy-dom
// The delete dialog's referrers, as a user drives it against the harness's fake Api: they are named
// by kind and tag or digest, ticked by default, sent with the delete only while ticked, and their
// results shown after.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { bigRepository } from '../../../test/ui-harness/fake-data'
import type { Api } from '../../../shared/ipc'
import type { DeleteReferrer } from '../../../shared/types'
import { installApi } from '../api/call'
import { useTags } from '../stores/tags'
import { DeleteDialog } from './delete-dialog'

const subject = `sha256:${'a'.repeat(64)}`
const referrers: DeleteReferrer[] = [
  { subject, kind: 'index', digest: `sha256:${'b'.repeat(64)}`, tag: `sha256-${'a'.repeat(64)}` },
  { subject, kind: 'sbom', digest: `sha256:${'c'.repeat(64)}`, tag: null },
  { subject, kind: 'attestation', digest: `sha256:${'d'.repeat(64)}`, tag: `sha256-${'a'.repeat(64)}.att` },
]

function withReferrers(): RecordingApi {
  const base = recordingFakeApi()
  const previewDelete: Api['previewDelete'] = async (request) => ({ ...(await base.fake.previewDelete(request)), referrers })
  const deleteTags: Api['deleteTags'] = async (request) => {
    const answer = await base.fake.deleteTags(request)
    const sent = request.referrers ?? []
    return { ...answer, results: answer.results.map((r) => (r.ok ? { ...r, referrers: sent.map((x) => ({ ...x, ok: true })) } : r)) }
  }
  return recordingFakeApi({}, { previewDelete, deleteTags })
}

afterEach(() => {
  cleanup()
  useTags.getState().close()
})

function openDialog(fake: RecordingApi) {
  installApi(fake.api)
  render(<DeleteDialog registryId="acme" repository={bigRepository} tags={['1.0.0']} onClose={() => undefined} />)
  return within(screen.getByRole('dialog'))
}

describe('the delete dialog with referrers', () => {
  it('names each referrer, sends them all with the delete by default, and lists what went', async () => {
    const user = userEvent.setup()
    const fake = withReferrers()
    const dialog = openDialog(fake)
    const confirm = await dialog.findByRole('button', { name: 'Delete 1 tag and 3 referrers' })
    expect(dialog.getByRole('checkbox', { name: /Also delete its 3 referrers/ })).toHaveProperty('checked', true)
    const list = within(dialog.getByRole('list', { name: 'Referrers' }))
    expect(list.getByText('Referrers index')).toBeTruthy()
    expect(list.getByText(`sha256-${'a'.repeat(64)}.att`)).toBeTruthy()
    expect(list.getByText('untagged')).toBeTruthy()

    await user.click(confirm)
    await dialog.findByRole('heading', { name: '1 of 1 deleted' })
    expect(fake.requests('deleteTags')[0]?.referrers).toEqual(referrers)
    expect(within(dialog.getByRole('list', { name: 'Referrers deleted' })).getAllByText('deleted')).toHaveLength(3)
  })

  it('sends none once unticked', async () => {
    const user = userEvent.setup()
    const fake = withReferrers()
    const dialog = openDialog(fake)
    await dialog.findByRole('button', { name: 'Delete 1 tag and 3 referrers' })
    await user.click(dialog.getByRole('checkbox', { name: /Also delete/ }))
    await user.click(dialog.getByRole('button', { name: 'Delete 1 tag' }))
    await dialog.findByRole('heading', { name: '1 of 1 deleted' })
    expect(fake.requests('deleteTags')[0]?.referrers).toBeUndefined()
  })
})

// @vitest-environment happy-dom
// The activity view as a user reads it, against the harness's fake Api: one registry's entries,
// newest first, with who, when and the result; filters by kind, result and text; a kind this version
// does not know still shows its name and fields.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { fakeAuditEntries } from '../../../test/ui-harness/fake-audit'
import type { AuditEntry } from '../../../shared/types'
import { installApi } from '../api/call'
import { useRegistries } from '../stores/registries'
import { AuditDialog } from './audit-dialog'

let fake: RecordingApi

beforeEach(async () => {
  fake = recordingFakeApi()
  installApi(fake.api)
  await useRegistries.getState().load()
})

afterEach(() => cleanup())

function openDialog(registryId = 'acme') {
  render(<AuditDialog registryId={registryId} onClose={() => undefined} />)
  return within(screen.getByRole('dialog'))
}

const rows = (dialog: ReturnType<typeof openDialog>) =>
  within(dialog.getByRole('table', { name: 'Activity' }))
    .getAllByRole('row')
    .slice(1)

describe('the activity view', () => {
  it("lists the registry's entries newest first with action, target, result and who", async () => {
    const dialog = openDialog()
    expect(dialog.getByRole('heading', { name: 'Activity on ACME registry' })).toBeTruthy()
    await dialog.findByRole('table', { name: 'Activity' })
    expect(fake.requests('readAuditLog')).toEqual([{ registryId: 'acme', limit: 500 }])
    const acme = fakeAuditEntries().filter((e) => e.registry === 'registry.acme.internal')
    const shown = rows(dialog)
    expect(shown).toHaveLength(acme.length)
    const [newest] = shown
    expect(within(newest!).getByText('Tag delete (throw-away manifest)')).toBeTruthy()
    expect(within(newest!).getByText('platform/api/server:main-b09')).toBeTruthy()
    expect(within(newest!).getByText('Done')).toBeTruthy()
    expect(within(newest!).getByText('jdoe')).toBeTruthy()
    const refused = shown.find((row) => within(row).queryByText('Failed'))
    expect(refused && within(refused).getByText(/the tag "stable" is protected/)).toBeTruthy()
    expect(dialog.getByText(/name_regex_delete=/)).toBeTruthy()
    expect(dialog.getByText('from registry.lab.internal:5000/team/app@sha256:444444444444')).toBeTruthy()
  })

  it('filters by kind, result and text, and says when nothing matches', async () => {
    const user = userEvent.setup()
    const dialog = openDialog()
    await dialog.findByRole('table', { name: 'Activity' })
    await user.click(dialog.getByRole('button', { name: /^Copies & tags/ }))
    expect(rows(dialog).map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual(['Tag write', 'Image copy'])
    await user.click(dialog.getByRole('button', { name: /^All/ }))
    await user.selectOptions(dialog.getByLabelText('Result'), 'error')
    expect(rows(dialog)).toHaveLength(1)
    await user.selectOptions(dialog.getByLabelText('Result'), 'all')
    await user.type(dialog.getByLabelText('Filter activity'), 'pr-2311')
    expect(rows(dialog)).toHaveLength(2)
    await user.type(dialog.getByLabelText('Filter activity'), 'x')
    expect(dialog.getByText('No activity matches these filters.')).toBeTruthy()
  })

  it('says so when nothing was recorded for the registry yet', async () => {
    const dialog = openDialog('mirror')
    expect(await dialog.findByText(/Nothing recorded for this registry yet/)).toBeTruthy()
  })

  it('shows an entry of a kind it does not know by its name and fields', async () => {
    const future = {
      time: '2026-11-23T11:00:00.000Z',
      registry: 'registry.acme.internal',
      repository: 'platform/web',
      tag: '2.5.0',
      digest: `sha256:${'9'.repeat(64)}`,
      method: 'signature-copy',
      result: 'ok',
      signer: 'release-key',
    } as unknown as AuditEntry
    fake = recordingFakeApi({}, { readAuditLog: () => Promise.resolve([future]) })
    installApi(fake.api)
    const dialog = openDialog()
    await dialog.findByRole('table', { name: 'Activity' })
    const [row] = rows(dialog)
    expect(within(row!).getByText('signature copy')).toBeTruthy()
    expect(within(row!).getByText('signer: release-key')).toBeTruthy()
    expect(within(row!).getByText('not recorded')).toBeTruthy()
    expect(dialog.getByRole('button', { name: /^Other/ })).toBeTruthy()
  })
})

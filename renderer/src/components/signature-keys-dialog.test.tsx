// @vitest-environment happy-dom
// The "Signature keys…" dialog as a user drives it, against the harness's fake Api: the keys of the
// registry, a pasted key added for the repository open in the table or for the whole registry,
// removal, and a refusal from main shown with its reason.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useRegistries } from '../stores/registries'
import { SignatureKeysDialog } from './signature-keys-dialog'

const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA4nfXUCzm+dFvP7LGfAnwH64VXgtNVDfXXUlU73w/7mM=\n-----END PUBLIC KEY-----\n'
let fake: RecordingApi

async function setUp(override: Parameters<typeof recordingFakeApi>[1] = {}) {
  fake = recordingFakeApi({}, override)
  installApi(fake.api)
  await useRegistries.getState().load()
  render(<SignatureKeysDialog registryId="acme" onClose={() => undefined} />)
  return within(screen.getByRole('dialog'))
}

beforeEach(() => cleanup())
afterEach(() => cleanup())

describe('the signature keys dialog', () => {
  it('adds a pasted key for the whole registry, lists it, and removes it', async () => {
    const dialog = await setUp()
    await dialog.findByText(/No keys yet/)
    await userEvent.type(dialog.getByLabelText('Name', { exact: true }), 'release')
    await userEvent.click(dialog.getByLabelText('Public key (PEM)'))
    await userEvent.paste(pem)
    await userEvent.click(dialog.getByRole('button', { name: 'Add key' }))
    const table = await dialog.findByRole('table', { name: 'Signature keys' })
    expect(within(table).getByText('release')).toBeTruthy()
    expect(within(table).getByText('every repository')).toBeTruthy()
    expect(fake.requests('addSignatureKey')).toEqual([{ registryId: 'acme', name: 'release', pem }])
    await userEvent.click(within(table).getByRole('button', { name: 'Remove key release' }))
    await dialog.findByText(/No keys yet/)
  })

  it('scopes a key to a repository, and will not add one before the form is complete', async () => {
    const dialog = await setUp()
    const add = dialog.getByRole('button', { name: 'Add key' })
    expect(add.hasAttribute('disabled')).toBe(true)
    await userEvent.type(dialog.getByLabelText('Name', { exact: true }), 'team')
    await userEvent.click(dialog.getByRole('radio', { name: /This repository and those under it/ }))
    await userEvent.type(dialog.getByLabelText('Repository', { exact: true }), 'Team App')
    expect(dialog.getByText(/Lower-case letters/)).toBeTruthy()
    await userEvent.clear(dialog.getByLabelText('Repository', { exact: true }))
    await userEvent.type(dialog.getByLabelText('Repository', { exact: true }), 'team/app')
    await userEvent.click(dialog.getByLabelText('Public key (PEM)'))
    await userEvent.paste(pem)
    await userEvent.click(add)
    await dialog.findByText('team/app/…')
    expect(fake.requests('addSignatureKey')).toEqual([{ registryId: 'acme', name: 'team', repository: 'team/app', pem }])
  })

  it('shows why main refused a key', async () => {
    const dialog = await setUp({
      addSignatureKey: () =>
        Promise.reject(
          new BerthError({ code: 'invalid_input', message: 'An ECDSA key on secp384r1: cosign verifies ECDSA on P-256 only.' }),
        ),
    })
    await userEvent.type(dialog.getByLabelText('Name', { exact: true }), 'p384')
    await userEvent.click(dialog.getByLabelText('Public key (PEM)'))
    await userEvent.paste(pem)
    await userEvent.click(dialog.getByRole('button', { name: 'Add key' }))
    expect(await dialog.findByText(/P-256 only/)).toBeTruthy()
  })
})

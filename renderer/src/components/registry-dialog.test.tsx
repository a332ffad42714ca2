// @vitest-environment happy-dom
// Adding a registry as a user does it, against the harness's fake Api: the probe comes first, an
// untrusted certificate is shown in full before anything is saved, the trust the user chose is sent
// for the saved profile, and a secret is sent once to `login` and not kept by the form.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useRegistries } from '../stores/registries'
import { useToasts } from '../stores/toasts'
import { useView } from '../stores/view'
import { RegistryDialog } from './registry-dialog'
import { Toasts } from './toasts'

let fake: RecordingApi
let closed: number

function install(api: RecordingApi): void {
  fake = api
  installApi(api.api)
}

beforeEach(async () => {
  install(recordingFakeApi())
  closed = 0
  useToasts.setState({ toasts: [] })
  await useRegistries.getState().load()
})

afterEach(() => cleanup())

function openAddDialog() {
  render(
    <>
      <RegistryDialog registryId={null} onClose={() => closed++} />
      <Toasts />
    </>,
  )
  return within(screen.getByRole('dialog'))
}

const labFingerprint = '5E:1A:9C:33:70:0B:D2:8F:41:6A:C7:19:E4:0D:5B:88:2C:91:3F:A6:07:E8:54:BD:19:C2:6F:30:8A:DE:47:11'

describe('adding a registry', () => {
  it('probes, saves, sends the secret once to login, then shows the new registry', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.type(dialog.getByLabelText('Username'), 'jdoe')
    await user.type(dialog.getByLabelText('Password or token'), 's3cret')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    expect(await screen.findByText('Added registry.example.com')).toBeTruthy()
    expect(closed).toBe(1)
    expect(fake.requests('probeRegistry')).toEqual([{ url: 'https://registry.example.com', insecure: false, registryId: undefined }])
    const [saved] = fake.requests('saveRegistry')
    expect(saved?.profile).toMatchObject({ name: 'registry.example.com', url: 'https://registry.example.com', username: 'jdoe' })
    // The secret goes to login only: never into the profile.
    expect(JSON.stringify(saved)).not.toContain('s3cret')
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://registry.example.com')
    expect(fake.requests('login')).toEqual([{ registryId: added?.id, username: 'jdoe', secret: 's3cret' }])
    expect(added?.hasCredential).toBe(true)
    expect(useView.getState().registryId).toBe(added?.id)
    expect(fake.requests('trustCertificate')).toEqual([])
  })

  it('shows why the registry cannot be reached and saves nothing', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://unreachable.example')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText('Connection refused by unreachable.example.')).toBeTruthy()
    expect(dialog.getByText('Check the host and port, and that the registry is running.')).toBeTruthy()
    expect(fake.requests('saveRegistry')).toEqual([])
    expect(closed).toBe(0)
  })

  it('keeps the dialog open with the error when login fails, and forgets the secret it sent', async () => {
    install(
      recordingFakeApi(
        {},
        { login: () => Promise.reject(new BerthError({ code: 'unauthorized', message: 'registry.example.com answered 401.' })) },
      ),
    )
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.type(dialog.getByLabelText('Username'), 'jdoe')
    await user.type(dialog.getByLabelText('Password or token'), 'wrong')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText('registry.example.com answered 401.')).toBeTruthy()
    expect(closed).toBe(0)
    expect(dialog.getByLabelText<HTMLInputElement>('Password or token').value).toBe('')
  })
})

describe('trusting a registry certificate', () => {
  it('shows the certificate before saving, then pins the fingerprint the user saw', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://mirror.lab.internal:5443')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    const trust = within(await screen.findByRole('dialog', { name: 'Trust this registry’s certificate?' }))
    expect(trust.getByText('mirror.lab.internal:5443 presented a certificate your system does not trust.')).toBeTruthy()
    expect(trust.getByText(labFingerprint)).toBeTruthy()
    expect(trust.getByText('CN=ACME Lab Root CA, O=ACME Lab')).toBeTruthy()
    // Nothing is saved until the user decides.
    expect(fake.requests('saveRegistry')).toEqual([])

    await user.click(trust.getByRole('button', { name: 'Trust and continue' }))
    expect(await screen.findByText('Added mirror.lab.internal:5443')).toBeTruthy()
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://mirror.lab.internal:5443')
    expect(fake.requests('saveRegistry')[0]?.profile).toMatchObject({ url: 'https://mirror.lab.internal:5443', kind: 'distribution' })
    expect(fake.requests('trustCertificate')).toEqual([{ registryId: added?.id, fingerprint: labFingerprint }])
    expect(added?.pinnedFingerprint).toBe(labFingerprint)
  })

  it('trusts a pasted CA instead when the user chooses it, and goes back to the form on Back', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://mirror.lab.internal:5443')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    let trust = within(await screen.findByRole('dialog', { name: 'Trust this registry’s certificate?' }))

    await user.click(trust.getByRole('button', { name: 'Back' }))
    expect(await screen.findByRole('dialog', { name: 'Add registry' })).toBeTruthy()
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Connect' }))
    trust = within(await screen.findByRole('dialog', { name: 'Trust this registry’s certificate?' }))

    await user.click(trust.getByRole('radio', { name: /Trust a CA certificate/ }))
    const continueButton = trust.getByRole<HTMLButtonElement>('button', { name: 'Trust and continue' })
    expect(continueButton.disabled).toBe(true)
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    await user.click(trust.getByLabelText('CA certificate in PEM format'))
    await user.paste(pem)
    await user.click(continueButton)
    expect(await screen.findByText('Added mirror.lab.internal:5443')).toBeTruthy()
    expect(fake.requests('trustCertificate')).toEqual([{ registryId: expect.any(String) as string, caPem: pem }])
    expect(fake.requests('probeRegistry')).toHaveLength(2)
  })
})

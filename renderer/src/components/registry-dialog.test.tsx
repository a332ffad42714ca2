// @vitest-environment happy-dom
// Adding a registry as a user does it, against the harness's fake Api (test/ui-harness/
// fake-registry-setup.ts): the probe comes first and gets the address as typed (main tries https
// first), every untrusted certificate — the registry's and its token server's — is shown before
// anything is saved, GitLab is named with the token it needs, and `connectRegistry` gets the trust
// chosen and the secret once; refused credentials and a failing keychain leave nothing behind.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { realmCertificate, untrustedCertificate } from '../../../test/ui-harness/fake-registry-setup'
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

const labFingerprint = untrustedCertificate.fingerprint256
const registryCount = () => useRegistries.getState().registries.length

describe('adding a registry', () => {
  it('probes, then connects with the secret once, then shows the new registry', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.type(dialog.getByLabelText('Username'), 'jdoe')
    await user.type(dialog.getByLabelText('Password or token'), 's3cret')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    expect(await screen.findByText('Added registry.example.com')).toBeTruthy()
    expect(closed).toBe(1)
    expect(fake.requests('probeRegistry')).toEqual([{ url: 'https://registry.example.com', insecure: false, registryId: undefined }])
    const [connected] = fake.requests('connectRegistry')
    expect(connected?.profile).toMatchObject({ name: 'registry.example.com', url: 'https://registry.example.com', username: 'jdoe' })
    // The secret travels once, beside the profile, never inside it.
    expect(connected?.credential).toEqual({ username: 'jdoe', secret: 's3cret' })
    expect(JSON.stringify(connected?.profile)).not.toContain('s3cret')
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://registry.example.com')
    expect(added?.hasCredential).toBe(true)
    expect(useView.getState().registryId).toBe(added?.id)
    // Nothing is saved piecemeal any more: one checked connect.
    expect(fake.requests('saveRegistry')).toEqual([])
    expect(fake.requests('login')).toEqual([])
  })

  it('says a bare loopback address is tried over https first, then plain http, and connects where it answered', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'localhost:41029')
    expect(dialog.getByText(/Tries/).textContent).toBe(
      'Tries https://localhost:41029 first, then http://localhost:41029 if it answers in plain HTTP.',
    )
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await screen.findByText('Added localhost:41029')).toBeTruthy()
    // main gets the address as typed, and the URL the probe answered on is what is saved.
    expect(fake.requests('probeRegistry')[0]?.url).toBe('localhost:41029')
    expect(fake.requests('connectRegistry')[0]?.profile.url).toBe('https://localhost:41029')
  })

  it('offers plain http for another host only once the user allows it', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'registry.lan:5000')
    expect(dialog.getByText(/Tries/).textContent).toBe('Tries https://registry.lan:5000 first.')
    await user.click(dialog.getByRole('checkbox', { name: /Allow plain HTTP/ }))
    expect(dialog.getByText(/Tries/).textContent).toBe(
      'Tries https://registry.lan:5000 first, then http://registry.lan:5000 if it answers in plain HTTP.',
    )
  })

  it('shows why the registry cannot be reached and saves nothing', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://unreachable.example')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText('Connection refused by unreachable.example.')).toBeTruthy()
    expect(dialog.getByText('Check the host and port, and that the registry is running.')).toBeTruthy()
    expect(fake.requests('connectRegistry')).toEqual([])
    expect(closed).toBe(0)
  })

  it('keeps a wrong password in the dialog with the registry’s refusal, forgets the secret it sent and adds nothing', async () => {
    const user = userEvent.setup()
    const before = registryCount()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.type(dialog.getByLabelText('Username'), 'jdoe')
    await user.type(dialog.getByLabelText('Password or token'), 'wrong')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText(/registry\.example\.com refused these credentials/)).toBeTruthy()
    expect(dialog.getByText('Sign-in needed')).toBeTruthy()
    expect(dialog.getByText(/Nothing was saved\./)).toBeTruthy()
    expect(closed).toBe(0)
    expect(dialog.getByLabelText<HTMLInputElement>('Password or token').value).toBe('')
    expect(dialog.getByLabelText<HTMLInputElement>('Username').value).toBe('jdoe')
    expect(registryCount()).toBe(before)
  })

  it('adds nothing when the keychain refuses the secret', async () => {
    const user = userEvent.setup()
    const before = registryCount()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://registry.example.com')
    await user.type(dialog.getByLabelText('Username'), 'keychain-locked')
    await user.type(dialog.getByLabelText('Password or token'), 's3cret')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText('Keychain unavailable')).toBeTruthy()
    expect(registryCount()).toBe(before)
    expect(closed).toBe(0)
  })
})

describe('trusting certificates', () => {
  it('shows the certificate before saving, then connects with the fingerprint the user saw pinned', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'https://mirror.lab.internal:5443')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    const trust = within(await screen.findByRole('dialog', { name: 'Trust this registry’s certificate?' }))
    expect(trust.getByText('mirror.lab.internal:5443 presented a certificate your system does not trust.')).toBeTruthy()
    expect(trust.getByText(labFingerprint)).toBeTruthy()
    expect(trust.getByText('CN=ACME Lab Root CA, O=ACME Lab')).toBeTruthy()
    // Nothing is saved until the user decides.
    expect(fake.requests('connectRegistry')).toEqual([])

    await user.click(trust.getByRole('button', { name: 'Trust and continue' }))
    expect(await screen.findByText('Added mirror.lab.internal:5443')).toBeTruthy()
    const pins = [{ host: 'mirror.lab.internal:5443', fingerprint: labFingerprint }]
    // The choice is checked by a second probe before the connect saves it.
    expect(fake.requests('probeRegistry')[1]?.trust).toEqual({ pins })
    expect(fake.requests('connectRegistry')[0]?.trust).toEqual({ pins })
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://mirror.lab.internal:5443')
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
    expect(fake.requests('connectRegistry')[0]?.trust).toEqual({ pins: [], caPem: pem })
    expect(fake.requests('probeRegistry')).toHaveLength(3)
  })

  it('shows the token server’s certificate on another host beside the registry’s, and pins both', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'split.lab.internal:5443')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    const trust = within(await screen.findByRole('dialog', { name: 'Trust these certificates?' }))
    expect(
      trust.getByText(
        'split.lab.internal:5443 and its token server auth.lab.internal:8443 presented certificates your system does not trust.',
      ),
    ).toBeTruthy()
    const realmCard = within(trust.getByRole('region', { name: 'Certificate of token server auth.lab.internal:8443' }))
    expect(realmCard.getByText(realmCertificate.fingerprint256)).toBeTruthy()
    expect(realmCard.getByText('self-signed')).toBeTruthy()
    expect(realmCard.getByText('self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)')).toBeTruthy()
    expect(trust.getByRole('region', { name: 'Certificate of registry split.lab.internal:5443' })).toBeTruthy()
    expect(trust.getByText(/it must have issued every certificate above/)).toBeTruthy()

    await user.click(trust.getByRole('button', { name: 'Trust and continue' }))
    expect(await screen.findByText('Added split.lab.internal:5443')).toBeTruthy()
    expect(fake.requests('connectRegistry')[0]?.trust).toEqual({
      pins: [
        { host: 'split.lab.internal:5443', fingerprint: untrustedCertificate.fingerprint256 },
        { host: 'auth.lab.internal:8443', fingerprint: realmCertificate.fingerprint256 },
      ],
    })
    const added = useRegistries.getState().registries.find((r) => r.url === 'https://split.lab.internal:5443')
    expect(added?.hostPins).toEqual([{ host: 'auth.lab.internal:8443', fingerprint: realmCertificate.fingerprint256 }])
  })
})

describe('a GitLab registry', () => {
  it('says it is GitLab’s, names the token and scopes it needs, and checks the token before saving', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'registry.gitlab.example.com')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))

    const notice = within(await dialog.findByRole('status'))
    expect(notice.getByText('This registry belongs to the GitLab instance at https://gitlab.example.com.')).toBeTruthy()
    expect(notice.getByText('personal access token')).toBeTruthy()
    expect(notice.getByText('deploy token')).toBeTruthy()
    for (const scope of ['read_registry', 'write_registry', 'api', 'read_api']) expect(notice.getAllByText(scope).length).toBeGreaterThan(0)
    expect(fake.requests('connectRegistry')).toEqual([])

    await user.type(dialog.getByLabelText('Username'), 'ada')
    await user.type(dialog.getByLabelText('Password or token'), 'glpat-example')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    // Saved; what the token may not do stays on screen until the user has read it.
    const saved = within(await screen.findByRole('dialog', { name: 'Added registry.gitlab.example.com' }))
    expect(
      saved.getByText(
        'Personal access token (read_api, read_registry; expires 2027-01-31): can browse, list your repositories. ' +
          'It needs write_registry or api to delete.',
      ),
    ).toBeTruthy()
    expect(fake.requests('connectRegistry')[0]).toMatchObject({
      profile: { kind: 'gitlab' },
      credential: { username: 'ada', secret: 'glpat-example' },
    })
    expect(useRegistries.getState().registries.some((r) => r.url === 'https://registry.gitlab.example.com')).toBe(true)
    expect(closed).toBe(0)
    await user.click(saved.getByRole('button', { name: 'Done' }))
    expect(closed).toBe(1)
  })

  it('goes on without a token when the user connects again', async () => {
    const user = userEvent.setup()
    const dialog = openAddDialog()
    await user.type(dialog.getByLabelText('Registry URL'), 'registry.gitlab.example.com')
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await dialog.findByText(/Public projects can be browsed without a token/)).toBeTruthy()
    await user.click(dialog.getByRole('button', { name: 'Connect' }))
    expect(await screen.findByText('Added registry.gitlab.example.com')).toBeTruthy()
    expect(fake.requests('connectRegistry')[0]?.credential).toBeUndefined()
  })
})

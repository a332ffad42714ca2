// @vitest-environment happy-dom
// "Use in CI / Kubernetes…" as a user drives it, against the harness's fake Api: the variables form
// is previewed and copied by the page; a real secret is only ever asked of main (copyCiAuth), a
// pasted token is handed over once and referred to by id; web mode offers variables and names the CLI.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useRegistries } from '../stores/registries'
import { useToasts } from '../stores/toasts'
import { CiAuthDialog } from './ci-auth-dialog'
import { Toasts } from './toasts'

const host = 'registry.acme.internal'
const digest = `sha256:${'c'.repeat(64)}`
let fake: RecordingApi
let closed = 0

async function install(override: Parameters<typeof recordingFakeApi>[1] = {}) {
  fake = recordingFakeApi({}, override)
  installApi(fake.api)
  await useRegistries.getState().load()
}

beforeEach(async () => {
  closed = 0
  useToasts.setState({ toasts: [] })
  await install()
})

afterEach(() => cleanup())

function openDialog(image?: { repository: string; digest: string; tag?: string }) {
  const view = render(
    <>
      <CiAuthDialog registryId="acme" image={image} onClose={() => closed++} />
      <Toasts />
    </>,
  )
  return { dialog: within(screen.getByRole('dialog')), unmount: view.unmount }
}

const preview = (_dialog: unknown): string => screen.getByLabelText(/preview$/).textContent ?? ''

describe('the CI / Kubernetes dialog', () => {
  it('previews the kubectl line with variables, follows the namespace, and refuses a bad one', async () => {
    const user = userEvent.setup()
    const { dialog } = openDialog()
    expect(dialog.getByRole('heading', { name: 'Use ACME registry in CI / Kubernetes' })).toBeTruthy()
    expect(preview(dialog)).toBe(
      `kubectl create secret docker-registry registry-acme-internal-pull --docker-server=${host} ` +
        '--docker-username="$CI_DEPLOY_USER" --docker-password="$CI_DEPLOY_PASSWORD" --dry-run=client -o yaml | kubectl apply -f -',
    )
    await user.type(dialog.getByLabelText('Namespace'), 'team-a')
    expect(preview(dialog)).toContain('--namespace=team-a')
    await user.type(dialog.getByLabelText('Namespace'), '_X')
    expect(dialog.getByRole('alert').textContent).toContain('"team-a_X" is not a valid namespace')
    expect(dialog.getByRole<HTMLButtonElement>('button', { name: 'Copy' }).disabled).toBe(true)
  })

  it('copies the variables form itself, without asking main for a secret', async () => {
    const user = userEvent.setup()
    const { dialog } = openDialog()
    await user.click(dialog.getByRole('radio', { name: 'DOCKER_AUTH_CONFIG' }))
    await dialog.findByRole('radio', { name: /^Variables/ })
    await user.click(dialog.getByRole('button', { name: 'Copy' }))
    expect(await navigator.clipboard.readText()).toContain(`printf '{"auths":{"%s":{"auth":"%s"}}}\\n' ${host}`)
    expect(await screen.findByText('Copied DOCKER_AUTH_CONFIG')).toBeTruthy()
    expect(fake.requests('copyCiAuth')).toHaveLength(0)
  })

  it('with the registry’s login, main assembles and copies the real text; the page never holds it', async () => {
    const user = userEvent.setup()
    await navigator.clipboard.writeText('before')
    const { dialog } = openDialog()
    await user.click(await dialog.findByRole('radio', { name: /This registry’s login/ }))
    await user.type(dialog.getByLabelText('Namespace'), 'team-a')
    await user.click(dialog.getByRole('button', { name: 'Copy with the real secret' }))
    expect(await screen.findByText('Copied kubectl create secret with the real secret')).toBeTruthy()
    expect(fake.requests('copyCiAuth')).toEqual([
      { registryId: 'acme', format: 'kubectl', name: 'registry-acme-internal-pull', namespace: 'team-a', credential: { kind: 'login' } },
    ])
    // The page did not write the clipboard: main did.
    expect(await navigator.clipboard.readText()).toBe('before')
    // Formats without a secret are copied by the page as they are.
    await user.click(dialog.getByRole('radio', { name: '.gitlab-ci.yml' }))
    expect(dialog.getByRole('button', { name: 'Copy' })).toBeTruthy()
  })

  it('hands a pasted deploy token to main once, empties the field, uses it by id and forgets it on close', async () => {
    const user = userEvent.setup()
    const { dialog, unmount } = openDialog()
    await user.click(await dialog.findByRole('button', { name: /Paste a deploy token/ }))
    await user.type(dialog.getByLabelText('Username'), 'gitlab+deploy-token-9')
    await user.type(dialog.getByLabelText('Token or password'), 'gldt-pasted')
    await user.click(dialog.getByRole('button', { name: 'Use this credential' }))
    const pasted = await dialog.findByRole('radio', { name: /Pasted credential gitlab\+deploy-token-9/ })
    expect((pasted as HTMLInputElement).checked).toBe(true)
    expect(fake.requests('holdCiCredential')).toEqual([
      { registryId: 'acme', username: 'gitlab+deploy-token-9', secret: 'gldt-pasted', save: false },
    ])
    expect(dialog.queryByLabelText('Token or password')).toBeNull()
    await user.click(dialog.getByRole('button', { name: 'Copy with the real secret' }))
    const [copied] = fake.requests('copyCiAuth')
    expect(copied?.credential).toEqual({ kind: 'held', credentialId: expect.stringMatching(/^cred-/) as string })
    // Picking another credential keeps it held for this dialog; closing the dialog forgets it.
    await user.click(dialog.getByRole('radio', { name: /^Variables/ }))
    expect(dialog.getByRole('radio', { name: /Pasted credential/ })).toBeTruthy()
    expect(fake.requests('forgetCiCredential')).toHaveLength(0)
    unmount()
    expect(fake.requests('forgetCiCredential')).toEqual([
      { credentialId: copied?.credential.kind === 'held' ? copied.credential.credentialId : '' },
    ])
  })

  it('from a tag: the imagePullSecrets Deployment pulls that image by its digest', () => {
    const { dialog } = openDialog({ repository: 'platform/api', digest, tag: 'v1.2.0' })
    expect(dialog.getByRole('heading', { name: 'Use platform/api:v1.2.0 in CI / Kubernetes' })).toBeTruthy()
    expect(dialog.getByRole('radio', { name: 'imagePullSecrets (Deployment)' }).getAttribute('aria-checked')).toBe('true')
    expect(preview(dialog)).toContain(`image: "${host}/platform/api@${digest}"`)
    expect(preview(dialog)).toContain('- name: registry-acme-internal-pull')
  })

  it('in web mode offers only variables and names the CLI for the real values', async () => {
    // What main answers when it has no clipboard (web mode).
    await install({
      ciAuthInfo: ({ registryId }) =>
        Promise.resolve({
          registryId,
          target: { host, dockerHub: false },
          realValues: {
            available: false,
            reason: 'Web mode never sends a real secret to a browser.',
            cli: `berth ci-auth ${host} --format kubectl`,
          },
          login: { username: 'jdoe' },
          saved: null,
          deployTokens: true,
        }),
    })
    const { dialog } = openDialog()
    expect(await dialog.findByText(`berth ci-auth ${host} --format kubectl`)).toBeTruthy()
    expect(dialog.queryByRole('radio', { name: /This registry’s login/ })).toBeNull()
    expect(dialog.queryByRole('button', { name: /Paste a deploy token/ })).toBeNull()
    expect(dialog.queryByRole('button', { name: 'Copy with the real secret' })).toBeNull()
    expect(dialog.getByRole('button', { name: 'Copy' })).toBeTruthy()
    const [close] = dialog.getAllByRole('button', { name: 'Close' })
    if (close) await userEvent.setup().click(close)
    expect(closed).toBe(1)
  })
})

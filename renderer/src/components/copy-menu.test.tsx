// @vitest-environment happy-dom
// The details panel's Copy menu as a user drives it, against the harness's fake Api: the commands of
// the tool that fits what the tag holds (docker for an image, helm for a chart), none of them before
// the registry said what it holds, the by-digest ones only once the registry confirmed the digest,
// each copy confirmed (or its failure explained) by a toast.
import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeApi } from '../../../test/ui-harness/fake-api'
import { bigRepository } from '../../../test/ui-harness/fake-data'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { installApi } from '../api/call'
import { useRegistries } from '../stores/registries'
import { useToasts } from '../stores/toasts'
import { useDialogs } from '../stores/dialogs'
import { DetailsPanel } from './details-panel'
import { Toasts } from './toasts'

const host = 'registry.acme.internal'
const tag = '1.0.0'
let fake: RecordingApi
let answerInspect: () => void

beforeEach(async () => {
  const base = createFakeApi({ latencyMs: 1 })
  const inspected = new Promise<void>((resolve) => (answerInspect = resolve))
  // The registry's answer waits until the test lets it through: the menu is opened before and after.
  fake = recordingFakeApi({}, { inspect: (req) => inspected.then(() => base.inspect(req)) })
  installApi(fake.api)
  useToasts.setState({ toasts: [] })
  await useRegistries.getState().load()
})

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

function showDetails(shown = tag) {
  render(
    <>
      <DetailsPanel registryId="acme" repository={bigRepository} tag={shown} />
      <Toasts />
    </>,
  )
}

async function openCopyMenu(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Copy' }))
  return within(await screen.findByRole('menu'))
}

describe('the copy menu', () => {
  it('offers the image’s pull commands once the registry said what the tag holds, with the by-digest ones', async () => {
    const user = userEvent.setup()
    showDetails()
    let menu = await openCopyMenu(user)
    // Not known yet whether docker can pull it: only the plain reference.
    expect(menu.getByText(`${host}/${bigRepository}:${tag}`)).toBeTruthy()
    expect(menu.queryByText(/docker pull/)).toBeNull()
    expect(menu.getByText(/Pull commands appear once the registry has said what this tag holds/)).toBeTruthy()
    await user.keyboard('{Escape}')

    answerInspect()
    const [request] = fake.requests('inspect')
    expect(request).toEqual({ registryId: 'acme', repository: bigRepository, reference: tag })
    await screen.findByText('Manifest JSON')
    menu = await openCopyMenu(user)
    expect(menu.getByText(`docker pull ${host}/${bigRepository}:${tag}`)).toBeTruthy()
    const byDigest = menu.getByRole('menuitem', { name: /Docker \(by digest\)/ })
    expect(byDigest.textContent).toMatch(new RegExp(`docker pull ${host}/${bigRepository}@sha256:[0-9a-f]{64}`))
  })

  it('offers a Helm chart helm commands, by digest where its tag is no version, and never docker, FROM or a pull secret', async () => {
    const user = userEvent.setup()
    answerInspect()
    showDetails('chart-4.2.0')
    await screen.findByText('Manifest JSON')
    const menu = await openCopyMenu(user)
    expect(menu.getByText('Helm chart platform 4.2.0 (app 4.2.0)')).toBeTruthy()
    const items = menu.getAllByRole('menuitem').map((item) => item.textContent ?? '')
    expect(items.some((text) => /helm pull oci:\/\/registry\.acme\.internal\/platform\/api\/server@sha256:[0-9a-f]{64}$/.test(text))).toBe(
      true,
    )
    expect(items.some((text) => /^Helm install \(by digest\)helm install platform oci:\/\//.test(text))).toBe(true)
    expect(items.join('\n')).not.toMatch(/docker|podman|nerdctl|FROM|kubectl|Use in CI/)
    expect(menu.getByText(/Helm pulls a chart by version, and this tag is not one/)).toBeTruthy()
    await user.click(menu.getByRole('menuitem', { name: /^Helm pull \(by digest\)/ }))
    expect(await navigator.clipboard.readText()).toMatch(/^helm pull oci:\/\/registry\.acme\.internal\/platform\/api\/server@sha256:/)
  })

  it('copies the chosen command and confirms it with a toast', async () => {
    const user = userEvent.setup()
    answerInspect()
    showDetails()
    await screen.findByText('Manifest JSON')
    const menu = await openCopyMenu(user)
    await user.click(menu.getByRole('menuitem', { name: /^Podman/ }))
    const command = `podman pull ${host}/${bigRepository}:${tag}`
    expect(await navigator.clipboard.readText()).toBe(command)
    const toast = within(await screen.findByRole('status'))
    expect(toast.getByText('Copied Podman')).toBeTruthy()
    expect(toast.getByText(command)).toBeTruthy()
  })

  it('opens "Use in CI / Kubernetes…" for this image only once the registry confirmed its digest', async () => {
    const user = userEvent.setup()
    showDetails()
    let menu = await openCopyMenu(user)
    expect(menu.getByRole('menuitem', { name: 'Use in CI / Kubernetes…' }).getAttribute('aria-disabled')).toBe('true')
    await user.keyboard('{Escape}')
    answerInspect()
    await screen.findByText('Manifest JSON')
    menu = await openCopyMenu(user)
    await user.click(menu.getByRole('menuitem', { name: 'Use in CI / Kubernetes…' }))
    const dialog = useDialogs.getState().dialog
    expect(dialog).toEqual({
      kind: 'ci-auth',
      registryId: 'acme',
      image: { repository: bigRepository, tag, digest: expect.stringMatching(/^sha256:/) as string },
    })
    useDialogs.getState().close()
  })

  it('says so when the clipboard refuses the copy', async () => {
    const user = userEvent.setup()
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('Write permission denied.'))
    answerInspect()
    showDetails()
    await screen.findByText('Manifest JSON')
    const menu = await openCopyMenu(user)
    await user.click(menu.getByRole('menuitem', { name: /^Docker ?docker pull/ }))
    expect(await screen.findByText('Could not copy to the clipboard')).toBeTruthy()
    expect(screen.getByText('Write permission denied.')).toBeTruthy()
  })
})

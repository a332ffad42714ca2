// Adding registries as a new user does, in Chromium against the web mode on the real lab (and the
// GitLab recording, written from GitLab's API docs): a bare loopback address of a TLS registry is
// tried over https first; a wrong password stays in the dialog and nothing is saved; a registry
// whose token server lives on another host name and port shows both certificates, also when the
// user comes back through "Review certificate…"; a GitLab registry is named as such, with the
// token and scopes it needs. Screenshots of each dialog state go to test-results/screens/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'
import { getLab } from '../lab/lab-client'
import { launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let web: BerthWeb
let browser: Browser
let page: Page
let gitlab: GitlabRecordingServer
const pageErrors: string[] = []

beforeAll(async () => {
  gitlab = await startGitlabRecording()
  web = await startBerthWeb()
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(web.server.url)
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await gitlab?.close()
})

async function openAddDialog(): Promise<void> {
  await page.getByRole('button', { name: 'Add a registry' }).click()
  await page.getByRole('menuitem', { name: /Add registry/ }).click()
  await page.getByLabel('Registry URL').waitFor()
}

async function registryAt(url: string) {
  return (await web.core.api.listRegistries({})).find((r) => r.url === url)
}

const dialog = () => page.getByRole('dialog')

describe('adding a registry in the app', () => {
  it('tries a bare loopback address over https first, shows the certificate, and saves the https URL', async () => {
    const { tls, users } = getLab()
    const address = `localhost:${new URL(tls.url).port}`
    await openAddDialog()
    await page.getByLabel('Registry URL').fill(address)
    await page.getByLabel('Name', { exact: true }).fill('Lab TLS')
    await page.getByLabel('Username').fill(users.writer.username)
    await page.getByLabel('Password or token').fill(users.writer.password)
    expect(await dialog().locator('.address-plan').innerText()).toBe(
      `Tries https://${address} first, then http://${address} if it answers in plain HTTP.`,
    )
    await screenshot(page, 'registry-add-https-first.png')
    await page.getByRole('button', { name: 'Connect' }).click()

    // Registry and token server present the same lab certificate: one card names both hosts.
    await page.waitForSelector('.cert-card')
    expect(await page.locator('.cert-card').count()).toBe(1)
    expect((await page.locator('.cert-card .fingerprint').innerText()).trim()).toBe(tls.fingerprint256)
    expect(await page.locator('.cert-hosts').innerText()).toContain(`Registry ${address} and token server`)
    await screenshot(page, 'registry-add-https-first-trust.png')
    await page.getByRole('button', { name: 'Trust and continue' }).click()

    await until('the https registry to be saved, signed in', async () => (await registryAt(`https://${address}`))?.hasCredential === true)
    await dialog().waitFor({ state: 'detached' })
  })

  it('keeps a wrong password in the dialog with the registry’s refusal, saves nothing, then takes the right one', async () => {
    const { basic, users } = getLab()
    const before = (await web.core.api.listRegistries({})).length
    await openAddDialog()
    await page.getByLabel('Registry URL').fill(basic.host)
    await page.getByLabel('Username').fill(users.reader.username)
    await page.getByLabel('Password or token').fill('not-the-password')
    await page.getByRole('button', { name: 'Connect' }).click()
    const refusal = dialog().getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.innerText()).toContain(`${basic.host} refused these credentials`)
    expect(await refusal.innerText()).toContain('Nothing was saved.')
    expect(await page.getByLabel('Password or token').inputValue()).toBe('')
    await screenshot(page, 'registry-add-wrong-password.png')
    expect((await web.core.api.listRegistries({})).length).toBe(before)

    await page.getByLabel('Password or token').fill(users.reader.password)
    await page.getByRole('button', { name: 'Connect' }).click()
    await until('the registry to be saved with the right password', async () => (await registryAt(basic.url))?.hasCredential === true)
    expect((await web.core.api.listRegistries({})).length).toBe(before + 1)
  })

  it('shows the certificates of the registry and of its token server on another host and port, and pins both', async () => {
    const lab = getLab()
    const { tlsRealm, users } = lab
    await openAddDialog()
    await page.getByLabel('Registry URL').fill(tlsRealm.host)
    await page.getByLabel('Name', { exact: true }).fill('Split realm')
    await page.getByLabel('Username').fill(users.reader.username)
    await page.getByLabel('Password or token').fill(users.reader.password)
    await page.getByRole('button', { name: 'Connect' }).click()

    await until('both certificates', async () => (await page.locator('.cert-card').count()) === 2)
    expect(await page.getByRole('heading', { name: 'Trust these certificates?' }).count()).toBe(1)
    const registryCard = page.getByRole('region', { name: `Certificate of registry ${tlsRealm.host}` })
    const realmCard = page.getByRole('region', { name: `Certificate of token server ${tlsRealm.realmHost}` })
    expect((await registryCard.locator('.fingerprint').innerText()).trim()).toBe(tlsRealm.fingerprint256)
    expect((await realmCard.locator('.fingerprint').innerText()).trim()).toBe(tlsRealm.realmFingerprint256)
    await screenshot(page, 'registry-add-realm-trust.png')
    await page.getByRole('button', { name: 'Trust and continue' }).click()

    await until('the registry to be saved with both pins', async () => (await registryAt(tlsRealm.url))?.hasCredential === true)
    const saved = await registryAt(tlsRealm.url)
    expect(saved?.hostPins).toEqual([{ host: tlsRealm.realmHost, fingerprint: tlsRealm.realmFingerprint256 }])
    const tags = await web.core.api.listTags({ registryId: saved?.id ?? '', repository: 'acme/web' })
    expect(tags.tags.length).toBe(Object.keys(lab.truth.repositories['acme/web'] ?? {}).length)
  })

  it('gets a user stuck on the token server’s certificate out through Review certificate…', async () => {
    const { tlsRealm, users } = getLab()
    // Saved as a user could before: the registry's certificate pinned, the token server's not.
    // (The registry added fully trusted by the test above goes first: one profile per registry.)
    const earlier = await registryAt(tlsRealm.url)
    if (earlier) await web.core.api.removeRegistry({ registryId: earlier.id })
    const half = await web.core.api.saveRegistry({ profile: { name: 'Split (half trusted)', url: tlsRealm.url, kind: 'distribution' } })
    await web.core.api.trustCertificate({ registryId: half.id, fingerprint: tlsRealm.fingerprint256 })
    await web.core.api.login({ registryId: half.id, username: users.reader.username, secret: users.reader.password })

    await page.goto(`${web.server.url}#/r/${encodeURIComponent(half.id)}`)
    await page.reload()
    const review = page.getByRole('button', { name: 'Review certificate…' })
    await review.waitFor({ timeout: 30_000 })
    expect(await page.locator('.sidebar .error-view').innerText()).toContain(
      `The certificate of the token server ${tlsRealm.realmHost} is not trusted`,
    )
    await screenshot(page, 'registry-review-certificate-error.png')
    await review.click()
    await page.getByRole('button', { name: 'Save' }).click()

    await page.waitForSelector('.cert-card')
    expect(await page.locator('.cert-card').count()).toBe(1)
    expect(await page.locator('.trust-step .callout').innerText()).toContain(`token server ${tlsRealm.realmHost}`)
    await screenshot(page, 'registry-review-realm-trust.png')
    await page.getByRole('button', { name: 'Trust and continue' }).click()
    await dialog().waitFor({ state: 'detached' })
    await until('the error to be gone', async () => (await page.getByRole('button', { name: 'Review certificate…' }).count()) === 0)
    const fixed = await registryAt(tlsRealm.url)
    expect(fixed?.hostPins).toEqual([{ host: tlsRealm.realmHost, fingerprint: tlsRealm.realmFingerprint256 }])
    expect(fixed?.hasCredential).toBe(true)
  })

  it('names a GitLab registry, the token and scopes it needs, and checks the token with GitLab’s API', async () => {
    const address = new URL(gitlab.registryUrl).host
    await openAddDialog()
    await page.getByLabel('Registry URL').fill(address)
    await page.getByLabel('Name', { exact: true }).fill('GitLab')
    await page.getByRole('button', { name: 'Connect' }).click()

    const notice = dialog().locator('.gitlab-notice')
    await notice.waitFor()
    const text = await notice.innerText()
    expect(text).toContain(`This registry belongs to the GitLab instance at ${gitlab.gitlabUrl}.`)
    for (const words of ['personal access token', 'deploy token', 'read_registry', 'write_registry', 'api']) expect(text).toContain(words)
    expect(await registryAt(gitlab.registryUrl)).toBeUndefined()
    await screenshot(page, 'registry-add-gitlab-detected.png')

    await page.getByLabel('Username').fill('rex')
    await page.getByLabel('Password or token').fill('glpat-recorded-reporter')
    await page.getByRole('button', { name: 'Connect' }).click()
    // Saved; the dialog says what the reporter's token may not do before it goes.
    const saved = page.getByRole('dialog', { name: 'Added GitLab' })
    await saved.waitFor()
    expect(await saved.innerText()).toContain(
      'Personal access token (read_api, read_registry; expires 2027-01-31): can browse, list your repositories. ' +
        'It needs write_registry or api to delete.',
    )
    await screenshot(page, 'registry-add-gitlab-added.png')
    await saved.getByRole('button', { name: 'Done' }).click()
    await dialog().waitFor({ state: 'detached' })
    expect((await registryAt(gitlab.registryUrl))?.kind).toBe('gitlab')
    expect(
      gitlab.requests.some(
        (r) => r.path === '/api/v4/personal_access_tokens/self' && r.headers['private-token'] === 'glpat-recorded-reporter',
      ),
    ).toBe(true)
    expect(pageErrors).toEqual([])
  })
})

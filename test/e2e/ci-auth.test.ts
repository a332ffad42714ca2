// "Use in CI / Kubernetes…" end to end in web mode: Chromium over `berth web` against the lab's
// token + TLS registry, signed in. Web mode offers only the variables form and names the CLI for
// the real values; from a tag, the Deployment pulls the image by the digest the registry confirmed.
// No answer the page receives holds the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let page: Page
const pageErrors: string[] = []
const answers: string[] = []

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  const saved = await web.core.api.saveRegistry({
    profile: { name: 'Lab TLS', url: lab.tls.url, kind: 'distribution', favorites: ['acme/web'] },
  })
  await web.core.api.trustCertificate({ registryId: saved.id, caPem: lab.tls.caPem })
  await web.core.api.login({ registryId: saved.id, username: lab.users.reader.username, secret: lab.users.reader.password })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/'))
      void response
        .text()
        .then((body) => answers.push(body))
        .catch(() => undefined)
  })
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
}, 60_000)

describe('the CI / Kubernetes dialog in web mode', () => {
  it('from the registry menu: variables only, the CLI named for the real values', async () => {
    await page.goto(web.server.url)
    await page.getByRole('button', { name: 'Actions for Lab TLS' }).click()
    await page.getByRole('menuitem', { name: 'Use in CI / Kubernetes…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Use Lab TLS in CI / Kubernetes' }).waitFor()
    await dialog.getByText(`berth ci-auth ${lab.tls.host} --format kubectl`).waitFor()
    await dialog.getByLabel('Namespace').fill('team-a')
    const preview = dialog.getByLabel('kubectl create secret preview')
    await until('the namespace in the preview', async () => (await preview.innerText()).includes('--namespace=team-a'))
    expect(await preview.innerText()).toContain(
      `--docker-server=${lab.tls.host} --docker-username="$CI_DEPLOY_USER" --docker-password="$CI_DEPLOY_PASSWORD"`,
    )
    // No real-secret path here: no login to pick, nothing to paste, no real copy.
    expect(await dialog.getByRole('radio', { name: /This registry’s login/ }).count()).toBe(0)
    expect(await dialog.getByRole('button', { name: /Paste a deploy token/ }).count()).toBe(0)
    expect(await dialog.getByRole('button', { name: 'Copy with the real secret' }).count()).toBe(0)
    await dialog.getByText('Which credential should CI or a cluster use?').click()
    await screenshot(page, 'ci-auth-web-registry.png')
    await page.keyboard.press('Escape')
  })

  it('from a tag: the imagePullSecrets Deployment pulls the image by its confirmed digest', async () => {
    const digest = lab.truth.repositories['acme/web']?.latest?.digest ?? 'missing'
    await page.locator('.registry-button').first().click()
    await page.locator('.repo-button[title="acme/web"]').click()
    await page.locator('.row[data-tag="latest"]').click()
    await page.keyboard.press('Enter')
    await page.waitForSelector('.details .section-title')
    await page.locator('.details').getByRole('button', { name: 'Copy', exact: true }).click()
    await page.getByRole('menuitem', { name: 'Use in CI / Kubernetes…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Use acme/web:latest in CI / Kubernetes' }).waitFor()
    const preview = await dialog.getByLabel('imagePullSecrets (Deployment) preview').innerText()
    expect(preview).toContain(`image: "${lab.tls.host}/acme/web@${digest}"`)
    expect(preview).toContain('imagePullSecrets:')
    await screenshot(page, 'ci-auth-web-tag.png')
    await page.keyboard.press('Escape')
    expect(pageErrors).toEqual([])
    await until('the last answers to be read', () => answers.length > 3)
    expect(answers.join('\n')).not.toContain(lab.users.reader.password)
  })
})

// The activity view end to end: Chromium over web mode against the lab's TLS registry. A tag deleted
// in the app and a delete the registry session refused both show in the registry's "Activity…",
// with who, when and the result; the filters narrow them; `?` lists the keyboard shortcuts.
// Screenshots go to test-results/screens/ (light and dark) to be looked at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { getLab, reseed, type LabInfo } from '../lab/lab-client'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
let registryId = ''
const pageErrors: string[] = []

beforeAll(async () => {
  lab = getLab()
  await reseed('tls', 'acme/web')
  web = await startBerthWeb()
  const saved = await web.core.api.saveRegistry({
    profile: { name: 'Lab TLS', url: lab.tls.url, kind: 'distribution', favorites: ['acme/web'] },
  })
  registryId = saved.id
  await web.core.api.trustCertificate({ registryId, caPem: lab.tls.caPem })
  await web.core.api.login({ registryId, username: lab.users.writer.username, secret: lab.users.writer.password })
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await reseed('tls', 'acme/web')
}, 60_000)

describe('the activity view against the lab TLS registry', () => {
  it('shows a tag deleted in the app and a refused delete, with who and the result, and filters them', async () => {
    await page.goto(web.server.url)
    await page.locator('.registry-button').first().click()
    await page.locator('.repo-button[title="acme/web"]').click()
    await page.waitForSelector('.crumb-repo[title="acme/web"]')
    await detailsSettled(page)

    // Delete 0.1.0 as a user does: select the row, press Delete, confirm.
    await page.locator('.row[data-tag="0.1.0"]').click()
    await page.keyboard.press('Delete')
    await page.getByRole('button', { name: 'Delete 1 tag' }).click()
    await page.getByRole('heading', { name: '1 of 1 deleted' }).waitFor()
    await page.getByRole('dialog').getByText('Close', { exact: true }).click()

    // A delete whose confirmed digest no longer matches is refused, and recorded as such.
    const refused = await web.core.api.deleteTags({
      registryId,
      repository: 'acme/web',
      tags: ['0.9.0'],
      mode: 'tag',
      expectedDigests: { '0.9.0': `sha256:${'0'.repeat(64)}` },
    })
    expect(refused.results[0]?.ok).toBe(false)

    await page.getByRole('button', { name: 'Actions for Lab TLS' }).click()
    await page.getByRole('menuitem', { name: 'Activity…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Activity on Lab TLS' }).waitFor()
    const rows = dialog.locator('.audit-table tbody tr')
    await until('both entries', async () => (await rows.count()) === 2)
    // Newest first: the refusal, then the delete made in the app.
    const [refusal, deletion] = await rows.all()
    expect(await refusal!.locator('td').nth(2).innerText()).toBe('acme/web:0.9.0')
    expect(await refusal!.locator('td').nth(3).innerText()).toBe('Failed')
    expect(await refusal!.locator('td').nth(5).innerText()).toMatch(/conflict/)
    expect(await deletion!.locator('td').nth(1).innerText()).toMatch(/^Tag delete/)
    expect(await deletion!.locator('td').nth(2).innerText()).toBe('acme/web:0.1.0')
    expect(await deletion!.locator('td').nth(3).innerText()).toBe('Done')
    expect(await deletion!.locator('td').nth(4).innerText()).toContain(lab.users.writer.username)
    expect(await deletion!.locator('td').nth(0).innerText()).toMatch(/now|second|minute/)
    await screenshot(page, 'e2e-audit-view.png')

    await dialog.getByLabel('Result').selectOption('error')
    await until('only the refusal', async () => (await rows.count()) === 1)
    await dialog.getByLabel('Result').selectOption('all')
    await dialog.getByLabel('Filter activity').fill('0.1.0')
    await until('only the deletion', async () => (await rows.count()) === 1)
    await dialog.getByLabel('Filter activity').fill('')

    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'e2e-audit-view-dark.png')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.keyboard.press('Escape')
    await until('the dialog to close', async () => (await page.getByRole('dialog').count()) === 0)
    expect(pageErrors).toEqual([])
  })

  it('opens the keyboard shortcuts on ?, and not while typing in the filter', async () => {
    await page.locator('#tag-filter').click()
    await page.keyboard.type('?')
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(await page.locator('#tag-filter').inputValue()).toBe('?')
    await page.locator('#tag-filter').fill('')
    await page.locator('.row[data-tag]').first().click()
    await page.keyboard.press('?')
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor()
    await screenshot(page, 'e2e-shortcuts.png')
    await page.keyboard.press('Escape')
    expect(pageErrors).toEqual([])
  })
})

// Builds the UI harness, serves it on 127.0.0.1, drives Debian's Chromium through the main screens
// and saves PNGs to test-results/screens/harness-*.png. Run: npx tsx test/ui-harness/screenshot.ts
import type { Page } from 'playwright-core'
import { shot, watchErrors, withHarness } from './harness-session'

const repo = '#/r/acme/platform/api/server'

/** Waits until every visible row has its details (no skeleton cells left on screen). */
async function detailsSettled(page: Page): Promise<void> {
  await page.waitForSelector('.row[data-tag]')
  // Polled from here: the page's CSP forbids the eval a string waitForFunction would need.
  const deadline = Date.now() + 20_000
  while ((await page.locator('.row [aria-busy="true"]').count()) > 0) {
    if (Date.now() > deadline) throw new Error('details did not load within 20 s')
    await page.waitForTimeout(50)
  }
}

await withHarness(async (browser, base, errors) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light', deviceScaleFactor: 1 })
  const page = await context.newPage()
  watchErrors(page, errors)

  await page.goto(`${base}?empty#/`)
  await page.waitForSelector('.welcome')
  await shot(page, 'empty')

  await page.goto(`${base}?latency=60${repo}`)
  await detailsSettled(page)
  await shot(page, 'tags')

  await page.goto(`${base}?latency=60${repo}?tag=6.0.0&sort=date&dir=desc`)
  await page.waitForSelector('.details .section-title')
  await detailsSettled(page)
  await shot(page, 'details-index')

  // Multi-select three rows, then the Delete key; switch to digest mode to show what goes with them.
  await page.goto(`${base}?latency=60${repo}?q=%5E6%5C.0%5C.0&mode=regex`)
  await detailsSettled(page)
  const rows = page.locator('.row[data-tag]')
  await rows.nth(0).click()
  await rows.nth(2).click({ modifiers: ['Shift'] })
  await page.keyboard.press('Delete')
  await page.waitForSelector('.delete-list')
  await page.getByRole('radio', { name: /whole image/ }).click()
  await page.waitForSelector('.also')
  await shot(page, 'delete')
  await page.getByRole('button', { name: /^Delete \d+ tags?$/ }).click()
  await page.waitForSelector('.delete-results')
  await shot(page, 'delete-results')
  await page.keyboard.press('Escape')

  await page.goto(`${base}#/r/acme/sandbox/hello-world`)
  await page.waitForSelector('.center-state')
  await shot(page, 'empty-repository')

  // Branch tags first: the failing manifest, the Helm chart artifact, reproducible builds.
  await page.goto(`${base}?latency=60${repo}?q=%5E%5Ba-z%5D&mode=regex&sort=name&dir=asc`)
  await detailsSettled(page)
  await page.locator('.row[data-tag="chart-4.2.0"]').click()
  await page.keyboard.press('Enter')
  await page.waitForSelector('.details .section-title')
  await shot(page, 'states')

  // The mirror has favorites, so the no-catalog explanation is its one-line form.
  await page.goto(`${base}#/r/mirror`)
  await page.waitForSelector('.notice, .sidebar-hint')
  await shot(page, 'no-catalog')

  await page.goto(`${base}?latency=60${repo}?q=(1.&mode=regex`)
  await page.waitForSelector('.filter-error')
  await shot(page, 'filter-error')

  await page.goto(`${base}#/r/lab`)
  await page.waitForSelector('.sidebar .error-view')
  await page.getByRole('button', { name: 'Add a registry' }).click()
  await page.getByRole('menuitem', { name: /Add registry/ }).click()
  await page.getByLabel('Registry URL').fill('registry.lab.internal:5000')
  await page.getByLabel('Name', { exact: true }).fill('Lab')
  await page.getByLabel('Username').fill('ci-reader')
  await shot(page, 'add-registry')
  await page.getByRole('button', { name: 'Connect' }).click()
  await page.waitForSelector('.cert-card')
  await shot(page, 'trust')

  await page.goto(`${base}?fresh#/`)
  await page.getByRole('button', { name: 'Add a registry' }).click()
  await page.getByRole('menuitem', { name: /Import docker logins/ }).click()
  await page.waitForSelector('.candidate-list')
  await shot(page, 'import-logins')

  const dark = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'dark' })
  const darkPage = await dark.newPage()
  await darkPage.goto(`${base}?latency=60${repo}?tag=6.0.0`)
  await darkPage.waitForSelector('.details .section-title')
  await detailsSettled(darkPage)
  await darkPage
    .locator('.row[data-tag]')
    .nth(3)
    .click({ modifiers: ['Control'] })
  await shot(darkPage, 'dark')
  await dark.close()
})

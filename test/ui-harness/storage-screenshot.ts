// The storage views in the UI harness (issue 21): a registry's repositories by size, a repository's
// tags with unique and shared bytes, and deleting an untagged image — light and dark. Saves
// test-results/screens/harness-storage*.png. Run: npx tsx test/ui-harness/storage-screenshot.ts
import type { Browser } from 'playwright-core'
import { shot, watchErrors, withHarness } from './harness-session'

async function shots(browser: Browser, base: string, errors: string[], scheme: 'light' | 'dark'): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 })
  const page = await context.newPage()
  watchErrors(page, errors)
  const suffix = scheme === 'dark' ? '-dark' : ''
  await page.goto(`${base}?latency=40#/r/acme/platform/gateway`)
  await page.waitForSelector('.row[data-tag]')

  await page
    .getByRole('button', { name: /^Actions for / })
    .first()
    .click()
  await page.getByRole('menuitem', { name: 'Storage…' }).click()
  await page.waitForSelector('.storage-measuring')
  await page.waitForTimeout(300)
  if (scheme === 'light') await shot(page, 'storage-measuring')
  await page.waitForSelector('.storage-bars', { timeout: 60_000 })
  await shot(page, `storage-registry${suffix}`)
  await page.locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

  await page.locator('.toolbar').getByRole('button', { name: 'Storage…' }).click()
  await page.waitForSelector('.storage-table', { timeout: 60_000 })
  await page
    .getByRole('button', { name: /^Delete .*…$/ })
    .first()
    .click()
  await page.waitForSelector('.storage-confirm')
  await shot(page, `storage-repository${suffix}`)
  await context.close()
}

await withHarness(async (browser, base, errors) => {
  await shots(browser, base, errors, 'light')
  await shots(browser, base, errors, 'dark')
})

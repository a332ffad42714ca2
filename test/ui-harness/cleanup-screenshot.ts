// The cleanup dialog in the UI harness: rules + live plan, the confirm step, the results. Saves
// test-results/screens/harness-cleanup*.png. Run: npx tsx test/ui-harness/cleanup-screenshot.ts
import type { Page } from 'playwright-core'
import { shot, watchErrors, withHarness } from './harness-session'

const repository = 'platform/api/server'

/** Polls (the page's CSP forbids string evaluation) until no details are loading any more. */
async function allDetailsLoaded(page: Page): Promise<void> {
  await page.waitForSelector('.row[data-tag]')
  const deadline = Date.now() + 60_000
  while ((await page.locator('.toolbar .progress').count()) > 0) {
    if (Date.now() > deadline) throw new Error('details did not load within 60 s')
    await page.waitForTimeout(100)
  }
}

await withHarness(async (browser, base, errors) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light', deviceScaleFactor: 1 })
  const page = await context.newPage()
  watchErrors(page, errors)
  await page.goto(`${base}?latency=5#/r/acme/${repository}`)
  await allDetailsLoaded(page)
  await page.getByRole('button', { name: /^Clean up/ }).click()
  await page.waitForSelector('.cleanup-table')
  await page.getByLabel('Remove tags matching').fill('^(sha-|\\d+\\.\\d+\\.\\d+-rc|stable$)')
  await page.getByLabel('Keep the most recent').fill('20')
  await page.getByLabel('Only if older than').fill('90d')
  await page.waitForSelector('.cleanup-summary:has-text("Remove ")')
  // Scroll the plan to where kept and removed tags mix (the newest are all kept by keep-n).
  await page.locator('.cleanup-body').hover()
  const deadline = Date.now() + 20_000
  while ((await page.locator('.cleanup-row[data-action="remove"]').count()) < 4) {
    if (Date.now() > deadline) throw new Error('no removal rows came into view')
    await page.mouse.wheel(0, 600)
    await page.waitForTimeout(50)
  }
  await shot(page, 'cleanup')

  await page.getByRole('button', { name: /^Review ([\d,]+ )?removals/ }).click()
  await page.waitForSelector('.cleanup-type')
  await page.getByLabel('Repository name to confirm').fill(repository)
  await shot(page, 'cleanup-confirm')

  await page.getByRole('button', { name: /^Remove [\d,]+ tags?$/ }).click()
  await page.waitForSelector('.cleanup-summary.cleanup-ok, .cleanup-summary.cleanup-failed', { timeout: 120_000 })
  await shot(page, 'cleanup-results')
})

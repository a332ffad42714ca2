// The copy and add-tag dialogs in the UI harness: the form, the plan, the progress, the result, a
// tag that points elsewhere, a refused blob, and the plan in the dark theme. Saves
// test-results/screens/harness-copy*.png. Run: npx tsx test/ui-harness/copy-screenshot.ts
import type { Browser, Page } from 'playwright-core'
import { shot, watchErrors, withHarness } from './harness-session'

const repository = 'platform/api/server'

async function openTag(page: Page, base: string, tag: string): Promise<void> {
  await page.goto(`${base}?latency=60#/r/acme/${repository}`)
  await page.waitForSelector('.row[data-tag]')
  await page.getByLabel('Filter tags').fill(tag)
  await page.locator(`.row[data-tag="${tag}"]`).click()
  // The actions wait for the registry to confirm the row (cached rows are shown first).
  await page.getByRole('button', { name: 'Copy to…' }).first().waitFor()
  const deadline = Date.now() + 20_000
  while (await page.locator('.toolbar').getByRole('button', { name: 'Copy to…' }).isDisabled()) {
    if (Date.now() > deadline) throw new Error(`${tag} was not confirmed within 20 s`)
    await page.waitForTimeout(100)
  }
}

async function copyTo(page: Page, registry: string, destination: string, tags?: string): Promise<void> {
  await page.locator('.toolbar').getByRole('button', { name: 'Copy to…' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Registry', { exact: true }).selectOption(registry)
  await dialog.getByLabel('Repository', { exact: true }).fill(destination)
  if (tags !== undefined) await dialog.getByLabel('Tags', { exact: true }).fill(tags)
}

async function shots(browser: Browser, base: string, errors: string[], scheme: 'light' | 'dark'): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 })
  const page = await context.newPage()
  watchErrors(page, errors)
  await openTag(page, base, '6.0.0')
  const suffix = scheme === 'dark' ? '-dark' : ''

  await copyTo(page, 'mirror', 'library/server')
  await page.getByLabel('Include signatures, SBOMs and attestations').check()
  if (scheme === 'light') {
    await page.getByLabel('Only some platforms').check()
    await page.getByLabel('linux/arm64/v8').uncheck()
    await shot(page, 'copy-form-platforms')
    await page.getByLabel('Every platform', { exact: false }).check()
  }
  await shot(page, `copy-form${suffix}`)
  await page.getByRole('button', { name: 'Review copy…' }).click()
  await page.waitForSelector('.copy-plan')
  await shot(page, `copy-plan${suffix}`)
  await page.getByRole('button', { name: 'Copy', exact: true }).click()
  await page.waitForSelector('.copy-progress')
  await page.waitForTimeout(700)
  await shot(page, `copy-progress${suffix}`)
  await page.waitForSelector('.copy-result', { timeout: 30_000 })
  await shot(page, `copy-result${suffix}`)
  await page.locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

  await copyTo(page, 'acme', 'web/storefront', 'latest stable')
  await page.getByRole('button', { name: 'Review copy…' }).click()
  await page.waitForSelector('.copy-overwrite')
  await page.locator('.copy-overwrite input[type="checkbox"]').check()
  await shot(page, `copy-overwrite${suffix}`)
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()
  if (scheme === 'dark') return context.close()

  await copyTo(page, 'mirror', 'team/readonly')
  await page.getByRole('button', { name: 'Review copy…' }).click()
  await page.getByRole('button', { name: 'Copy', exact: true }).click()
  await page.waitForSelector('.copy-result', { timeout: 30_000 })
  await shot(page, 'copy-failed')
  await page.locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

  await page.locator('.toolbar').getByRole('button', { name: 'Add tag…' }).click()
  await page.getByLabel('New tags').fill('production 6-stable')
  await shot(page, 'add-tag-form')
  await page.getByRole('button', { name: 'Review tags…' }).click()
  await page.waitForSelector('.copy-plan')
  await shot(page, 'add-tag-plan')
  await page.getByRole('button', { name: 'Add tags' }).click()
  await page.waitForSelector('.copy-result')
  await shot(page, 'add-tag-result')
  await page.locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

  // Details panel: the strip under its header.
  await page.getByLabel('Filter tags').fill('production')
  await page.locator('.row[data-tag="production"]').dblclick()
  await page.waitForSelector('.details .copy-actions')
  await page.waitForTimeout(400)
  await shot(page, 'copy-details-actions')
  await context.close()
}

await withHarness(async (browser, base, errors) => {
  await shots(browser, base, errors, 'light')
  await shots(browser, base, errors, 'dark')
})

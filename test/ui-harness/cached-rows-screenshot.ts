// Cached ("checking") rows and the 10,000-tag repository in the UI harness, to judge by eye: rows
// shown from cache before the registry answers, the boundary between checked and checking rows, a
// moved tag in the delete dialog, the whole table sorted by date, and the checking look in dark
// mode. Saves test-results/screens/harness-cached-*.png and harness-wide-*.png.
// Run: npx tsx test/ui-harness/cached-rows-screenshot.ts
import type { Browser, Page } from 'playwright-core'
import { shot, withHarness } from './harness-session'

const wide = '#/r/acme/ci/builds'
/** Slow enough that the cached state stays on screen: the cache answers in 0.75 s, the list in 3 s, each details call in ~4.5 s. */
const slow = 'latency=1500'

/** Polls (the page's CSP forbids string evaluation) until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The registry's list is in (the count badge shows) and every row on screen is still from cache. */
async function listedAndCached(page: Page): Promise<void> {
  await page.waitForSelector('.count-badge', { timeout: 30_000 })
  await page.waitForSelector('.row[data-checking="cache"]')
}

async function shots(browser: Browser, base: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light', deviceScaleFactor: 1 })
  const page = await context.newPage()

  // 10,000 tags, opened again: every row from cache, none checked yet.
  await page.goto(`${base}?${slow}${wide}`)
  await listedAndCached(page)
  await shot(page, 'cached-wide-checking')

  // The rows on screen and a margin are checked first; scrolled to where the checked rows end.
  const firstRound = 150
  await until('the first round of checks', async () => (await page.locator('.row[data-tag]:not([data-checking])').count()) >= 20)
  const rowHeight = (await page.locator('.row[data-tag]').first().boundingBox())?.height ?? 30
  await page.locator('.table-body').hover()
  await page.mouse.wheel(0, (firstRound - 12) * rowHeight)
  // aria-rowindex counts the header row and starts at 1.
  await page.waitForSelector(`.row[aria-rowindex="${firstRound + 2}"]`)
  await shot(page, 'cached-wide-boundary')

  // A tag that moved since the cache: the delete dialog names the registry's digest and says so.
  await page.goto(`${base}?${slow}#/r/acme/platform/api/server?q=%5Elatest%24&mode=regex`)
  await listedAndCached(page)
  await page.locator('.row[data-tag="latest"]').click()
  await page.keyboard.press('Delete')
  await page.waitForSelector('.delete-list .moved-note')
  await shot(page, 'cached-delete-moved')
  await page.keyboard.press('Escape')

  // The same 10,000 tags settled and sorted by date.
  await page.goto(`${base}?latency=10${wide}?sort=date&dir=desc`)
  await page.waitForSelector('.count-badge')
  await until(
    'all 10,000 rows checked',
    async () => (await page.locator('.toolbar .progress').count()) === 0 && (await page.locator('.row[data-checking]').count()) === 0,
  )
  await shot(page, 'wide-by-date')
  await context.close()

  const dark = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'dark', deviceScaleFactor: 1 })
  const darkPage = await dark.newPage()
  await darkPage.goto(`${base}?${slow}${wide}`)
  await listedAndCached(darkPage)
  await shot(darkPage, 'cached-wide-dark')
  await dark.close()
}

await withHarness(shots)

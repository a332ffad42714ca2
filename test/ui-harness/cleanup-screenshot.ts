// The cleanup dialog in the UI harness: rules + live plan, the confirm step, the results. Saves
// test-results/screens/harness-cleanup*.png. Run: npx tsx test/ui-harness/cleanup-screenshot.ts
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'
import { chromium, type Page } from 'playwright-core'

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url))
const outDir = fileURLToPath(new URL('../../test-results/screens/', import.meta.url))
const repository = 'platform/api/server'

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${outDir}harness-${name}.png` })
  console.log(`saved test-results/screens/harness-${name}.png`)
}

/** Polls (the page's CSP forbids string evaluation) until no details are loading any more. */
async function allDetailsLoaded(page: Page): Promise<void> {
  await page.waitForSelector('.row[data-tag]')
  const deadline = Date.now() + 60_000
  while ((await page.locator('.toolbar .progress').count()) > 0) {
    if (Date.now() > deadline) throw new Error('details did not load within 60 s')
    await page.waitForTimeout(100)
  }
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await build({ configFile, logLevel: 'warn' })
  const server = await preview({ configFile, preview: { host: '127.0.0.1', port: 0, strictPort: false } })
  const address = server.httpServer.address()
  if (address === null || typeof address === 'string') throw new Error('preview server has no port')
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  const errors: string[] = []
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light', deviceScaleFactor: 1 })
    const page = await context.newPage()
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    await page.goto(`http://127.0.0.1:${address.port}/?latency=5#/r/acme/${repository}`)
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
  } finally {
    await browser.close()
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()))
  }
  if (errors.length > 0) console.log(`browser reported:\n${[...new Set(errors)].join('\n')}`)
  // Console noise (CSP notes about Radix's scroll-lock style tag, a missing favicon) is reported
  // above; an uncaught exception in the page fails the run.
  if (errors.some((e) => e.startsWith('pageerror'))) process.exitCode = 1
}

await main()

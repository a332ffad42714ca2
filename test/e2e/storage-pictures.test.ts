// The storage view's pictures end to end (issue 21 §5): Chromium over web mode against an `open` lab
// registry of this file's own (other files push to the shared one while the figures are compared).
// The registry view and acme/web's repository view are opened as a user does; the numbers in the
// pictures' accessible labels are checked against `berth du --json` over the same registry; a click
// on a repository's bar opens that repository, a click on an image's bar selects its tag. Screenshots
// (light and dark) go to test-results/screens/ to be looked at.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatBytes } from '../../shared/format'
import type { RegistryUsage, RepositoryUsage } from '../../shared/usage'
import { startLab, type Lab } from '../lab/lab'
import { berthInProcess } from '../support/cli-run'
import { launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: Lab
let web: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
let cliData = ''
const pageErrors: string[] = []

async function du<T>(args: string[]): Promise<T> {
  const run = await berthInProcess(['du', ...args, '--json'], { env: { BERTH_DATA_DIR: cliData } })
  if (run.code !== 0) throw new Error(`berth du ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout) as T
}

const percent = (part: number, whole: number): string => `${whole <= 0 ? 0 : Math.round((part / whole) * 100)}%`

beforeAll(async () => {
  cliData = mkdtempSync(join(tmpdir(), 'berth-e2e-storage-cli-'))
  lab = await startLab({ only: ['open'] })
  web = await startBerthWeb()
  await web.core.api.saveRegistry({
    profile: { name: 'Lab storage', url: lab.open.url, kind: 'distribution', favorites: ['acme/web'] },
  })
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 120_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await lab?.stop()
  rmSync(cliData, { recursive: true, force: true })
}, 60_000)

describe('the storage pictures against the lab', () => {
  it("shows acme/web's sharing, sizes over time and biggest images with berth du's numbers, and selects a tag", async () => {
    const usage = await du<RepositoryUsage>([`${lab.open.host}/acme/web`, '--tags', '--dates'])
    expect(usage.tags.length).toBeGreaterThan(2)
    await page.goto(web.server.url)
    await page.locator('.registry-button').first().click()
    await page.locator('.repo-button[title="acme/web"]').click()
    await page.waitForSelector('.crumb-repo[title="acme/web"]')
    await page.getByRole('button', { name: 'Storage…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Storage of acme/web' }).waitFor()
    const shared = dialog.getByRole('img', { name: /is shared by two or more tags/ })
    await shared.waitFor({ timeout: 30_000 })

    // "How much is shared", from the CLI's per-tag figures.
    const unique = Math.min(
      usage.totalBytes,
      usage.tags.reduce((sum, tag) => sum + tag.uniqueBytes, 0),
    )
    const sharedBytes = usage.totalBytes - unique
    expect(await shared.getAttribute('aria-label')).toBe(
      `${formatBytes(sharedBytes)} of ${formatBytes(usage.totalBytes)} stored (${percent(sharedBytes, usage.totalBytes)}) ` +
        `is shared by two or more tags; ${formatBytes(unique)} (${percent(unique, usage.totalBytes)}) is used by one tag only.`,
    )
    // Size over time: as many images as the CLI dates (by build date: distribution gives no push
    // date), smallest to largest; the undated ones (a reproducible build's epoch 0) are counted apart.
    const images = new Map(usage.tags.map((tag) => [tag.digest, tag]))
    const dated = [...images.values()].filter((tag) => tag.date !== null)
    const undated = images.size - dated.length
    expect(dated.length).toBeGreaterThan(2)
    const sizes = dated.map((tag) => tag.bytes)
    const overTime = dialog.getByRole('img', { name: /^Size per image over time by build date/ })
    const label = (await overTime.getAttribute('aria-label')) ?? ''
    expect(label).toContain(`: ${dated.length} images from `)
    expect(label).toContain(`, ${formatBytes(Math.min(...sizes))} to ${formatBytes(Math.max(...sizes))}`)
    if (undated > 0) expect(label).toContain(`; ${undated} undated images not drawn`)
    // The biggest image's bar names its tag and the CLI's bytes.
    const biggest = [...usage.tags].sort((a, b) => b.bytes - a.bytes || a.tag.localeCompare(b.tag))[0]
    if (!biggest) throw new Error('no tag')
    const bars = dialog.getByRole('region', { name: 'Biggest images' }).getByRole('button')
    const firstBar = bars.first()
    expect(await firstBar.getAttribute('aria-label')).toContain(`: ${formatBytes(biggest.bytes)}, `)

    // Hover shows the tooltip; a click selects the tag in the table.
    const marks = dialog.locator('.storage-mark')
    await marks.first().hover()
    await expect.poll(async () => (await dialog.getByRole('tooltip').allInnerTexts()).join(' ')).toMatch(/built /)
    await screenshot(page, 'storage-repository.png')
    await firstBar.click()
    const selected = dialog.locator('.storage-table tr[aria-selected="true"]')
    await until('the tag selected in the table', async () => (await selected.count()) === 1)
    expect(await firstBar.getAttribute('aria-label')).toContain(await selected.locator('td').first().innerText())
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'storage-repository-dark.png')
    await page.emulateMedia({ colorScheme: 'light' })
    await dialog.getByRole('button', { name: 'Show in repository' }).click()
    await until('the dialog to close', async () => (await page.getByRole('dialog').count()) === 0)
    expect(pageErrors).toEqual([])
  }, 120_000)

  it("draws perf/many's 1,000 images as thinned marks, and every tag is reachable in the table", async () => {
    await page.locator('.repo-button[title="perf/many"]').click()
    await page.waitForSelector('.crumb-repo[title="perf/many"]')
    await page.getByRole('button', { name: 'Storage…' }).click()
    const dialog = page.getByRole('dialog')
    const overTime = dialog.getByRole('img', { name: /^Size per image over time/ })
    await overTime.waitFor({ timeout: 90_000 })
    expect(await overTime.getAttribute('aria-label')).toMatch(/: 1,000 images from /)
    const marks = await dialog.locator('.storage-mark').count()
    expect(marks).toBeGreaterThan(0)
    expect(marks).toBeLessThanOrEqual(1_000)
    // Virtualised: a screenful of rows in the page, and the last tag by size reachable by scrolling.
    const table = dialog.locator('.storage-table-wrap')
    expect(await table.locator('tbody tr:not(.storage-pad)').count()).toBeLessThan(100)
    await dialog.getByRole('button', { name: 'Unique', exact: true }).click()
    // Scrolled as a user does, with the wheel over the table, to its end.
    await table.hover()
    await until('the last row', async () => {
      await page.mouse.wheel(0, 20_000)
      return (await table.locator('tr[aria-rowindex="1001"]').count()) === 1
    })
    await screenshot(page, 'storage-many.png')
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click()
    await until('the dialog to close', async () => (await page.getByRole('dialog').count()) === 0)
    expect(pageErrors).toEqual([])
  }, 180_000)

  it("shows the registry's repositories with berth du's numbers, and a bar opens its repository", async () => {
    const usage = await du<RegistryUsage>([lab.open.host])
    await page.getByRole('button', { name: 'Actions for Lab storage' }).click()
    await page.getByRole('menuitem', { name: 'Storage…' }).click()
    const dialog = page.getByRole('dialog')
    const list = dialog.getByRole('list', { name: 'Repositories by size' })
    await list.waitFor({ timeout: 60_000 })
    const exclusive = usage.totalBytes - usage.sharedAcrossRepositoriesBytes
    const stack = dialog.getByRole('img', { name: /used by one repository only/ })
    expect(await stack.getAttribute('aria-label')).toBe(
      `${formatBytes(usage.totalBytes)} stored: ${formatBytes(exclusive)} (${percent(exclusive, usage.totalBytes)}) used by one ` +
        `repository only, ${formatBytes(usage.sharedAcrossRepositoriesBytes)} ` +
        `(${percent(usage.sharedAcrossRepositoriesBytes, usage.totalBytes)}) shared by two or more; ` +
        `the repositories add up to ${formatBytes(usage.sumOfRepositoryBytes)}.`,
    )
    const rows = list.getByRole('button')
    expect(await rows.count()).toBe(usage.repositories.length)
    for (const [i, row] of usage.repositories.entries()) {
      const text = await rows.nth(i).innerText()
      expect(text).toContain(row.repository)
      expect(text).toContain(`${formatBytes(row.totalBytes)} · ${formatBytes(row.exclusiveBytes)} exclusive`)
    }
    await screenshot(page, 'storage-registry.png')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'storage-registry-dark.png')
    await page.emulateMedia({ colorScheme: 'light' })

    const target = usage.repositories.findIndex((row) => row.repository === 'acme/multiarch')
    expect(target).toBeGreaterThanOrEqual(0)
    await rows.nth(target).click()
    await page.waitForSelector('.crumb-repo[title="acme/multiarch"]')
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(pageErrors).toEqual([])
  }, 180_000)
})

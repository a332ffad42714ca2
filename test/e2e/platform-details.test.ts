// An index's platforms in the app, in Chromium via web mode against the lab's open registry:
// acme/multiarch:1.0 (an OCI index of linux/amd64, linux/arm64/v8 and a buildx attestation). The
// details list the platforms; a platform row opens that image (header bar, layers, config, history,
// its own manifest) with the way back; the toolbar's platform filter narrows the table and lives
// in the location hash. Screenshots: test-results/screens/platform-index.png, platform-view.png and platform-view-dark.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
const pageErrors: string[] = []

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  await web.core.api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, kind: 'distribution', insecure: false } })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
})

async function openPage(colorScheme: 'light' | 'dark', hash: string, settle = true): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme })
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${web.server.url}${hash}`)
  await page.waitForSelector('.details[aria-label="Details of 1.0"]')
  if (settle) await detailsSettled(page)
  return page
}

function truthOf(architecture: string) {
  const platform = lab.truth.repositories['acme/multiarch']?.['1.0']?.platforms.find((p) => p.architecture === architecture)
  if (!platform) throw new Error(`acme/multiarch:1.0 has no ${architecture} in the lab truth`)
  return platform
}

async function openArm64(page: Page): Promise<void> {
  const details = page.locator('.details')
  await details.locator('.platform-table').waitFor()
  await details.getByRole('button', { name: 'linux/arm64/v8' }).click()
  await details.locator('.platform-bar').waitFor()
  await until('the arm64 image to load', async () => (await details.locator('.platform-row.current').count()) === 1)
}

describe('the platforms of an index', () => {
  it('lists the platforms, opens linux/arm64 with its layers, and goes back to the index', async () => {
    const page = await openPage('light', `#/${lab.open.host}/acme/multiarch?tag=1.0`)
    const details = page.locator('.details')
    await details.locator('.platform-table').waitFor()
    await expect(details.locator('.platform-row').count()).resolves.toBe(2)
    await expect(details.locator('.platform-attestations li').count()).resolves.toBe(1)
    await expect(details.locator('.platform-attestations').innerText()).resolves.toContain('build attestation for linux/amd64')
    // An index shows no layers of its own.
    await expect(details.locator('.layer-list').count()).resolves.toBe(0)
    await screenshot(page, 'platform-index.png')

    await openArm64(page)
    await expect(details.locator('.platform-bar').innerText()).resolves.toContain('Showing linux/arm64/v8 of this index')
    const arm = truthOf('arm64')
    await expect(details.getByText(arm.digest, { exact: true }).first().isVisible()).resolves.toBe(true)
    await expect(details.locator('.layer-list .layer').count()).resolves.toBe(3)
    await expect(details.locator('.section-title', { hasText: 'Configuration' }).count()).resolves.toBe(1)
    await expect(details.locator('summary', { hasText: 'History' }).count()).resolves.toBe(1)

    // The table's filter: only tags that offer linux/arm64/v8, kept in the hash.
    await page.locator('.platform-control select').selectOption('linux/arm64/v8')
    await until('the hash to carry the platform', () => new URL(page.url()).hash.includes('platform=linux%2Farm64%2Fv8'))
    await until('the filtered rows', async () => (await page.locator('.row[data-tag]').count()) === 2)
    await expect(page.locator('.row[data-tag="1.0"]').count()).resolves.toBe(1)
    await expect(page.locator('.row[data-tag="latest"]').count()).resolves.toBe(1)
    await screenshot(page, 'platform-view.png')

    await details.getByRole('button', { name: 'All platforms' }).click()
    await until('the index view', async () => (await details.locator('.platform-bar').count()) === 0)
    await details.getByRole('button', { name: 'linux/amd64' }).waitFor()
    await expect(details.locator('.layer-list').count()).resolves.toBe(0)
    await page.context().close()
  })

  it('filters a repository of single-platform images to nothing for another platform', async () => {
    // The rows go as their details come in: there may be none left to wait for.
    const page = await openPage('light', `#/${lab.open.host}/acme/web?tag=1.0&platform=linux%2Farm64`, false)
    await page.waitForSelector('.count-badge')
    await until('every acme/web row to be filtered out', async () => (await page.locator('.row[data-tag]').count()) === 0, 30_000)
    await expect(page.locator('.platform-control select').inputValue()).resolves.toBe('linux/arm64')
    await page.locator('.platform-control select').selectOption('')
    await until('the rows to come back', async () => (await page.locator('.row[data-tag]').count()) > 0)
    await page.context().close()
  })

  it('looks right in dark mode', async () => {
    const page = await openPage('dark', `#/${lab.open.host}/acme/multiarch?tag=1.0&platform=linux%2Farm64%2Fv8`)
    await openArm64(page)
    await expect(page.locator('.details .layer-list .layer').count()).resolves.toBe(3)
    await screenshot(page, 'platform-view-dark.png')
    await page.context().close()
    expect(pageErrors).toEqual([])
  })
})

// One user's flow through web mode in Chromium, against the lab's TLS + token-auth registry:
// add it, trust its self-signed certificate by fingerprint, sign in, browse, filter, inspect an
// index, copy a pull command, delete one tag safely, and come back to the same view after a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { formatBytes } from '../../shared/format'
import { skopeoTags } from '../lab/skopeo-witness'
import { getLab, reseed, type LabInfo } from '../lab/lab-client'
import { detailsSettled, type BrowserGlobals, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
const pageErrors: string[] = []

async function visibleTags(): Promise<string[]> {
  const rows = await page.locator('.row[data-tag]').all()
  return Promise.all(rows.map(async (row) => (await row.getAttribute('data-tag')) ?? ''))
}

/**
 * The writer may not read the catalog (only admin gets registry:catalog:*), so Berth offers
 * "Add repository by name": use it the first time, then the sidebar entry it leaves behind.
 */
async function openRepository(path: string): Promise<void> {
  const button = page.locator(`.repo-button[title="${path}"]`)
  if ((await button.count()) > 0) {
    await button.click()
  } else {
    await page
      .getByRole('button', { name: /^Add (repository )?by name/ })
      .first()
      .click()
    await page.getByLabel('Repository', { exact: true }).fill(path)
    await page.getByRole('button', { name: 'Add', exact: true }).click()
  }
  await page.waitForSelector(`.crumb-repo[title="${path}"]`)
  await detailsSettled(page)
}

beforeAll(async () => {
  lab = getLab()
  // This file deletes a tag of acme/web: start from the seeded state whatever ran before.
  await reseed('tls', 'acme/web')
  web = await startBerthWeb()
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(web.server.url).origin })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  // The lab is shared with the other files of this run: leave acme/web as it was seeded.
  await reseed('tls', 'acme/web')
})

describe('Berth web mode against the lab TLS registry', () => {
  it('adds the registry after showing its certificate fingerprint and signs in as the writer', async () => {
    await page.goto(web.server.url)
    await page.getByRole('button', { name: 'Add a registry' }).click()
    await page.getByRole('menuitem', { name: /Add registry/ }).click()
    await page.getByLabel('Registry URL').fill(lab.tls.url)
    await page.getByLabel('Name', { exact: true }).fill('Lab TLS')
    await page.getByLabel('Username').fill(lab.users.writer.username)
    await page.getByLabel('Password or token').fill(lab.users.writer.password)
    await screenshot(page, 'e2e-add-registry.png')
    await page.getByRole('button', { name: 'Connect' }).click()

    await page.waitForSelector('.cert-card')
    const shown = (await page.locator('.cert-card .fingerprint').innerText()).trim()
    const normalize = (f: string): string => f.replace(/[^0-9a-f]/gi, '').toLowerCase()
    expect(normalize(shown)).toBe(normalize(lab.tls.fingerprint256))
    await screenshot(page, 'e2e-trust.png')
    await page.getByRole('button', { name: 'Trust and continue' }).click()

    // Signed in: the sidebar shows the user; the writer has no catalog, which Berth says plainly.
    await page.waitForSelector(`.sidebar :text("${lab.users.writer.username}")`, { timeout: 30_000 })
    await page.getByText(/No catalog on this registry/).waitFor()
    const [registry] = await web.core.api.listRegistries({})
    expect(registry?.url).toContain(lab.tls.host)
  })

  it('lists acme/web, sorts it by date and filters it by text and by regex', async () => {
    await openRepository('acme/web')
    const truth = lab.truth.repositories['acme/web'] ?? {}
    expect((await visibleTags()).length).toBeGreaterThan(0)

    await page.locator('.sort-control select').selectOption('date')
    await until('the hash to carry sort=date', () => page.url().includes('sort=date'))
    const newest = Math.max(...Object.values(truth).map((t) => (t.created ? Date.parse(t.created) : 0)))
    const newestTags = Object.entries(truth)
      .filter(([, t]) => t.created !== null && Date.parse(t.created) === newest)
      .map(([tag]) => tag)
    await until('the newest image to come first', async () => newestTags.includes((await visibleTags())[0] ?? ''))

    const filter = page.locator('#tag-filter')
    await filter.fill('2.3')
    const textMatches = Object.keys(truth).filter((t) => t.includes('2.3'))
    await until('the text filter to apply', async () => (await visibleTags()).length === textMatches.length)
    expect((await visibleTags()).sort()).toEqual([...textMatches].sort())

    await page.getByRole('group', { name: 'Filter mode' }).getByRole('button', { name: 'Regular expression' }).click()
    await filter.fill('^1\\.0')
    const regexMatches = Object.keys(truth).filter((t) => /^1\.0/.test(t))
    await until('the regex filter to apply', async () => (await visibleTags()).sort().join() === [...regexMatches].sort().join())
    await detailsSettled(page)
    expect(page.url()).toContain('mode=regex')
    await screenshot(page, 'e2e-tags.png')
    await filter.fill('')
  })

  it('shows acme/multiarch:1.0 as an index of two platforms, an attestation note and the true sizes', async () => {
    const truth = lab.truth.repositories['acme/multiarch']?.['1.0']
    if (!truth) throw new Error('lab truth has no acme/multiarch:1.0')
    await openRepository('acme/multiarch')
    await page.locator('.row[data-tag="1.0"]').click()
    await page.keyboard.press('Enter')
    await page.waitForSelector('.details .section-title')
    await until('the details to load', async () => (await page.locator('.details [aria-label="Loading details"]').count()) === 0)

    const details = page.locator('.details')
    const platforms = details.locator('.section:has(.section-title:text("Platforms"))')
    await expect(platforms.locator('.section-title .count').innerText()).resolves.toContain('2')
    const rows = platforms.locator('tbody tr')
    expect(await rows.count()).toBe(2)
    const platformText = await rows.allInnerTexts()
    for (const p of truth.platforms) {
      const row = platformText.find((text) => text.includes(p.architecture))
      expect(row, `row for ${p.architecture}`).toBeDefined()
      expect(row).toContain(formatBytes(p.size))
    }
    expect(truth.attestations).toBeGreaterThan(0)
    await expect(details.innerText()).resolves.toMatch(/build attestation for linux\/amd64 .*not a platform, not counted in the size/)
    const sizeField = details.locator('dt:text-is("Size") + dd')
    await expect(sizeField.innerText()).resolves.toContain(formatBytes(truth.size))
    await screenshot(page, 'e2e-details-index.png')
  })

  it('copies the docker pull command of the selected tag to the clipboard', async () => {
    await page.locator('.details').getByRole('button', { name: 'Copy', exact: true }).click()
    await page.getByRole('menuitem', { name: /^Docker docker pull/ }).click()
    await page.waitForSelector('.toast')
    const copied = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText())
    expect(copied).toBe(`docker pull ${lab.tls.host}/acme/multiarch:1.0`)
  })

  it('deletes one tag of a shared digest and leaves the digest’s other tags in place', async () => {
    const truth = lab.truth.repositories['acme/web'] ?? {}
    const digest = truth['stable']?.digest
    const siblings = Object.entries(truth)
      .filter(([tag, t]) => t.digest === digest && tag !== 'stable')
      .map(([tag]) => tag)
    expect(siblings.length).toBeGreaterThan(1)

    await openRepository('acme/web')
    await page.locator('#tag-filter').fill('')
    await page.getByRole('group', { name: 'Filter mode' }).getByRole('button', { name: 'Text', exact: true }).click()
    await page.locator('.row[data-tag="stable"]').click()
    await page.keyboard.press('Delete')
    await page.waitForSelector('.delete-list')
    await expect(page.getByRole('radio', { checked: true }).innerText()).resolves.not.toMatch(/whole image/i)
    await screenshot(page, 'e2e-delete.png')
    await page.getByRole('button', { name: 'Delete 1 tag', exact: true }).click()
    await page.waitForSelector('.delete-results')
    const result = page.locator('.delete-results li', { hasText: 'stable' })
    await expect(result.getAttribute('class')).resolves.toBe('ok')
    await page.keyboard.press('Escape')

    await until('the row for stable to go', async () => (await page.locator('.row[data-tag="stable"]').count()) === 0)
    const shown = await visibleTags()
    for (const tag of siblings) expect(shown, `UI still lists ${tag}`).toContain(tag)

    const listed = skopeoTags(lab, 'acme/web')
    expect(listed).not.toContain('stable')
    for (const tag of siblings) expect(listed, `registry still has ${tag}`).toContain(tag)
  })

  it('lands on the same view after a reload, from the location hash', async () => {
    await page.locator('.row[data-tag="latest"]').click()
    await page.keyboard.press('Enter')
    await page.waitForSelector('.details .section-title')
    await page.locator('.sort-control select').selectOption('date')
    await until('the hash to carry the view', () => page.url().includes('tag=latest') && page.url().includes('sort=date'))
    const before = new URL(page.url()).hash

    await page.reload()
    await page.waitForSelector('.crumb-repo[title="acme/web"]')
    await page.waitForSelector('.details .section-title')
    await detailsSettled(page)
    expect(new URL(page.url()).hash).toBe(before)
    await expect(page.locator('.details h2').innerText()).resolves.toBe('latest')
    await expect(page.locator('.sort-control select').inputValue()).resolves.toBe('date')
    await screenshot(page, 'e2e-after-reload.png')
    expect(pageErrors).toEqual([])
  })
})

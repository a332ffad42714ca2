// Sharing a view, in Chromium via web mode against the lab's open registry: "Copy link" names the
// registry by its address; the page link opens the same view in a new tab of the same browser (the
// access cookie, not the tab's sessionStorage); the berth:// link opened on a fresh Berth (another
// data directory, another browser profile, no profile for that registry) offers to add it,
// pre-filled, then opens the linked view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { berthLinkToHash } from '../../shared/view-link'
import { getLab, type LabInfo } from '../lab/lab-client'
import { type BrowserGlobals, detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let fresh: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
let registryId: string
const pageErrors: string[] = []
const tag = 'latest'
let berthLink = ''

async function readClipboard(on: Page): Promise<string> {
  return on.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText())
}

async function copyLink(on: Page, scope: string, item: RegExp): Promise<string> {
  await on.locator(scope).getByRole('button', { name: 'Copy link' }).click()
  await on.getByRole('menuitem', { name: item }).first().click()
  await on.waitForSelector('.toast')
  return readClipboard(on)
}

async function expectView(on: Page): Promise<void> {
  await on.waitForSelector('.crumb-repo[title="acme/web"]')
  await on.waitForSelector(`.details[aria-label="Details of ${tag}"]`)
  await on.waitForSelector(`.row[data-tag="${tag}"][aria-selected="true"]`)
  await expect(on.locator('.sort-control select').inputValue()).resolves.toBe('name')
  await expect(on.locator('.sort-control [aria-label^="Ascending"]').count()).resolves.toBe(1)
}

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  fresh = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, kind: 'distribution', insecure: false } })
  registryId = view.id
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(web.server.url).origin })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await fresh?.close()
})

describe('sharing a view', () => {
  it('rewrites an old id link to name the registry by its address', async () => {
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/acme/web?tag=${tag}&sort=name&dir=asc`)
    await until('the hash to name the registry by address', () => new URL(page.url()).hash.startsWith(`#/${lab.open.host}/acme/web`))
    expect(new URL(page.url()).hash).toBe(`#/${lab.open.host}/acme/web?tag=${tag}&sort=name&dir=asc`)
    // The token was traded for the cookie before the page loaded: it is nowhere the page can see.
    expect(page.url()).not.toContain(web.server.token)
    await expectView(page)
    await detailsSettled(page)
  })

  it('copies a berth:// link and a link for this browser from the toolbar', async () => {
    await page.locator('.toolbar').getByRole('button', { name: 'Copy link' }).click()
    await page.getByRole('menuitem', { name: /^Berth link/ }).waitFor()
    await screenshot(page, 'e2e-copy-link.png')
    await page.keyboard.press('Escape')

    berthLink = await copyLink(page, '.toolbar', /^Berth link/)
    expect(berthLink).toBe(`berth://${lab.open.host}/acme/web?tag=${tag}&sort=name&dir=asc`)
    const webLink = await copyLink(page, '.toolbar', /^Link for this browser/)
    expect(webLink).toBe(`${new URL(web.server.url).origin}/#/${lab.open.host}/acme/web?tag=${tag}&sort=name&dir=asc`)
  })

  it('copies a link to the tag and to its digest from the details', async () => {
    const tagLink = await copyLink(page, '.details', /^Berth link/)
    expect(tagLink).toBe(`berth://${lab.open.host}/acme/web?tag=${tag}`)
    const digest = lab.truth.repositories['acme/web']?.[tag]?.digest ?? ''
    await page.locator('.details').getByRole('button', { name: 'Copy link' }).click()
    await page
      .getByRole('menuitem', { name: /^Berth link/ })
      .nth(1)
      .click()
    await page.waitForSelector('.toast')
    expect(await readClipboard(page)).toBe(`berth://${lab.open.host}/acme/web?digest=${encodeURIComponent(digest)}`)
  })

  it('opens the copied page link in a new tab of the same browser, at the same view', async () => {
    const webLink = `${new URL(web.server.url).origin}/#/${lab.open.host}/acme/web?tag=${tag}&sort=name&dir=asc`
    const tab = await context.newPage()
    // The headers Chromium actually sent (headers() alone holds only provisional ones).
    const referers: Promise<string | null>[] = []
    tab.on('request', (request) => referers.push(request.headerValue('referer')))
    try {
      await tab.goto(webLink)
      await expectView(tab)
      await detailsSettled(tab)
      await expect(tab.getByText(/token is missing/).count()).resolves.toBe(0)
      expect(new URL(tab.url()).hash).toBe(new URL(webLink).hash)
      expect(referers.length).toBeGreaterThan(2)
      expect((await Promise.all(referers)).filter((r) => r !== null)).toEqual([])
      await screenshot(tab, 'e2e-link-new-tab.png')
    } finally {
      await tab.close()
    }
  })

  it('offers to add the registry, pre-filled, when a fresh Berth opens the berth:// link, then opens the view', async () => {
    const opened = berthLinkToHash(berthLink)
    if (!opened.ok) throw new Error(`the copied link does not parse: ${opened.reason}`)
    const other = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
    try {
      const tab = await other.newPage()
      tab.on('pageerror', (e) => pageErrors.push(e.message))
      await tab.goto(`${fresh.server.url}${opened.hash}`)
      const offer = tab.getByRole('region', { name: 'Link to a registry Berth does not know' })
      await offer.waitFor()
      await expect(offer.innerText()).resolves.toContain(`${lab.open.host}/acme/web:${tag}`)
      await screenshot(tab, 'e2e-link-offer.png')
      await offer.getByRole('button', { name: `Add ${lab.open.host}…` }).click()
      const url = tab.getByLabel('Registry URL')
      await expect(url.inputValue()).resolves.toBe(lab.open.host)
      await screenshot(tab, 'e2e-link-add-registry.png')
      await tab.getByRole('button', { name: 'Connect' }).click()

      await expectView(tab)
      await detailsSettled(tab)
      expect(new URL(tab.url()).hash).toBe(opened.hash)
      const saved = await fresh.core.api.listRegistries({})
      expect(saved.map((r) => r.url)).toEqual([lab.open.url])
    } finally {
      await other.close()
    }
    expect(pageErrors).toEqual([])
  })
})

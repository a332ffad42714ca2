// Referrers as a user meets them, in Chromium via web mode against the lab's open registry
// (acme/attested: `1.0` with an SPDX SBOM and a SLSA provenance as OCI 1.1 referrers listed by the
// `sha256-<hex>` index tag, and cosign's `.att`): the referrer tags grouped under `1.0` with a badge,
// the toolbar toggle, the provenance facts with the raw JSON one click away, and the delete dialog
// naming the referrers (previewed, then cancelled: this registry is shared and never written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { ATTESTED_PROVENANCE, ATTESTED_REPOSITORY, ATTESTED_SBOM_PACKAGES } from '../lab/fixtures-attested'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

/** What the test reads of a row element inside the page (the Node tsconfig has no DOM lib). */
interface RowElement {
  getAttribute(name: string): string | null
}

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
let registryId: string
const pageErrors: string[] = []

function referrerTags(): { indexTag: string; attTag: string } {
  const subject = lab.truth.repositories[ATTESTED_REPOSITORY]?.['1.0']?.digest ?? ''
  const indexTag = `sha256-${subject.slice(7)}`
  return { indexTag, attTag: `${indexTag}.att` }
}

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, kind: 'distribution', insecure: false } })
  registryId = view.id
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
})

describe('referrers in the app', () => {
  it('groups the referrer tags under their image with a badge, and the toggle shows them under it', async () => {
    const { indexTag, attTag } = referrerTags()
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${ATTESTED_REPOSITORY}?sort=name&dir=asc`)
    await detailsSettled(page)
    const badge = page.locator('.row[data-tag="1.0"] .referrers-badge')
    await until(
      'the badge to count every referrer',
      async () => (await badge.count()) === 1 && (await badge.getAttribute('aria-label')) === '1 SBOM · 2 attestations',
    )
    // Compact in the row: a paperclip and the count; the tooltip spells it out.
    expect(await badge.innerText()).toBe('3')
    expect(await badge.getAttribute('title')).toMatch(/^1 SBOM · 2 attestations: click to show its 2 referrer tags$/)
    expect(await page.locator(`.row[data-tag="${indexTag}"]`).count()).toBe(0)
    const toggle = page.getByRole('button', { name: 'Show 2 referrer tags' })
    await expect(toggle.count()).resolves.toBe(1)

    await toggle.click()
    await page.waitForSelector(`.row[data-tag="${attTag}"]`)
    // Rows are positioned, not in DOM order: read the order the grid states.
    const placed = await page
      .locator('.row[data-tag]')
      .evaluateAll((rows: RowElement[]) =>
        rows.map((row) => ({ index: Number(row.getAttribute('aria-rowindex')), tag: row.getAttribute('data-tag') })),
      )
    const order = [...placed].sort((a, b) => a.index - b.index).map((row) => row.tag)
    expect(order).toEqual(['1.0', indexTag, attTag])
    await expect(page.locator(`.row[data-tag="${attTag}"] .referrer-of`).innerText()).resolves.toBe('referrer of 1.0')
    // A referrers index lists referrers, not platforms; a plain image's type is quiet text, not a pill.
    await until(
      'the index row’s platforms',
      async () => (await page.locator(`.row[data-tag="${indexTag}"] .col-platforms`).innerText()) === '—',
    )
    await expect(page.locator('.row[data-tag="1.0"] .col-type').innerText()).resolves.toBe('image')
    expect(await page.locator('.row[data-tag="1.0"] .col-type .kind-badge').count()).toBe(0)
    expect(await page.locator(`.row[data-tag="${indexTag}"] .col-type .kind-badge`).innerText()).toBe('index')
    await screenshot(page, 'referrers-grouped.png')
    // The same in dark: the badge opened from the row this time.
    const dark = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'dark' })
    try {
      const tab = await dark.newPage()
      await tab.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${ATTESTED_REPOSITORY}?sort=name&dir=asc`)
      await detailsSettled(tab)
      await tab.locator('.row[data-tag="1.0"] .referrers-badge').click()
      await tab.waitForSelector(`.row[data-tag="${attTag}"]`)
      await screenshot(tab, 'referrers-grouped-dark.png')
    } finally {
      await dark.close()
    }

    await page.getByRole('button', { name: 'Hide 2 referrer tags' }).click()
    await until('the referrer rows to hide again', async () => (await page.locator(`.row[data-tag="${attTag}"]`).count()) === 0)
    // The badge opens its own group.
    await badge.click()
    await page.waitForSelector(`.row[data-tag="${indexTag}"]`)
    await expect(badge.getAttribute('aria-expanded')).resolves.toBe('true')
  })

  it('shows the provenance builder, source and commit, the SBOM package count, and the raw JSON one click away', async () => {
    await page.locator('.row[data-tag="1.0"]').dblclick()
    const details = page.locator('.details[aria-label="Details of 1.0"]')
    await details.waitFor()
    await until('the referrers and their facts to load', async () => (await details.locator('.referrer-facts').count()) >= 3)
    const facts = await details.locator('.referrers').innerText()
    expect(facts).toContain(ATTESTED_PROVENANCE.builder)
    expect(facts).toContain(ATTESTED_PROVENANCE.sourceCommit)
    expect(facts).toContain(ATTESTED_PROVENANCE.sourceRepository)
    expect(facts).toContain('SLSA v1')
    expect(facts).toContain('SLSA v0.2')
    expect(facts).toMatch(new RegExp(`Packages\\s*${ATTESTED_SBOM_PACKAGES}`))
    const provenance = details.locator('.referrer-document').filter({ hasText: 'SLSA v1' })
    const raw = provenance.locator('.facts-raw')
    await raw.locator('summary').click()
    await expect(raw.locator('pre').innerText()).resolves.toContain('"predicateType": "https://slsa.dev/provenance/v1"')
    await details.locator('.referrers').scrollIntoViewIfNeeded()
    // Beside the panel every toolbar action stays on screen: the actions wrap rather than overflow.
    const main = await page.locator('.tag-main').boundingBox()
    const remove = await page
      .locator('.toolbar-actions')
      .getByRole('button', { name: /^Delete/ })
      .boundingBox()
    expect(main !== null && remove !== null && remove.x + remove.width <= main.x + main.width).toBe(true)
    await screenshot(page, 'referrers-details.png')
  })

  it('names the referrers in the delete dialog, ticked by default, and cancels without deleting', async () => {
    const { indexTag, attTag } = referrerTags()
    await page.keyboard.press('Escape')
    await page.locator('.row[data-tag="1.0"]').click()
    await page
      .getByRole('button', { name: /^Delete/ })
      .first()
      .click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.delete-referrers').waitFor()
    const list = await dialog.locator('.delete-referrers').innerText()
    expect(list).toContain('Also delete its 4 referrers')
    expect(list).toContain(indexTag)
    expect(list).toContain(attTag)
    expect(list).toContain('SBOM')
    await expect(dialog.locator('.delete-referrers input[type="checkbox"]').isChecked()).resolves.toBe(true)
    await expect(dialog.getByRole('button', { name: 'Delete 1 tag and 4 referrers' }).count()).resolves.toBe(1)
    await screenshot(page, 'referrers-delete.png')
    await dialog.locator('.delete-referrers input[type="checkbox"]').uncheck()
    await expect(dialog.getByRole('button', { name: 'Delete 1 tag' }).count()).resolves.toBe(1)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(pageErrors).toEqual([])
  })
})

// The cleanup dialog end to end: Chromium over web mode against the lab's TLS registry. The rules
// remove old 0.x / 1.0.x / 1.1.x tags but keep the 2 most recent; the expected removal set is
// written here from the lab's truth, and skopeo (not Berth) confirms what the registry lists after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { skopeoTags } from '../lab/skopeo-witness'
import { getLab, reseed, type LabInfo } from '../lab/lab-client'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

// `^(0\.|1\.0\.|1\.1\.)` matches 0.1.0, 0.9.0, 1.0.0, 1.0.1, 1.1.0 but not `1.0`, which shares its
// digest with 1.0.1: deleting the tag 1.0.1 must leave 1.0 pointing at that image.
const REMOVE_PATTERN = '^(0\\.|1\\.0\\.|1\\.1\\.)'
const EXPECTED_REMOVED = ['0.1.0', '0.9.0', '1.0.0', '1.0.1', '1.1.0']
const DIGEST_SIBLING = '1.0'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  lab = getLab()
  await reseed('tls', 'acme/web')
  web = await startBerthWeb()
  const saved = await web.core.api.saveRegistry({
    profile: { name: 'Lab TLS', url: lab.tls.url, kind: 'distribution', favorites: ['acme/web'] },
  })
  await web.core.api.trustCertificate({ registryId: saved.id, caPem: lab.tls.caPem })
  await web.core.api.login({ registryId: saved.id, username: lab.users.writer.username, secret: lab.users.writer.password })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await reseed('tls', 'acme/web')
}, 60_000)

describe('the cleanup dialog against the lab TLS registry', () => {
  it('plans, confirms and removes exactly the tags the rules select, keeping a digest sibling', async () => {
    const truth = lab.truth.repositories['acme/web'] ?? {}
    // The fixture facts the expectation rests on, checked against the lab rather than assumed.
    for (const tag of [...EXPECTED_REMOVED, DIGEST_SIBLING]) expect(truth, `lab has ${tag}`).toHaveProperty([tag])
    expect(truth[DIGEST_SIBLING]?.digest).toBe(truth['1.0.1']?.digest)
    const matching = Object.keys(truth).filter((t) => new RegExp(REMOVE_PATTERN).test(t))
    expect(matching.sort()).toEqual([...EXPECTED_REMOVED].sort())
    const allTags = Object.keys(truth)

    await page.goto(web.server.url)
    await page.locator('.registry-button').first().click()
    await page.locator('.repo-button[title="acme/web"]').click()
    await page.waitForSelector('.crumb-repo[title="acme/web"]')
    await detailsSettled(page)

    await page.getByRole('button', { name: /^Clean up/ }).click()
    await page.getByLabel('Remove tags matching').fill(REMOVE_PATTERN)
    await page.getByLabel('Keep the most recent').fill('2')
    const rowsShown = page.getByRole('group', { name: 'Rows shown' })
    await until(
      'the plan to cover every tag',
      async () => (await rowsShown.getByRole('button', { name: /^All / }).innerText()).trim() === `All ${allTags.length}`,
    )
    await until(
      'the plan to count the removals',
      async () => (await rowsShown.getByRole('button', { name: /^Removed / }).innerText()).trim() === `Removed ${EXPECTED_REMOVED.length}`,
    )
    // The plan table is virtualised: show only the removals so every one of them is rendered.
    await rowsShown.getByRole('button', { name: /^Removed / }).click()
    await until(
      'the removal rows to render',
      async () => (await page.locator('.cleanup-row[data-tag]').count()) === EXPECTED_REMOVED.length,
    )
    const rows = await page.locator('.cleanup-row[data-tag]').all()
    const planned = await Promise.all(
      rows.map(async (row) => `${(await row.getAttribute('data-tag')) ?? ''}:${(await row.getAttribute('data-action')) ?? ''}`),
    )
    expect(planned.sort()).toEqual(EXPECTED_REMOVED.map((t) => `${t}:remove`).sort())
    const summary = await page.locator('.cleanup-summary').innerText()
    expect(summary).toContain(`Remove ${EXPECTED_REMOVED.length} of ${allTags.length} tags`)
    expect(summary).toContain('1 image keeps other tags')
    await screenshot(page, 'e2e-cleanup-plan.png')

    await page.getByRole('button', { name: /^Review ([\d,]+ )?removals/ }).click()
    // Below 50 tags no typed repository name is asked for.
    expect(await page.getByLabel('Repository name to confirm').count()).toBe(0)
    await page.getByRole('button', { name: /^Remove [\d,]+ tags?$/ }).click()
    await page.waitForSelector('.cleanup-summary.cleanup-ok', { timeout: 30_000 })
    await screenshot(page, 'e2e-cleanup-results.png')

    const listed = skopeoTags(lab, 'acme/web')
    const expectedLeft = allTags.filter((t) => !EXPECTED_REMOVED.includes(t))
    expect(listed.sort()).toEqual(expectedLeft.sort())
    expect(listed).toContain(DIGEST_SIBLING)
    expect(pageErrors).toEqual([])
  }, 60_000)
})

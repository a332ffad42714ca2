// "Mirror repository…" end to end: Chromium over web mode, from the lab's open registry (only
// read) to its htpasswd registry under scratch/<random>. The destination already holds one of the
// tags at the same image and another at a different one (put there by skopeo, not Berth). The
// mirror is opened from the repository's header, filtered by a regular expression with the
// matching count shown; the plan gives each tag's state (new, up to date, pointing elsewhere with
// both digests), the overwrite is ticked, and the result lists each tag. skopeo is the witness: it
// lists the tags at the destination and reads the source's digests under each of them.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { rawManifestDigest, skopeoCopyAll, skopeoListTags, skopeoRawManifest, type SkopeoSide } from '../support/copy-lab'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, type BerthWeb } from './e2e-helpers'

const source = 'acme/web'
const scratch = `scratch/e2e-mirror-${randomBytes(4).toString('hex')}`
const pattern = '^2\\.[0-2]\\.'
const mirrored = ['2.0.0', '2.0.1', '2.1.0', '2.2.0', '2.2.1']

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let page: Page
let openId: string
let basicId: string
const pageErrors: string[] = []

const openSide: SkopeoSide = {}
const basicSide = (): SkopeoSide => ({ user: lab.users.writer })

function truthDigest(tag: string): string {
  const digest = lab.truth.repositories[source]?.[tag]?.digest
  if (!digest) throw new Error(`${source}:${tag} is not in the lab truth`)
  return digest
}

beforeAll(async () => {
  lab = getLab()
  // One tag already there as at the source, one pointing at another image.
  skopeoCopyAll(`${lab.open.host}/${source}:2.2.0`, openSide, `${lab.basic.host}/${scratch}:2.2.0`, basicSide())
  skopeoCopyAll(`${lab.open.host}/${source}:2.0.0`, openSide, `${lab.basic.host}/${scratch}:2.2.1`, basicSide())
  web = await startBerthWeb()
  const api = web.core.api
  openId = (await api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, insecure: true, favorites: [source] } })).id
  basicId = (await api.saveRegistry({ profile: { name: 'Lab basic', url: lab.basic.url, insecure: true } })).id
  await api.login({ registryId: basicId, username: lab.users.writer.username, secret: lab.users.writer.password })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 180_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
}, 60_000)

function dialog() {
  return page.getByRole('dialog')
}

/** These attributes of every element the locator finds, in order. */
async function attributes(locator: Locator, names: string[]): Promise<(string | null)[][]> {
  const rows: (string | null)[][] = []
  for (let i = 0; i < (await locator.count()); i++) {
    rows.push(await Promise.all(names.map((name) => locator.nth(i).getAttribute(name))))
  }
  return rows
}

describe('mirroring a repository in the app', () => {
  it('mirrors the tags a pattern picks, moving one that pointed elsewhere only once ticked: skopeo reads the source digests', async () => {
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(openId)}/${source}`)
    await page.waitForSelector(`.crumb-repo[title="${source}"]`)
    await detailsSettled(page)
    await page.locator('.toolbar').getByRole('button', { name: 'Mirror repository…' }).click()
    await dialog()
      .getByRole('heading', { name: `Mirror ${source} to…` })
      .waitFor()
    await dialog().getByLabel('Registry', { exact: true }).selectOption(basicId)
    await dialog().getByLabel('Repository', { exact: true }).fill(scratch)
    await dialog().getByLabel('Tags matching').fill(pattern)
    const count = dialog().getByRole('status', { name: 'Matching tags' })
    expect(await count.innerText()).toBe(`${mirrored.length} of ${Object.keys(lab.truth.repositories[source] ?? {}).length} tags match.`)
    await screenshot(page, 'mirror-form.png')

    await dialog().getByRole('button', { name: 'Review mirror…' }).click()
    await dialog().locator('.mirror-plan').waitFor({ timeout: 60_000 })
    const states = await attributes(dialog().locator('.mirror-table tbody tr'), ['data-tag', 'data-state'])
    expect(states).toEqual([
      ['2.0.0', 'new'],
      ['2.0.1', 'new'],
      ['2.1.0', 'new'],
      ['2.2.0', 'same'],
      ['2.2.1', 'elsewhere'],
    ])
    const overwrite = dialog().getByRole('group', { name: 'Tags that point elsewhere' })
    const shown = await overwrite.innerText()
    expect(shown).toContain(truthDigest('2.0.0'))
    expect(shown).toContain(truthDigest('2.2.1'))
    expect(await dialog().getByRole('button', { name: 'Mirror 4 of 5 tags' }).isEnabled()).toBe(true)
    await overwrite.getByRole('checkbox').check()
    await screenshot(page, 'mirror-plan.png')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'mirror-plan-dark.png')
    await page.emulateMedia({ colorScheme: 'light' })

    await dialog().getByRole('button', { name: 'Overwrite and mirror 5 tags' }).click()
    await dialog().getByRole('heading', { name: 'Mirrored 4 tags' }).waitFor({ timeout: 120_000 })
    const results = await attributes(dialog().locator('.mirror-result tbody tr[data-tag]'), ['data-tag', 'data-status'])
    expect(results).toEqual([
      ['2.0.0', 'copied'],
      ['2.0.1', 'copied'],
      ['2.1.0', 'copied'],
      ['2.2.0', 'up-to-date'],
      ['2.2.1', 'copied'],
    ])
    // Each tag's digest was checked at the destination (the copied ones by its answer to the push); the moved one says what it was.
    expect(await dialog().locator('.mirror-verified').count()).toBe(5)
    expect(await dialog().locator('tr[data-tag="2.2.1"]').innerText()).toContain(`was ${truthDigest('2.0.0').slice(0, 19)}`)
    await screenshot(page, 'mirror-result.png')
    await page.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page, 'mirror-result-dark.png')
    await page.emulateMedia({ colorScheme: 'light' })
    await dialog().locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

    // skopeo, not Berth: the tags are there, each at the source's digest.
    expect(skopeoListTags(`${lab.basic.host}/${scratch}`, basicSide()).sort()).toEqual(mirrored)
    for (const tag of mirrored) {
      expect(rawManifestDigest(skopeoRawManifest(`${lab.basic.host}/${scratch}:${tag}`, basicSide())), tag).toBe(truthDigest(tag))
    }
    expect(pageErrors).toEqual([])
  }, 240_000)
})

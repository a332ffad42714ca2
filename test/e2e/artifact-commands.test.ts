// What each tag holds, and the commands that fit it, end to end in web mode: Chromium over `berth
// web` against the lab's open (plain-HTTP) registry. The Helm chart charts/demo reads as one in the
// table and the details, its Copy menu offers helm pull / helm install with --plain-http and never
// docker pull; acme/artifacts' WebAssembly, SBOM and generic artifact read as what they are and get
// oras. Screenshots in light and dark under test-results/screens/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { ARTIFACTS_REPOSITORY, GENERIC_ARTIFACT_TYPE } from '../lab/fixtures-artifacts'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb, type BrowserGlobals } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
const pageErrors: string[] = []

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  await web.core.api.saveRegistry({
    profile: { name: 'Lab open', url: lab.open.url, kind: 'distribution', favorites: ['charts/demo', ARTIFACTS_REPOSITORY] },
  })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
}, 60_000)

async function openPage(colorScheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(web.server.url).origin })
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(web.server.url)
  await page.locator('.registry-button').first().click()
  return { context, page }
}

async function openRepository(page: Page, path: string): Promise<void> {
  await page.locator(`.repo-button[title="${path}"]`).click()
  await page.waitForSelector(`.crumb-repo[title="${path}"]`)
  await detailsSettled(page)
}

async function openChartCopyMenu(page: Page): Promise<string[]> {
  await openRepository(page, 'charts/demo')
  await page.locator('.row[data-tag="0.1.0"]').click()
  await page.keyboard.press('Enter')
  await page.waitForSelector('.details .section-title')
  await page.locator('.details').getByRole('button', { name: 'Copy', exact: true }).click()
  const menu = page.getByRole('menu')
  await menu.waitFor()
  // The menu shows the helm commands once the registry said it is a chart.
  await until('the helm commands', async () => (await menu.getByRole('menuitem', { name: /^Helm pull/ }).count()) > 0)
  return menu.getByRole('menuitem').allInnerTexts()
}

describe('a Helm chart and other artifacts in web mode', () => {
  it('shows charts/demo as a Helm chart and copies helm commands, never docker pull', async () => {
    const { context, page } = await openPage('light')
    const host = lab.open.host
    const digest = lab.truth.repositories['charts/demo']?.['0.1.0']?.digest ?? 'missing'
    const items = await openChartCopyMenu(page)
    const text = items.join('\n')
    expect(text).toContain(`helm pull oci://${host}/charts/demo --version 0.1.0 --plain-http`)
    expect(text).toContain(`helm install demo oci://${host}/charts/demo --version 0.1.0 --plain-http`)
    expect(text).toContain(`helm pull oci://${host}/charts/demo@${digest} --plain-http`)
    expect(text).not.toMatch(/docker pull|podman|nerdctl|FROM |kubectl|Use in CI/)
    expect(await page.getByRole('menu').getByText('Helm chart demo 0.1.0 (app 1.0.0)').count()).toBe(1)
    await screenshot(page, 'helm-chart-commands.png')

    await page.getByRole('menuitem', { name: /^Helm install helm install/ }).click()
    await page.waitForSelector('.toast')
    const copied = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText())
    expect(copied).toBe(`helm install demo oci://${host}/charts/demo --version 0.1.0 --plain-http`)

    // The table row and the details' Type say what it is.
    const typeCell = page.locator('.row[data-tag="0.1.0"] .col-type')
    expect(await typeCell.innerText()).toMatch(/Helm chart\s*demo 0\.1\.0 \(app 1\.0\.0\)/)
    const typeField = page.locator('.details dt:text-is("Type") + dd')
    expect(await typeField.innerText()).toMatch(
      /Helm chart\s+demo 0\.1\.0 \(app 1\.0\.0\)\s+application\/vnd\.cncf\.helm\.config\.v1\+json/,
    )

    await screenshot(page, 'helm-chart-details.png')

    // Ctrl+C on the selected row copies the first command that fits: helm pull.
    await page.keyboard.press('Escape')
    await page.locator('.row[data-tag="0.1.0"]').click()
    await page.keyboard.press('Control+c')
    await until('helm pull on the clipboard', async () => {
      const now = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText())
      return now === `helm pull oci://${host}/charts/demo --version 0.1.0 --plain-http`
    })
    await screenshot(page, 'helm-chart-row.png')
    await context.close()
  })

  it('reads the same in dark mode', async () => {
    const { context, page } = await openPage('dark')
    await openChartCopyMenu(page)
    await screenshot(page, 'helm-chart-commands-dark.png')
    await context.close()
  })

  it('labels WebAssembly, an SPDX SBOM and a generic artifact, each pulled with oras', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openPage(scheme)
      await openRepository(page, ARTIFACTS_REPOSITORY)
      const type = (tag: string) => page.locator(`.row[data-tag="${tag}"] .col-type`).innerText()
      expect(await type('wasm')).toBe('WebAssembly')
      expect(await type('sbom')).toMatch(/SBOM\s+SPDX/)
      expect(await type('docs-1.0')).toMatch(new RegExp(`OCI artifact\\s+${GENERIC_ARTIFACT_TYPE.replaceAll('.', '\\.')}`))
      await screenshot(page, `artifact-kinds-table-${scheme}.png`)
      await page.locator('.row[data-tag="wasm"]').click()
      await page.locator('.toolbar-actions').getByRole('button', { name: 'Copy', exact: true }).click()
      const menu = page.getByRole('menu')
      await menu.waitFor()
      const text = (await menu.getByRole('menuitem').allInnerTexts()).join('\n')
      expect(text).toContain(`oras pull ${lab.open.host}/${ARTIFACTS_REPOSITORY}:wasm --plain-http`)
      expect(text).not.toMatch(/docker pull|helm/)
      await screenshot(page, `artifact-kinds-${scheme}.png`)
      await context.close()
    }
    expect(pageErrors).toEqual([])
  })
})

// Cosign signatures end to end in web mode, on the lab's acme/signed: a key added in the
// "Signature keys…" dialog (pasted PEM, scoped to the repository), then the table marks the signed
// image verified and the tampered one failed, and each one's details say by which key, or why not.
// Screenshots in light and dark: test-results/screens/signature-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getLab, type LabInfo } from '../lab/lab-client'
import { labSigningKeys } from '../lab/fixtures-signed'
import { launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
const pageErrors: string[] = []

async function newPage(colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme })
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  return page
}

async function openSigned(page: Page): Promise<void> {
  await page.goto(web.server.url)
  await page.locator('.registry-button').first().click()
  await page.locator('.repo-button[title="acme/signed"]').click()
  await page.locator('.row[data-tag="signed"]').waitFor()
}

async function showDetails(page: Page, tag: string, expected: string): Promise<void> {
  await page.locator(`.row[data-tag="${tag}"]`).click()
  await page.keyboard.press('Enter')
  const section = page.locator('.details section[aria-label="Signatures"]')
  await section.getByText(expected).first().waitFor({ timeout: 30_000 })
}

beforeAll(async () => {
  lab = getLab()
  web = await startBerthWeb()
  await web.core.api.saveRegistry({ profile: { name: 'Lab open', url: lab.open.url, kind: 'distribution' } })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
}, 60_000)

describe('signature verification in the app', () => {
  it('adds a key from the registry menu, scoped to a repository', async () => {
    const page = await newPage('light')
    await page.goto(web.server.url)
    await page.getByRole('button', { name: 'Actions for Lab open' }).click()
    await page.getByRole('menuitem', { name: 'Signature keys…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Signature keys for Lab open' }).waitFor()
    await dialog.getByText('No keys yet').waitFor()
    await dialog.getByLabel('Name', { exact: true }).fill('release')
    await dialog.getByRole('radio', { name: /This repository and those under it/ }).check()
    await dialog.getByLabel('Repository', { exact: true }).fill('acme/signed')
    await dialog.getByLabel('Public key (PEM)').fill(labSigningKeys().a.publicPem)
    await dialog.getByRole('button', { name: 'Add key' }).click()
    await dialog.getByRole('table', { name: 'Signature keys' }).getByText('release').waitFor()
    expect(await dialog.getByRole('table', { name: 'Signature keys' }).innerText()).toContain('acme/signed/…')
    await screenshot(page, 'signature-keys.png')
    // A private key is refused with the reason, and nothing is added.
    await dialog.getByLabel('Name', { exact: true }).fill('oops')
    await dialog.getByLabel('Public key (PEM)').fill(labSigningKeys().b.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
    await dialog.getByRole('button', { name: 'Add key' }).click()
    await dialog.getByText('This is a private key').waitFor()
    expect(await dialog.getByLabel('Public key (PEM)').inputValue()).toBe('')
    expect(await dialog.getByRole('table', { name: 'Signature keys' }).locator('tbody tr').count()).toBe(1)
    expect(await web.core.api.listSignatureKeys({ registryId: (await web.core.api.listRegistries({}))[0]?.id ?? '' })).toHaveLength(1)
    await page.keyboard.press('Escape')
    await page.context().close()
  })

  for (const scheme of ['light', 'dark'] as const) {
    it(`marks the verified and the failed image in the table, and says why in the details (${scheme})`, async () => {
      const page = await newPage(scheme)
      await openSigned(page)
      const mark = (tag: string) => page.locator(`.row[data-tag="${tag}"] .signature-mark`)
      await until('the signature marks', async () => (await mark('signed').count()) > 0 && (await mark('tampered').count()) > 0, 30_000)
      expect(await mark('signed').getAttribute('data-signature')).toBe('verified')
      expect(await mark('tampered').getAttribute('data-signature')).toBe('failed')
      expect(await mark('keyless').getAttribute('data-signature')).toBe('keyless')
      // No `.sig` tag listed: no mark, and nothing was looked up for it.
      expect(await mark('unsigned').count()).toBe(0)
      expect(await mark('signed').getAttribute('title')).toMatch(/^Verified by release \(SHA256:/)
      // An icon with a name: what a screen reader says, and what the tooltip shows.
      const signedRow = page.locator('.row[data-tag="signed"]')
      expect(await signedRow.getByRole('img', { name: /^Verified by release \(SHA256:/ }).count()).toBe(1)

      const suffix = scheme === 'dark' ? '-dark' : ''
      await showDetails(page, 'signed', 'Signature verified')
      const section = page.locator('.details section[aria-label="Signatures"]')
      expect(await section.innerText()).toContain('by release')
      await screenshot(page, `signature-verified${suffix}.png`)

      await showDetails(page, 'tampered', 'Signature present, not verifying')
      expect(await section.innerText()).toContain('bad signature: it does not verify with the key release')
      // Beside the details panel the tag names stay whole: the marks are compact and at the cell's end.
      for (const tag of ['keyless', 'other-key', 'signed', 'tampered', 'wrong-digest']) {
        const name = page.locator(`.row[data-tag="${tag}"] .tag-name`)
        expect(await name.evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth <= el.clientWidth)).toBe(true)
      }
      await screenshot(page, `signature-failed${suffix}.png`)

      await showDetails(page, 'referrer', 'Signature verified')
      expect(await section.innerText()).toContain('OCI 1.1 referrer')
      // Its signature is a referrer, not a `.sig` tag: the row is marked once the details found it.
      await until('the referrer row’s mark', async () => (await mark('referrer').getAttribute('data-signature')) === 'verified')
      await page.context().close()
    })
  }

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([])
  })
})

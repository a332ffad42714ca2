// Names a hostile registry lists (a proxy in front of the lab serves them): a right-to-left override
// or a zero-width character in a tag or repository name shows as a marked escape in the table, so
// `rtl\u202eexe.txt` cannot pass for "rtltxt.exe"; the row of a name that is no valid tag says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy'
import { getLab } from '../lab/lab-client'
import { launchChromium, screenshot, startBerthWeb, type BerthWeb } from './e2e-helpers'

const rtlTag = 'rtl\u202eexe.txt'
const zeroWidthTag = 'zero\u200bwidth'
let proxy: FaultProxy
let web: BerthWeb
let browser: Browser
let page: Page
let registryId: string

function json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body))
}

beforeAll(async () => {
  const realTag = Object.keys(getLab().truth.repositories['acme/web'] ?? {}).sort()[0] ?? 'latest'
  proxy = await startFaultProxy({
    upstream: getLab().open.url,
    rules: [
      {
        method: 'GET',
        path: /\/v2\/_catalog/,
        fault: { kind: 'serve', body: json({ repositories: ['acme/web', 'evil\u202eexe'] }), contentType: 'application/json' },
      },
      {
        method: 'GET',
        path: /\/v2\/acme\/web\/tags\/list/,
        fault: { kind: 'serve', body: json({ name: 'acme/web', tags: [realTag, rtlTag, zeroWidthTag] }), contentType: 'application/json' },
      },
    ],
    lifetimeMs: 120_000,
  })
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: 'Hostile', url: proxy.url, kind: 'distribution', insecure: true } })
  registryId = view.id
  browser = await launchChromium()
  page = await (await browser.newContext({ viewport: { width: 1300, height: 700 } })).newPage()
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await proxy?.close()
})

describe('invisible characters in registry names', () => {
  it('shows them as marked escapes in the table and the repository list, and fails only their rows', async () => {
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/acme/web`)
    const rtlRow = page.locator(`.row[data-tag="${rtlTag}"]`)
    await rtlRow.waitFor()
    await expect.poll(() => rtlRow.locator('.tag-name').innerText()).toBe('rtl\\u202eexe.txt')
    expect(await rtlRow.locator('.tag-name .escaped-char').innerText()).toBe('\\u202e')
    await expect.poll(() => page.locator(`.row[data-tag="${zeroWidthTag}"] .tag-name`).innerText()).toBe('zero\\u200bwidth')
    // The sidebar's repository tree marks the override the same way.
    await expect.poll(() => page.locator('.repo-name .escaped-char').count()).toBeGreaterThan(0)
    // Such a name is no valid tag: its row says so; the valid tag's row loads.
    await expect.poll(() => rtlRow.innerText(), { timeout: 20_000 }).toMatch(/not a valid tag name/)
    await screenshot(page, 'e2e-hostile-names.png')
  }, 60_000)
})

// The app asks the registry for the rows the user looks at first: scrolled to the end of a 1,000-tag
// repository, those rows get their details before the ones in the middle; and leaving the repository
// stops its requests. Counted at the registry's door: a proxy (test/lab/fault-proxy.ts) in front of
// the lab's open registry, which also slows each manifest a little so the order can be seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy'
import { getLab } from '../lab/lab-client'
import { launchChromium, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

const repository = 'perf/many'
let proxy: FaultProxy
let web: BerthWeb
let browser: Browser
let page: Page
let registryId: string

/** The tag a manifest request by tag was for, or null (requests by digest, blobs, lists). */
function tagOf(path: string): string | null {
  const match = /\/v2\/perf\/many\/manifests\/(tag-\d{4})$/.exec(path.split('?')[0] ?? '')
  return match?.[1] ?? null
}

function askedTags(): string[] {
  return proxy.requests.flatMap((request) => {
    const tag = tagOf(request.path)
    return tag === null ? [] : [tag]
  })
}

interface TableGlobals {
  document: { querySelector(selector: string): { scrollTop: number; scrollHeight: number } | null }
}

interface RowGlobals {
  document: {
    querySelector(selector: string): { getBoundingClientRect(): { top: number } } | null
    querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null; getBoundingClientRect(): { top: number } }>
  }
}

/** The row at the top of the table's viewport and its distance from the viewport's top, in px. */
async function rowAtTop(page: Page): Promise<{ tag: string; offset: number }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as RowGlobals
    const bodyTop = g.document.querySelector('.table-body')?.getBoundingClientRect().top ?? 0
    let best: { tag: string; offset: number } | null = null
    for (const row of g.document.querySelectorAll('.row[data-tag]')) {
      const offset = row.getBoundingClientRect().top - bodyTop
      if (offset > -30 && (best === null || offset < best.offset)) best = { tag: row.getAttribute('data-tag') ?? '', offset }
    }
    return best ?? { tag: '', offset: 0 }
  })
}

/** "sorting by date: 340 of 1,000 known" → 340. */
async function knownDates(page: Page): Promise<number> {
  const text = (await page.locator('.toolbar').textContent()) ?? ''
  const match = /sorting by date: ([\d,]+) of/.exec(text)
  return match === null ? Number.NaN : Number((match[1] ?? '').replace(/,/g, ''))
}

beforeAll(async () => {
  proxy = await startFaultProxy({
    upstream: getLab().open.url,
    // A registry that takes a moment per manifest, as one on a network does.
    rules: [{ method: 'GET', path: /\/manifests\/tag-/, fault: { kind: 'delay', ms: 40 } }],
    lifetimeMs: 180_000,
  })
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: 'Slow lab', url: proxy.url, kind: 'distribution', insecure: true } })
  registryId = view.id
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1300, height: 800 } })
  page = await context.newPage()
}, 120_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await proxy?.close()
})

describe('details in the order the user needs them', () => {
  it('loads the rows scrolled into view before rows far from them, and stops when the user leaves', async () => {
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${repository}`)
    await page.waitForSelector('.row[data-tag="tag-0000"]')
    await until('the first rows to load', async () => (await page.locator('.row[data-tag="tag-0000"] [aria-busy="true"]').count()) === 0)

    // Jump to the end of the table, as a user dragging the scrollbar does.
    await page.evaluate(() => {
      const body = (globalThis as unknown as TableGlobals).document.querySelector('.table-body')
      if (body !== null) body.scrollTop = body.scrollHeight
    })
    await page.waitForSelector('.row[data-tag="tag-0999"]')
    await until(
      'the last row to load',
      async () => (await page.locator('.row[data-tag="tag-0999"] [aria-busy="true"]').count()) === 0,
      30_000,
    )

    const asked = askedTags()
    const lastRow = asked.indexOf('tag-0999')
    expect(lastRow).toBeGreaterThanOrEqual(0)
    // Rows in the middle of the table (neither near the top nor on screen) waited for the visible ones.
    const middleBefore = asked.slice(0, lastRow).filter((tag) => tag >= 'tag-0400' && tag <= 'tag-0600')
    expect(middleBefore.length).toBeLessThan(40)

    // Leave the repository while many tags are still to be loaded: its requests stop.
    expect(new Set(asked).size).toBeLessThan(900)
    await page.evaluate(
      (hash) => {
        ;(globalThis as unknown as { location: { hash: string } }).location.hash = hash
      },
      `#/r/${encodeURIComponent(registryId)}`,
    )
    await page.waitForSelector('.crumb-repo', { state: 'detached' }).catch(() => undefined)
    // Requests already on the wire finish; none start after them.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const settled = askedTags().length
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(askedTags().length).toBe(settled)
    expect(new Set(askedTags()).size).toBeLessThan(1_000)
  }, 90_000)

  it('keeps the row under the eye in place while a date sort takes in newer rows above it', async () => {
    // perf/many's tag i was built i minutes into the year: newest first, every row loaded after the
    // first ones sorts above them.
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${repository}?sort=date&dir=desc`)
    await until('60 dates known', async () => (await knownDates(page)) >= 60, 30_000)
    await page.evaluate(() => {
      const body = (globalThis as unknown as TableGlobals).document.querySelector('.table-body')
      if (body !== null) body.scrollTop = 20 * 30 + 7
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const before = await rowAtTop(page)
    const knownThen = await knownDates(page)
    await until('100 more dates known', async () => (await knownDates(page)) >= knownThen + 100, 30_000)
    const after = await rowAtTop(page)
    expect(after.tag).toBe(before.tag)
    expect(Math.abs(after.offset - before.offset)).toBeLessThanOrEqual(1)
  }, 60_000)
})

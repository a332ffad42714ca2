// A repository of 200,000 tags in one tags/list page (distribution 2.8 does not page tags/list), in
// Chromium via web mode. The lab's fault proxy sends that page (fault `tag-list`) in front of the open
// lab registry, and redirects each tag's manifest and blobs to one of perf/many's 1,000 images, so
// rows get real details. The table must show the first names in order and the count of 200,000
// within a generous bound, show the last name when scrolled to the end, load details for the rows
// on screen, and the page must neither crash nor throw while details load in the background.
// bench/huge-repository.ts measures the same case (`npm run bench`, scenario 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getLab } from '../lab/lab-client'
import { startFaultProxy, type FaultProxy, type FaultRule } from '../lab/fault-proxy'
import { formatBytes } from '../../shared/format'
import { launchChromium, screenshot, startBerthWeb, type BerthWeb } from './e2e-helpers'

const repository = 'huge/tags'
const tagCount = 200_000
const imagesRepository = 'perf/many'
/** The proxy's names: tag-000000 … tag-199999, already in name order. */
const tagName = (index: number): string => `tag-${String(index).padStart(6, '0')}`
const lastTag = tagName(tagCount - 1)
/** From navigation to the first names on screen; the bench sees ~2 s, a loaded 2-core CI machine far more. */
const firstRowsBoundMs = 60_000

/** The few browser globals the in-page lambdas touch: the Node tsconfig has no DOM lib. */
interface TableGlobals {
  document: { querySelector(selector: string): { scrollTop: number; scrollHeight: number } | null }
}

function proxyRules(): FaultRule[] {
  const prefix = `/v2/${repository}/`
  return [
    { method: 'GET', path: new RegExp(`^${prefix}tags/list(\\?|$)`), fault: { kind: 'tag-list', repository, count: tagCount } },
    {
      // tag-NNNxyz → perf/many's tag-0xyz: 1,000 images, 200 tags each. Digests keep their reference.
      path: new RegExp(`^${prefix}manifests/`),
      fault: {
        kind: 'redirect',
        status: 307,
        location: (path) => {
          const reference = path.slice(`${prefix}manifests/`.length)
          return `/v2/${imagesRepository}/manifests/${/^tag-\d{6}$/.test(reference) ? `tag-0${reference.slice(-3)}` : reference}`
        },
      },
    },
    {
      path: new RegExp(`^${prefix}blobs/`),
      fault: { kind: 'redirect', status: 307, location: (path) => `/v2/${imagesRepository}/blobs/${path.slice(`${prefix}blobs/`.length)}` },
    },
  ]
}

let proxy: FaultProxy
let web: BerthWeb
let browser: Browser
let page: Page
let registryId: string
let crashed = false
const pageErrors: string[] = []

/** Names of the rows in the DOM (the virtualized window), in table order. */
async function renderedNames(): Promise<string[]> {
  const rows = await page.locator('.row[data-tag]').all()
  const named = await Promise.all(
    rows.map(async (row) => ({ tag: (await row.getAttribute('data-tag')) ?? '', index: Number(await row.getAttribute('aria-rowindex')) })),
  )
  return named.sort((a, b) => a.index - b.index).map((row) => row.tag)
}

beforeAll(async () => {
  const lab = getLab()
  expect(lab.open.repositories).toContain(imagesRepository)
  proxy = await startFaultProxy({ upstream: lab.open.url, rules: proxyRules(), maxConnections: 256, lifetimeMs: 300_000 })
  // The proxy builds its ~3 MB page on the first request: before the clock starts.
  await (await fetch(`${proxy.url}/v2/${repository}/tags/list`)).arrayBuffer()
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: 'Huge', url: proxy.url, kind: 'distribution' } })
  registryId = view.id
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('crash', () => (crashed = true))
})

afterAll(async () => {
  // Closing the browser ends the page's details requests; then Berth, then the proxy.
  await browser?.close().catch(() => undefined)
  await web?.close()
  await proxy?.close()
})

describe('a repository of 200,000 tags in one page', () => {
  it('shows the first names in order and the count of 200,000', async () => {
    const started = performance.now()
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${repository}?sort=name&dir=asc`)
    await page.waitForSelector(`.row[data-tag="${tagName(0)}"]`, { timeout: firstRowsBoundMs })
    const shownMs = Math.round(performance.now() - started)
    console.log(`200,000 tags: navigation → first row ${shownMs} ms`)

    const names = await renderedNames()
    expect(names.length).toBeGreaterThanOrEqual(20)
    expect(names.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, index) => tagName(index)))
    await expect.poll(() => page.locator('.count-badge').innerText(), { timeout: 10_000 }).toBe('200,000 tags')
    expect(await page.getAttribute('[role="grid"]', 'aria-rowcount')).toBe(String(tagCount + 1))
    expect(crashed).toBe(false)
  }, 90_000)

  it('shows the last name when scrolled to the end', async () => {
    await page.evaluate(() => {
      const body = (globalThis as unknown as TableGlobals).document.querySelector('.table-body')
      if (body !== null) body.scrollTop = body.scrollHeight
    })
    const last = page.locator(`.row[data-tag="${lastTag}"]`)
    await last.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await last.getAttribute('aria-rowindex')).toBe(String(tagCount + 1))
    const names = await renderedNames()
    expect(names[names.length - 1]).toBe(lastTag)
    expect(names.slice(-3)).toEqual([tagName(tagCount - 3), tagName(tagCount - 2), lastTag])
    await screenshot(page, 'e2e-huge-repository-end.png')
  }, 45_000)

  it('loads details for rows on screen while the page stays alive', async () => {
    await page.evaluate(() => {
      const body = (globalThis as unknown as TableGlobals).document.querySelector('.table-body')
      if (body !== null) body.scrollTop = 0
    })
    await page.locator(`.row[data-tag="${tagName(0)}"]`).waitFor({ state: 'visible', timeout: 30_000 })
    // The first row on screen gets its size: tag-NNNxyz is perf/many's tag-0xyz behind the proxy's redirect.
    const tag = tagName(0)
    const sizeCell = page.locator(`.row[data-tag="${tag}"] .col-size:not([aria-busy="true"])`)
    await sizeCell.waitFor({ state: 'attached', timeout: 60_000 })
    const image = getLab().truth.repositories[imagesRepository]?.[`tag-0${tag.slice(-3)}`]
    expect(image, `perf/many's image of ${tag}`).toBeDefined()
    expect((await sizeCell.innerText()).trim()).toBe(formatBytes(image?.size))
    await expect
      .poll(() => page.locator('.toolbar .progress-text').innerText(), { timeout: 30_000 })
      .toMatch(/^Details [1-9][\d,]* \/ 200,000$/)
    // The page still answers, never crashed and threw nothing, with details loading behind it.
    expect(await page.evaluate(() => 6 * 7)).toBe(42)
    expect(crashed).toBe(false)
    expect(pageErrors).toEqual([])
  }, 90_000)
})

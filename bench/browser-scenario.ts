// Scenario 6 of the issue: in Chromium, via web mode, the time from "open repository" to "first rows
// with details visible", cold (fresh data dir) and warm (same Berth process and data dir, page
// reloaded). Plus the renderer check "10,000 tags render and scroll without jank", measured on the
// lab's 1,000 tags: scroll the table end to end a screen at a time and report the longest frame.
// Every clock runs in the page (performance.now + requestAnimationFrame), so playwright's round
// trips to the browser never count.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, repoRoot, startBerthWeb, staticDir, type BerthWeb } from '../test/e2e/e2e-helpers'
import type { CoreTarget } from './core-scenarios'
import { repeat } from './repeat'
import { round1 } from './stats'

/** Rows that must show their size before the table counts as "first rows with details". */
export const firstRowsWanted = 20

export interface BrowserTimings {
  cold: number[]
  warm: number[]
  scroll: ScrollTiming | null
}

export interface ScrollTiming {
  totalMs: number
  frames: number
  longestFrameMs: number
  steps: number
}

/** The page's globals the in-page functions use: the Node tsconfig has no DOM lib. */
interface PageElement {
  getBoundingClientRect(): { top: number; bottom: number }
  querySelector(selector: string): PageElement | null
  getAttribute(name: string): string | null
  textContent: string | null
  scrollTop: number
  scrollHeight: number
  clientHeight: number
}
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> }
  location: { hash: string }
  requestAnimationFrame(callback: (time: number) => void): number
}

/** `npm run bench` may run on a fresh checkout: build the renderer once, as the set-up step. */
export function ensureBuiltRenderer(log: (line: string) => void): void {
  if (existsSync(join(staticDir, 'index.html'))) return
  log('  out/renderer is missing: running `npm run build`…')
  const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 })
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${String(result.status)})`)
}

/**
 * Runs in the page: sets the hash (what a click on the repository does, through the view store's
 * hashchange listener) and resolves with the ms until a frame shows `want` rows inside the table's
 * viewport whose size cell is filled (not aria-busy).
 */
async function openAndWaitInPage(args: { hash: string; want: number; timeoutMs: number }): Promise<number> {
  const g = globalThis as unknown as PageGlobals
  const start = performance.now()
  g.location.hash = args.hash
  return new Promise<number>((resolve, reject) => {
    const frame = (): void => {
      const now = performance.now()
      const body = g.document.querySelector('.table-body')
      let visible = 0
      let ready = 0
      if (body !== null) {
        const box = body.getBoundingClientRect()
        for (const row of g.document.querySelectorAll('.row[data-tag]')) {
          const r = row.getBoundingClientRect()
          if (r.bottom <= box.top || r.top >= box.bottom) continue
          visible++
          const size = row.querySelector('.col-size')
          if (size !== null && size.getAttribute('aria-busy') !== 'true' && (size.textContent ?? '').trim() !== '') ready++
        }
      }
      if (ready >= args.want) return resolve(now - start)
      if (now - start > args.timeoutMs) return reject(new Error(`after ${args.timeoutMs} ms: ${visible} visible rows, ${ready} with a size`))
      g.requestAnimationFrame(frame)
    }
    g.requestAnimationFrame(frame)
  })
}

/** Runs in the page: one screen per frame from top to bottom; frame lengths from rAF timestamps. */
async function scrollInPage(): Promise<ScrollTiming> {
  const g = globalThis as unknown as PageGlobals
  const body = g.document.querySelector('.table-body')
  if (body === null) throw new Error('no .table-body to scroll')
  const nextFrame = (): Promise<number> => new Promise((resolve) => g.requestAnimationFrame(resolve))
  body.scrollTop = 0
  let last = await nextFrame()
  const first = last
  let longest = 0
  let frames = 0
  let steps = 0
  while (body.scrollTop + body.clientHeight < body.scrollHeight - 1) {
    body.scrollTop += body.clientHeight
    steps++
    const time = await nextFrame()
    longest = Math.max(longest, time - last)
    last = time
    frames++
  }
  return { totalMs: Math.round((last - first) * 10) / 10, frames, longestFrameMs: Math.round(longest * 10) / 10, steps }
}

async function addRegistry(web: BerthWeb, target: CoreTarget): Promise<string> {
  const view = await web.core.api.saveRegistry({ profile: { name: 'Bench TLS', url: target.url, kind: 'distribution', username: target.username } })
  await web.core.api.trustCertificate({ registryId: view.id, caPem: target.caPem })
  await web.core.api.login({ registryId: view.id, username: target.username, secret: target.password })
  return view.id
}

async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/`)
  await page.waitForSelector('.sidebar', { timeout: 30_000 })
}

function repositoryHash(registryId: string, repository: string): string {
  return `#/r/${encodeURIComponent(registryId)}/${repository.split('/').map(encodeURIComponent).join('/')}`
}

async function timeOpen(page: Page, hash: string): Promise<number> {
  return round1(await page.evaluate(openAndWaitInPage, { hash, want: firstRowsWanted, timeoutMs: 30_000 }))
}

/**
 * Each repetition: a fresh Berth (new data dir, empty caches) → cold open; then the page reloaded
 * at `#/` over the same process and data dir → warm open. The first repetition's page also scrolls.
 */
export async function runBrowserScenario(target: CoreTarget, options: { reps: number; budgetMs: number; log: (line: string) => void }): Promise<BrowserTimings> {
  const { log } = options
  ensureBuiltRenderer(log)
  let browser: Browser | null = null
  const result: BrowserTimings = { cold: [], warm: [], scroll: null }
  try {
    browser = await launchChromium()
    const b = browser
    const runs = await repeat(
      async (i) => {
        const web = await startBerthWeb()
        const context = await b.newContext({ viewport: { width: 1400, height: 1200 } })
        // tsx (esbuild, keepNames) wraps the in-page functions' inner functions in `__name(…)`,
        // a helper that exists only in Node: give the page a no-op one.
        await context.addInitScript({ content: 'globalThis.__name = (fn) => fn' })
        try {
          const page = await context.newPage()
          const registryId = await addRegistry(web, target)
          const hash = repositoryHash(registryId, target.repository)
          await openApp(page, web.server.url)
          const cold = await timeOpen(page, hash)
          await openApp(page, web.server.url)
          const warm = await timeOpen(page, hash)
          log(`  chromium #${i + 1}: cold ${Math.round(cold)} ms, warm ${Math.round(warm)} ms to ${firstRowsWanted} rows with sizes`)
          // Once is enough for the longest frame, and the first run always happens whatever the budget.
          return { cold, warm, scroll: i === 0 ? await page.evaluate(scrollInPage) : null }
        } finally {
          await context.close().catch(() => undefined)
          await web.close()
        }
      },
      { reps: options.reps, minReps: Math.min(options.reps, 2), budgetMs: options.budgetMs },
    )
    result.cold = runs.map((r) => r.cold)
    result.warm = runs.map((r) => r.warm)
    result.scroll = runs.find((r) => r.scroll !== null)?.scroll ?? null
    if (result.scroll !== null) log(`  scroll 1,000 rows: ${result.scroll.steps} screens in ${Math.round(result.scroll.totalMs)} ms, longest frame ${Math.round(result.scroll.longestFrameMs)} ms`)
    return result
  } finally {
    await browser?.close().catch(() => undefined)
  }
}

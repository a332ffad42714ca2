// Scenario 6, in Chromium via web mode, on the lab's 1,000-tag perf/many and 10,000-tag perf/wide
// (issue 18, "the app's first rows"): the repository opened sorted by date, the time to the first
// rows with details visible, cold (fresh data dir) and warm (same Berth process and data dir, page
// reloaded: cached rows first, marked as being checked, then verified); the time until every row
// has details, sorted by date; the longest scroll frame while rows are checked and once settled;
// the registry requests per open; and sorting by date. Every clock runs in the page (performance.now
// + requestAnimationFrame), so playwright's round trips to the browser never count.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, repoRoot, startBerthWeb, staticDir, type BerthWeb } from '../test/e2e/e2e-helpers'
import type { CoreTarget } from './core-scenarios'
import { repeat } from './repeat'
import { withFrameCpu, type FrameCpu } from './frame-trace'
import { startRequestCounter, type RequestCounts } from './request-counter'
import type { MeasurementRow } from './report'
import { round1, summarize } from './stats'

/** Rows that must show their size before the table counts as "first rows with details". */
export const firstRowsWanted = 20
/**
 * A frame whose main-thread work (vsync → painted) takes longer than this misses 60 Hz: the
 * issue's "no scroll frame over 16 ms". Its rAF-to-rAF gap then grows to two vsyncs or more.
 */
export const longFrameMs = 16
/** The view every open uses: the hard case, a sort that changes while dates arrive. */
const openQuery = '?sort=date&dir=desc'
/** Header clicks timed per sort measurement (each re-sorts every row, alternating direction). */
const sortClicks = 6

export interface BrowserTimings {
  /** Open → `firstRowsWanted` rows with details, fresh data dir. */
  cold: number[]
  /** Open → the first rows on screen without details (the tag list answered): what the details add is the rest. */
  coldListed: number[]
  /** Page reloaded over a full cache, same repository: → rows shown (cached, marked "checking"). */
  warm: number[]
  /** …and → the same rows verified by the registry. */
  warmVerified: number[]
  /** First repetition only: open → every row has details, with the frames while they stream in. */
  coldAll: FrameWatch | null
  /** Scrolled at wheel speed right after the warm open, while the registry verifies the rows. */
  scrollWhileChecking: TracedScroll | null
  /** Scrolled at wheel speed once every row is verified. */
  scrollSettled: TracedScroll | null
  /** Flung end to end, one screen a frame, once every row is verified. */
  flingSettled: TracedScroll | null
  /** Click on the date header → the frame showing the rows in the new order. */
  sort: number[]
  /** Registry requests (undici's, in this process) of the first cold open until settled, and of a warm one. */
  requests: { cold: RequestCounts; warm: RequestCounts | null } | null
}

export interface FrameStats {
  frames: number
  /** The most main-thread work in one frame: from its vsync to just after it was painted. */
  longestFrameMs: number
  /** Frames whose work took longer than `longFrameMs`. */
  longFrames: number
  /** The longest rAF-to-rAF gap: 16.7 ms at 60 Hz when no frame was dropped. */
  longestGapMs: number
}

export interface ScrollTiming extends FrameStats {
  totalMs: number
  steps: number
}

/** A scroll with its frames' main-thread CPU from a trace (bench/frame-trace.ts). */
export type TracedScroll = ScrollTiming & { cpu: FrameCpu }

/**
 * A wheel notch scrolls 100 px in Chromium (three 33 px lines elsewhere): one a frame is a fast,
 * continuous wheel or trackpad scroll. 600 frames = 60,000 px, 2,000 rows.
 */
const wheelStepPx = 100
const wheelFrames = 600

export interface FrameWatch extends FrameStats {
  totalMs: number
}

export interface OpenTiming {
  /** The first frame with tag rows, with or without details (the tag list or the cache answered). */
  rowsMs: number
  /** Rows showing digest, size and date, verified or not. */
  shownMs: number
  /** The same rows verified (not marked "checking"). */
  verifiedMs: number
  /** With `settle`: until no row is left to load or verify, and the frames meanwhile. */
  settled: FrameWatch | null
}

/** The page's globals the in-page functions use: the Node tsconfig has no DOM lib. */
interface PageElement {
  getBoundingClientRect(): { top: number; bottom: number }
  querySelector(selector: string): PageElement | null
  querySelectorAll(selector: string): Iterable<PageElement>
  getAttribute(name: string): string | null
  click(): void
  textContent: string | null
  scrollTop: number
  scrollHeight: number
  clientHeight: number
}
interface PagePort {
  onmessage: (() => void) | null
  postMessage(message: unknown): void
}
interface PageGlobals {
  MessageChannel: new () => { port1: PagePort; port2: PagePort }
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> }
  location: { hash: string }
  requestAnimationFrame(callback: (time: number) => void): number
  setTimeout(callback: () => void, ms: number): number
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
 * hashchange listener) and times the frames until `want` rows inside the table's viewport show a
 * size (not aria-busy), and until those rows are verified (no `data-checking`). With `settle`, it
 * goes on until the toolbar's details progress is gone, recording every frame meanwhile.
 */
export async function openAndWaitInPage(args: {
  hash: string
  want: number
  timeoutMs: number
  settle: boolean
  longFrameMs: number
}): Promise<OpenTiming> {
  const g = globalThis as unknown as PageGlobals
  const start = performance.now()
  g.location.hash = args.hash
  let rowsMs: number | null = null
  let shownMs: number | null = null
  let verifiedMs: number | null = null
  let last = start
  const watch = { frames: 0, longestFrameMs: 0, longFrames: 0, longestGapMs: 0 }
  // A message posted from a rAF callback runs once that frame's style, layout and paint are done.
  const channel = new g.MessageChannel()
  let frameStart = 0
  channel.port1.onmessage = () => {
    const work = performance.now() - frameStart
    watch.longestFrameMs = Math.max(watch.longestFrameMs, work)
    if (work > args.longFrameMs) watch.longFrames++
  }
  return new Promise<OpenTiming>((resolve, reject) => {
    const frame = (time: number): void => {
      const now = performance.now()
      frameStart = time
      channel.port2.postMessage(0)
      watch.longestGapMs = Math.max(watch.longestGapMs, time - last)
      last = time
      watch.frames++
      const body = g.document.querySelector('.table-body')
      let visible = 0
      let shown = 0
      let verified = 0
      if (body !== null) {
        const box = body.getBoundingClientRect()
        for (const row of g.document.querySelectorAll('.row[data-tag]')) {
          const r = row.getBoundingClientRect()
          if (r.bottom <= box.top || r.top >= box.bottom) continue
          visible++
          const size = row.querySelector('.col-size')
          if (size === null || size.getAttribute('aria-busy') === 'true' || (size.textContent ?? '').trim() === '') continue
          shown++
          if (row.getAttribute('data-checking') === null) verified++
        }
      }
      if (rowsMs === null && visible > 0) rowsMs = now - start
      if (shownMs === null && shown >= args.want) shownMs = now - start
      if (verifiedMs === null && verified >= args.want) verifiedMs = now - start
      if (shownMs !== null && verifiedMs !== null) {
        if (!args.settle) return resolve({ rowsMs: rowsMs ?? shownMs, shownMs, verifiedMs, settled: null })
        if (g.document.querySelector('.toolbar .progress') === null) {
          return resolve({ rowsMs: rowsMs ?? shownMs, shownMs, verifiedMs, settled: { ...watch, totalMs: now - start } })
        }
      }
      if (now - start > args.timeoutMs)
        return reject(new Error(`after ${args.timeoutMs} ms: ${visible} visible rows, ${shown} with a size, ${verified} verified`))
      g.requestAnimationFrame(frame)
    }
    g.requestAnimationFrame(frame)
  })
}

/**
 * Runs in the page: one screen (or `stepPx`) per frame from the top, to the bottom (or `maxSteps`). Each frame's work is timed from its
 * vsync (the rAF timestamp; the scroll event and the table's re-render run before rAF callbacks)
 * to a message posted from its rAF callback, which runs once the frame is painted.
 */
export async function scrollInPage(args: { longFrameMs: number; stepPx?: number; maxSteps?: number }): Promise<ScrollTiming> {
  const g = globalThis as unknown as PageGlobals
  const body = g.document.querySelector('.table-body')
  if (body === null) throw new Error('no .table-body to scroll')
  const nextFrame = (): Promise<number> => new Promise((resolve) => g.requestAnimationFrame(resolve))
  const channel = new g.MessageChannel()
  const painted = (): Promise<number> =>
    new Promise((resolve) => {
      channel.port1.onmessage = () => resolve(performance.now())
      channel.port2.postMessage(0)
    })
  body.scrollTop = 0
  let last = await nextFrame()
  const first = last
  let longest = 0
  let longestGap = 0
  let longFrames = 0
  let frames = 0
  let steps = 0
  while (body.scrollTop + body.clientHeight < body.scrollHeight - 1 && steps < (args.maxSteps ?? Number.POSITIVE_INFINITY)) {
    body.scrollTop += args.stepPx ?? body.clientHeight
    steps++
    const time = await nextFrame()
    const work = (await painted()) - time
    longest = Math.max(longest, work)
    if (work > args.longFrameMs) longFrames++
    longestGap = Math.max(longestGap, time - last)
    last = time
    frames++
  }
  const round = (n: number): number => Math.round(n * 10) / 10
  return { totalMs: round(last - first), frames, longestFrameMs: round(longest), longFrames, longestGapMs: round(longestGap), steps }
}

/**
 * Runs in the page: clicks the date column's header (from the top of the table) and resolves with
 * the ms until just after the frame that first shows the header's new direction and the visible
 * rows in that date order (each date cell's title starts with its ISO date; undated rows go last).
 * The setTimeout queued from that frame's rAF runs after the frame is painted.
 */
export async function sortByDateInPage(args: { timeoutMs: number }): Promise<{ ms: number; direction: string }> {
  const g = globalThis as unknown as PageGlobals
  const header = g.document.querySelector('[role="columnheader"].col-date')
  const button = header?.querySelector('button') ?? null
  const body = g.document.querySelector('.table-body')
  if (header === null || button === null || body === null) throw new Error('no date column header to click')
  body.scrollTop = 0
  await new Promise((resolve) => g.requestAnimationFrame(resolve))
  const before = header.getAttribute('aria-sort')
  const inOrder = (direction: string): boolean => {
    const box = body.getBoundingClientRect()
    let previous: number | null = null
    let rows = 0
    for (const row of g.document.querySelectorAll('.row[data-tag]')) {
      const r = row.getBoundingClientRect()
      if (r.bottom <= box.top || r.top >= box.bottom) continue
      const time = Date.parse((row.querySelector('.col-date')?.getAttribute('title') ?? '').split(' ')[0] ?? '')
      if (Number.isNaN(time)) continue
      rows++
      if (previous !== null && (direction === 'descending' ? time > previous : time < previous)) return false
      previous = time
    }
    return rows > 1
  }
  const start = performance.now()
  button.click()
  return new Promise((resolve, reject) => {
    const frame = (): void => {
      const direction = header.getAttribute('aria-sort')
      if (direction !== null && direction !== before && inOrder(direction)) {
        g.setTimeout(() => resolve({ ms: performance.now() - start, direction }), 0)
        return
      }
      if (performance.now() - start > args.timeoutMs)
        return reject(new Error(`rows not in date order ${args.timeoutMs} ms after the click (aria-sort ${String(direction)})`))
      g.requestAnimationFrame(frame)
    }
    g.requestAnimationFrame(frame)
  })
}

export async function addRegistry(web: BerthWeb, target: CoreTarget): Promise<string> {
  const view = await web.core.api.saveRegistry({
    profile: { name: 'Bench TLS', url: target.url, kind: 'distribution', username: target.username },
  })
  await web.core.api.trustCertificate({ registryId: view.id, caPem: target.caPem })
  await web.core.api.login({ registryId: view.id, username: target.username, secret: target.password })
  return view.id
}

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/`)
  await page.waitForSelector('.sidebar', { timeout: 30_000 })
}

export function repositoryHash(registryId: string, repository: string): string {
  return `#/r/${encodeURIComponent(registryId)}/${repository.split('/').map(encodeURIComponent).join('/')}${openQuery}`
}

async function timeOpen(page: Page, hash: string, settle: boolean): Promise<OpenTiming> {
  const timing = await page.evaluate(openAndWaitInPage, {
    hash,
    want: firstRowsWanted,
    timeoutMs: settle ? 180_000 : 30_000,
    settle,
    longFrameMs,
  })
  return {
    ...timing,
    rowsMs: round1(timing.rowsMs),
    shownMs: round1(timing.shownMs),
    verifiedMs: round1(timing.verifiedMs),
    settled: timing.settled && {
      ...timing.settled,
      totalMs: round1(timing.settled.totalMs),
      longestFrameMs: round1(timing.settled.longestFrameMs),
      longestGapMs: round1(timing.settled.longestGapMs),
    },
  }
}

/** Opens with a request counter on, until every row has details (or is verified, warm). */
async function countedOpen(page: Page, hash: string): Promise<{ timing: OpenTiming; requests: RequestCounts }> {
  const counter = startRequestCounter()
  try {
    const timing = await timeOpen(page, hash, true)
    return { timing, requests: counter.snapshot() }
  } finally {
    counter.stop()
  }
}

interface RepetitionResult {
  cold: OpenTiming
  /** First repetition only: the page reloaded `warmReloads` times over the full cache. */
  warm: OpenTiming[]
  scrollWhileChecking: TracedScroll | null
  scrollSettled: TracedScroll | null
  flingSettled: TracedScroll | null
  sort: number[]
  requests: BrowserTimings['requests']
}

/** Warm opens timed per run: each a page reload over the same Berth, with every row cached. */
const warmReloads = 5

/**
 * Everything the first repetition measures beyond the two opens, right after the last warm open: a
 * wheel-speed scroll while the rows are being verified, then (once verified) the same scroll, a
 * fling (a screen a frame, end to end) and the sorts. Scrolls are traced for each frame's CPU.
 */
async function measureTable(
  browser: Browser,
  page: Page,
  log: (line: string) => void,
): Promise<Pick<RepetitionResult, 'scrollWhileChecking' | 'scrollSettled' | 'flingSettled' | 'sort'>> {
  const scroll = async (args: { stepPx?: number; maxSteps?: number }): Promise<TracedScroll> => {
    const { result, cpu } = await withFrameCpu(browser, page, () => page.evaluate(scrollInPage, { longFrameMs, ...args }))
    return { ...result, cpu }
  }
  const wheel = { stepPx: wheelStepPx, maxSteps: wheelFrames }
  const scrollWhileChecking = await scroll(wheel)
  await page.waitForSelector('.toolbar .progress', { state: 'detached', timeout: 180_000 })
  const scrollSettled = await scroll(wheel)
  const flingSettled = await scroll({})
  const sort: number[] = []
  for (let i = 0; i < sortClicks; i++) {
    const { ms, direction } = await page.evaluate(sortByDateInPage, { timeoutMs: 10_000 })
    sort.push(round1(ms))
    log(`  sort by date (${direction}): ${Math.round(ms)} ms from click to painted frame`)
  }
  return { scrollWhileChecking, scrollSettled, flingSettled, sort }
}

function requestSummary(counts: RequestCounts, tagCount: number): string {
  const per = (n: number): string => (n / tagCount).toFixed(2)
  const { byKind } = counts
  return (
    `${counts.total} requests: tags/list ${byKind.tags}, HEAD ${byKind['head-manifest']} (${per(byKind['head-manifest'])}/tag), ` +
    `GET manifest ${byKind['get-manifest']} + blob ${byKind['get-blob']} (${per(byKind['get-manifest'] + byKind['get-blob'])}/tag), ` +
    `token ${byKind.token}, ping ${byKind.ping}, other ${byKind.other}`
  )
}

/**
 * The first repetition: a fresh Berth (new data dir, empty caches) opens the repository cold and
 * waits until every row has details, sorted by date, counting the registry requests; then the page
 * is reloaded at `#/` and the repository opened again, `warmReloads` times (the first one counted
 * until every row is verified: what a user sees coming back to a repository seen before); then it
 * scrolls and sorts. Later repetitions time the cold open alone, each in a fresh Berth, while the
 * budget lasts.
 */
export async function runBrowserScenario(
  target: CoreTarget,
  options: { reps: number; budgetMs: number; tagCount: number; log: (line: string) => void },
): Promise<BrowserTimings> {
  const { log } = options
  ensureBuiltRenderer(log)
  let browser: Browser | null = null
  try {
    browser = await launchChromium()
    const b = browser
    const runs = await repeat(
      async (i): Promise<RepetitionResult> => {
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
          if (i > 0) {
            const cold = await timeOpen(page, hash, false)
            const listed = `rows listed ${Math.round(cold.rowsMs)} ms`
            log(`  chromium #${i + 1}: cold ${Math.round(cold.shownMs)} ms to ${firstRowsWanted} rows with sizes (${listed})`)
            return { cold, warm: [], scrollWhileChecking: null, scrollSettled: null, flingSettled: null, sort: [], requests: null }
          }
          const { timing: cold, requests: coldRequests } = await countedOpen(page, hash)
          log(
            `  chromium #1: cold ${Math.round(cold.shownMs)} ms to ${firstRowsWanted} rows with sizes ` +
              `(rows listed ${Math.round(cold.rowsMs)} ms); ` +
              `all rows sorted by date ${Math.round(cold.settled?.totalMs ?? 0)} ms, ` +
              `longest frame meanwhile ${Math.round(cold.settled?.longestFrameMs ?? 0)} ms; ` +
              requestSummary(coldRequests, options.tagCount),
          )
          const warm: OpenTiming[] = []
          let warmRequests: RequestCounts | null = null
          for (let w = 0; w < warmReloads; w++) {
            await openApp(page, web.server.url)
            // The first warm open waits until every row is verified, counting; the others until the first rows are.
            if (w === 0) {
              const counted = await countedOpen(page, hash)
              warmRequests = counted.requests
              log(`  warm requests: ${requestSummary(counted.requests, options.tagCount)}`)
              await openApp(page, web.server.url)
            }
            const timing = await timeOpen(page, hash, false)
            warm.push(timing)
            log(`  warm reload #${w + 1}: cached rows shown ${Math.round(timing.shownMs)} ms, verified ${Math.round(timing.verifiedMs)} ms`)
          }
          // The first run always happens whatever the budget: once is enough for frames and sorts.
          const table = await measureTable(b, page, log)
          return { cold, warm, ...table, requests: { cold: coldRequests, warm: warmRequests } }
        } finally {
          await context.close().catch(() => undefined)
          await web.close()
        }
      },
      { reps: options.reps, minReps: Math.min(options.reps, 2), budgetMs: options.budgetMs },
    )
    const first = runs[0]
    const result: BrowserTimings = {
      cold: runs.map((r) => r.cold.shownMs),
      coldListed: runs.map((r) => r.cold.rowsMs),
      warm: (first?.warm ?? []).map((w) => w.shownMs),
      warmVerified: (first?.warm ?? []).map((w) => w.verifiedMs),
      coldAll: first?.cold.settled ?? null,
      scrollWhileChecking: first?.scrollWhileChecking ?? null,
      scrollSettled: first?.scrollSettled ?? null,
      flingSettled: first?.flingSettled ?? null,
      sort: first?.sort ?? [],
      requests: first?.requests ?? null,
    }
    for (const [what, scroll] of [
      ['wheel while checking', result.scrollWhileChecking],
      ['wheel settled', result.scrollSettled],
      ['fling settled', result.flingSettled],
    ] as const) {
      if (scroll !== null)
        log(
          `  scroll, ${what}: ${scroll.steps} steps in ${Math.round(scroll.totalMs)} ms; longest frame CPU ${scroll.cpu.longestCpuMs} ms ` +
            `(median ${scroll.cpu.medianCpuMs}); wall: longest ${scroll.longestFrameMs} ms (gap ${scroll.longestGapMs} ms), ` +
            `${scroll.longFrames} frames > ${longFrameMs} ms`,
        )
    }
    return result
  } finally {
    await browser?.close().catch(() => undefined)
  }
}

/** Scenario 6's rows for one repository; frame counts go in the labels (the table's unit is ms). */
export function browserRows(browser: BrowserTimings, tagCount: number): MeasurementRow[] {
  const tags = tagCount.toLocaleString('en-US')
  const id = (what: string): string => `browser-${tagCount}-${what}`
  const frames = (stats: FrameStats): string => `${stats.longFrames} of ${stats.frames} frames > ${longFrameMs} ms`
  const frameTarget = { maxMs: longFrameMs, text: `≤ ${longFrameMs} ms` }
  const rows: MeasurementRow[] = [
    {
      id: id('cold'),
      label: `6. Chromium, ${tags} tags by date: open → ${firstRowsWanted} rows w/ details, cold`,
      summary: summarize(browser.cold),
      target: { maxMs: 400, text: '≤ 400 ms' },
    },
    {
      id: id('cold-listed'),
      label: `6. Chromium, ${tags}: of which open → tag list shown (token + list)`,
      summary: summarize(browser.coldListed),
    },
  ]
  if (browser.warm.length > 0) {
    rows.push(
      {
        id: id('warm'),
        label: `6. Chromium, ${tags}: same, warm (reloaded, all cached): cached rows shown`,
        summary: summarize(browser.warm),
        target: { maxMs: 100, text: '≤ 100 ms' },
      },
      { id: id('warm-verified'), label: `6. Chromium, ${tags}: same, warm: those rows verified`, summary: summarize(browser.warmVerified) },
    )
  }
  if (browser.coldAll !== null) {
    rows.push(
      {
        id: id('cold-all'),
        label: `6. Chromium, ${tags}: open → all rows w/ details, sorted by date, cold`,
        summary: summarize([browser.coldAll.totalMs]),
        ...(tagCount <= 1000 ? { target: { maxMs: 2500, text: '≤ 2.5 s' } } : {}),
        details: { ...browser.coldAll },
      },
      {
        id: id('cold-all-frame'),
        label: `6. Chromium, ${tags}: longest frame meanwhile (${frames(browser.coldAll)})`,
        summary: summarize([browser.coldAll.longestFrameMs]),
        details: { ...browser.coldAll },
      },
    )
  }
  for (const [what, scroll, suffix, target] of [
    ['wheel while checked', browser.scrollWhileChecking, 'scroll-checking', true],
    ['wheel settled', browser.scrollSettled, 'scroll-settled', true],
    ['fling (a screen a frame) settled', browser.flingSettled, 'fling-settled', false],
  ] as const) {
    if (scroll === null) continue
    rows.push({
      id: id(suffix),
      label: `6. Chromium, ${tags}: scroll, ${what}: longest frame's main-thread CPU (wall: ${frames(scroll)})`,
      summary: summarize([scroll.cpu.longestCpuMs]),
      ...(target ? { target: frameTarget } : {}),
      details: { ...scroll },
    })
  }
  if (browser.sort.length > 0) {
    rows.push({
      id: id('sort-by-date'),
      label: `6. Chromium, ${tags}: sort by date, click → painted`,
      summary: summarize(browser.sort),
      target: { maxMs: 50, text: '< 50 ms' },
    })
  }
  return rows
}

/** The registry requests per tag of the first cold and warm opens, for the report's footer. */
export function browserRequestLine(browser: BrowserTimings, tagCount: number): string | null {
  if (browser.requests === null) return null
  const warm = browser.requests.warm
  return (
    `Chromium ${tagCount.toLocaleString('en-US')} tags, cold: ${requestSummary(browser.requests.cold, tagCount)}` +
    (warm === null ? '' : `; warm: ${requestSummary(warm, tagCount)}`)
  )
}

// Scenario 9, "200,000 tags in one page" (issue "Bounded everything", part "Huge repositories").
// distribution 2.8 answers tags/list without pagination, so a repository of 200,000 tags reaches
// every client as one ~3 MB page. The lab's fault proxy (test/lab/fault-proxy.ts, fault `tag-list`)
// sends that page for huge/tags in front of a plain-HTTP lab registry (`open`, started for this
// scenario alone) and redirects each tag's manifest to one of perf/many's 1,000 images (tag-NNNxyz →
// perf/many's tag-0xyz) and the blobs with it, so the app's rows get real details; everything else
// reaches the registry unchanged. Measured in one run:
// - `berth tags` as a whole process (bin/berth + out/cli, fresh data directory), names one a line and
//   `--json`: wall time, CPU and peak RSS of the child (bench/child-cpu-report.mjs), interleaved with
//   `skopeo list-tags` of the same page (peak RSS through GNU time when /usr/bin/time exists);
// - Chromium on web mode: open the repository → the first 20 names on screen, the page's JS heap
//   then (CDP Runtime.getHeapUsage, and after a forced GC), → 20 rows with details, and a jump to
//   the end of the table → the last name on screen. The page and its Berth close at the end of each
//   repetition while details keep loading in the background.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, CDPSession, Page } from 'playwright-core'
import { startLab, type Lab } from '../test/lab/lab'
import { startFaultProxy, type FaultProxy, type FaultRule } from '../test/lab/fault-proxy'
import { launchChromium, startBerthWeb } from '../test/e2e/e2e-helpers'
import { ensureBuiltRenderer, longFrameMs } from './browser-scenario'
import { runChild } from './child-processes'
import { rotation, timeCliTagNames, type CliNamesTiming } from './cli-process'
import { repeat } from './repeat'
import type { MeasurementRow, RatioRow } from './report'
import { elapsedMs, round1, summarize } from './stats'

export const hugeRepository = 'huge/tags'
export const hugeTagCount = 200_000
/** perf/many on the `open` lab registry: the 1,000 images the huge repository's tags point at. */
const imagesRepository = 'perf/many'
/** Names that must be on screen before the table counts as shown. */
export const namesWanted = 20
const firstName = 'tag-000000'
const lastName = `tag-${String(hugeTagCount - 1).padStart(6, '0')}`
const mebibyte = 1024 * 1024

/**
 * The proxy's rules: the one-page tag list, and tag-NNNxyz's manifest and blobs redirected (307, same
 * host) to perf/many's tag-0xyz, so each of its 1,000 images serves 200 tags. Manifests by digest
 * follow the same redirect.
 */
export function hugeRepositoryRules(repository = hugeRepository, count = hugeTagCount): FaultRule[] {
  const prefix = `/v2/${repository}/`
  return [
    { method: 'GET', path: new RegExp(`^${prefix}tags/list(\\?|$)`), fault: { kind: 'tag-list', repository, count } },
    {
      path: new RegExp(`^${prefix}manifests/`),
      fault: {
        kind: 'redirect',
        status: 307,
        location: (path) => {
          const reference = path.slice(`${prefix}manifests/`.length)
          const image = /^tag-\d{6}$/.test(reference) ? `tag-0${reference.slice(-3)}` : reference
          return `/v2/${imagesRepository}/manifests/${image}`
        },
      },
    },
    {
      path: new RegExp(`^${prefix}blobs/`),
      fault: { kind: 'redirect', status: 307, location: (path) => `/v2/${imagesRepository}/blobs/${path.slice(`${prefix}blobs/`.length)}` },
    },
  ]
}

interface HugeServer {
  lab: Lab
  proxy: FaultProxy
  close(): Promise<void>
}

async function startHugeServer(): Promise<HugeServer> {
  const lab = await startLab({ only: ['open'] })
  try {
    if (!lab.open.repositories.includes(imagesRepository)) throw new Error(`the lab's open registry has no ${imagesRepository}`)
    const proxy = await startFaultProxy({
      upstream: lab.open.url,
      rules: hugeRepositoryRules(),
      maxConnections: 256,
      lifetimeMs: 15 * 60_000,
    })
    // The proxy builds the ~3 MB page on the first request: not inside any timed run.
    await (await fetch(`${proxy.url}/v2/${hugeRepository}/tags/list`)).arrayBuffer()
    return {
      lab,
      proxy,
      async close() {
        await proxy.close()
        await lab.stop()
      },
    }
  } catch (error) {
    await lab.stop()
    throw error
  }
}

export interface SkopeoListing {
  wallMs: number
  /** Peak RSS of skopeo (GNU time's %M), or null without /usr/bin/time. */
  maxRssMiB: number | null
  tags: number
}

const gnuTime = '/usr/bin/time'
const rssMarker = 'berth-bench-max-rss-kib='

/** `skopeo list-tags --tls-verify=false docker://<address>` (the proxy is plain HTTP on loopback). */
export async function timeSkopeoPlainListTags(address: string): Promise<SkopeoListing> {
  const skopeoArgs = ['list-tags', '--tls-verify=false', '--retry-times', '0', `docker://${address}`]
  const measured = existsSync(gnuTime)
  const start = performance.now()
  const result = measured
    ? await runChild(gnuTime, ['-f', `${rssMarker}%M`, 'skopeo', ...skopeoArgs], { timeoutMs: 120_000 })
    : await runChild('skopeo', skopeoArgs, { timeoutMs: 120_000 })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`skopeo list-tags failed (${result.signal ?? result.code}): ${result.stderr.trim().slice(-400)}`)
  const parsed = JSON.parse(result.stdout) as { Tags?: unknown }
  const tags = Array.isArray(parsed.Tags) ? parsed.Tags.length : 0
  const rssLine = result.stderr.split('\n').find((line) => line.startsWith(rssMarker))
  const maxRssMiB = rssLine === undefined ? null : round1(Number(rssLine.slice(rssMarker.length)) / 1024)
  return { wallMs, maxRssMiB, tags }
}

export interface HugeCliTimings {
  names: CliNamesTiming[]
  json: CliNamesTiming[]
  skopeo: SkopeoListing[]
}

function checkNames(timing: CliNamesTiming, what: string): CliNamesTiming {
  if (timing.names !== hugeTagCount || timing.first !== firstName || timing.last !== lastName)
    throw new Error(
      `${what}: ${timing.names} names (${timing.first} … ${timing.last}), expected ${hugeTagCount} (${firstName} … ${lastName})`,
    )
  return timing
}

/** Rounds of the three listings, each round in another order (cli-process.ts rotation), while the budget lasts. */
async function timeCliListings(
  server: HugeServer,
  options: { reps: number; workDir: string; log: (line: string) => void },
): Promise<HugeCliTimings> {
  const address = `${server.proxy.host}/${hugeRepository}`
  const timings: HugeCliTimings = { names: [], json: [], skopeo: [] }
  const cli = async (json: boolean): Promise<void> => {
    const dataDirectory = await mkdtemp(join(options.workDir, 'huge-cli-'))
    try {
      const what = json ? 'berth tags --json' : 'berth tags'
      const timing = checkNames(await timeCliTagNames(address, { dataDirectory, json }), what)
      ;(json ? timings.json : timings.names).push(timing)
      options.log(`  ${what}: ${timing.wallMs} ms, CPU ${timing.cpuMs} ms, peak RSS ${timing.maxRssMiB} MiB`)
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  }
  const skopeo = async (): Promise<void> => {
    const listing = await timeSkopeoPlainListTags(address)
    if (listing.tags !== hugeTagCount) throw new Error(`skopeo list-tags: ${listing.tags} tags, expected ${hugeTagCount}`)
    timings.skopeo.push(listing)
    options.log(`  skopeo list-tags: ${listing.wallMs} ms, peak RSS ${listing.maxRssMiB ?? '?'} MiB`)
  }
  const commands = [() => cli(false), () => cli(true), skopeo]
  await repeat(
    async (round) => {
      for (const index of rotation(commands.length, round)) await commands[index]?.()
    },
    { reps: options.reps, minReps: Math.min(options.reps, 3), budgetMs: 45_000 },
  )
  return timings
}

export interface HugeBrowserRun {
  /** Open → the /api/listTags answer fully received (Berth listed, validated and sent the 200,000 names). */
  listedMs: number
  /** Open → `namesWanted` names on screen. */
  namesMs: number
  /** The frames from open to names shown. */
  frames: number
  longestFrameMs: number
  longFrames: number
  /** Open → `namesWanted` rows on screen with a size; null if not within the wait. */
  detailsMs: number | null
  /** JS heap of the page right when the names are shown (used / allocated), and after a forced GC. */
  heapUsedMiB: number
  heapTotalMiB: number
  heapRetainedMiB: number
  /** The app at `#/` before opening the repository, after a forced GC. */
  heapBaselineMiB: number
  /** Scrolled to the end of the table → the last name on screen. */
  scrollEndMs: number
  /** Closing the page and its Berth (details still loading in the background). */
  closeMs: number
}

/** The page's globals the in-page functions use: the Node tsconfig has no DOM lib. */
interface PageElement {
  getBoundingClientRect(): { top: number; bottom: number }
  querySelector(selector: string): PageElement | null
  getAttribute(name: string): string | null
  textContent: string | null
  scrollTop: number
  scrollHeight: number
}
interface PageWatch {
  namesMs: number | null
  detailsMs: number | null
  done: boolean
}
interface HugePageGlobals {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> }
  location: { hash: string }
  performance: {
    now(): number
    clearResourceTimings(): void
    getEntriesByType(type: string): Array<{ name: string; responseEnd: number }>
  }
  requestAnimationFrame(callback: (time: number) => void): number
  berthHugeWatch?: PageWatch
}

export interface NamesShown {
  namesMs: number
  listedMs: number
  names: string[]
  frames: number
  longestFrameMs: number
  longFrames: number
}

/**
 * Runs in the page: sets the hash (what a click on the repository does) and resolves once `want`
 * rows inside the table's viewport show their names (within `timeoutMs`), with the frames until then.
 * The same frame loop then goes on until `want` of them show a size (or `detailsTimeoutMs` from the
 * open), into `berthHugeWatch`.
 */
export async function openAndWatchInPage(args: {
  hash: string
  want: number
  timeoutMs: number
  detailsTimeoutMs: number
  longFrameMs: number
}): Promise<NamesShown> {
  const page = globalThis as unknown as HugePageGlobals
  const watch: PageWatch = { namesMs: null, detailsMs: null, done: false }
  page.berthHugeWatch = watch
  page.performance.clearResourceTimings()
  const start = page.performance.now()
  page.location.hash = args.hash
  let last = start
  const stats = { frames: 0, longestFrameMs: 0, longFrames: 0 }
  return new Promise<NamesShown>((resolve, reject) => {
    const frame = (time: number): void => {
      const now = page.performance.now()
      if (watch.namesMs === null) {
        stats.frames++
        stats.longestFrameMs = Math.max(stats.longestFrameMs, time - last)
        if (time - last > args.longFrameMs) stats.longFrames++
        last = time
      }
      const body = page.document.querySelector('.table-body')
      const names: string[] = []
      let sized = 0
      if (body !== null) {
        const box = body.getBoundingClientRect()
        for (const row of page.document.querySelectorAll('.row[data-tag]')) {
          const bounds = row.getBoundingClientRect()
          if (bounds.bottom <= box.top || bounds.top >= box.bottom) continue
          names.push(row.getAttribute('data-tag') ?? '')
          const size = row.querySelector('.col-size')
          if (size !== null && size.getAttribute('aria-busy') !== 'true' && (size.textContent ?? '').trim() !== '') sized++
        }
      }
      if (watch.namesMs === null && names.length >= args.want) {
        watch.namesMs = now - start
        const listing = page.performance.getEntriesByType('resource').find((entry) => entry.name.includes('/api/listTags'))
        resolve({ ...stats, namesMs: watch.namesMs, listedMs: listing === undefined ? -1 : listing.responseEnd - start, names })
      }
      if (watch.detailsMs === null && sized >= args.want) watch.detailsMs = now - start
      if (watch.detailsMs !== null || now - start > (watch.namesMs === null ? args.timeoutMs : args.detailsTimeoutMs)) {
        watch.done = true
        if (watch.namesMs === null) reject(new Error(`after ${args.timeoutMs} ms: ${names.length} names on screen`))
        return
      }
      page.requestAnimationFrame(frame)
    }
    page.requestAnimationFrame(frame)
  })
}

/** Runs in the page: waits for openAndWatchInPage's loop to end; the ms to `want` rows with a size, or null. */
export async function detailsShownInPage(): Promise<number | null> {
  const page = globalThis as unknown as HugePageGlobals
  return new Promise<number | null>((resolve) => {
    const frame = (): void => {
      const watch = page.berthHugeWatch
      if (watch === undefined || watch.done) resolve(watch?.detailsMs ?? null)
      else page.requestAnimationFrame(frame)
    }
    page.requestAnimationFrame(frame)
  })
}

/** Runs in the page: jumps to the end of the table and resolves with the ms until `name` is on screen. */
export async function scrollToEndInPage(args: { name: string; timeoutMs: number }): Promise<number> {
  const page = globalThis as unknown as HugePageGlobals
  const body = page.document.querySelector('.table-body')
  if (body === null) throw new Error('no .table-body to scroll')
  const start = page.performance.now()
  body.scrollTop = body.scrollHeight
  return new Promise<number>((resolve, reject) => {
    const frame = (): void => {
      const box = body.getBoundingClientRect()
      const row = page.document.querySelector(`.row[data-tag="${args.name}"]`)
      const bounds = row?.getBoundingClientRect()
      if (bounds !== undefined && bounds.bottom > box.top && bounds.top < box.bottom) return resolve(page.performance.now() - start)
      if (page.performance.now() - start > args.timeoutMs)
        return reject(new Error(`${args.name} not on screen ${args.timeoutMs} ms after the jump`))
      page.requestAnimationFrame(frame)
    }
    page.requestAnimationFrame(frame)
  })
}

async function heapMiB(cdp: CDPSession, collect: boolean): Promise<{ used: number; total: number }> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage')
  const heap = await cdp.send('Runtime.getHeapUsage')
  return { used: round1(heap.usedSize / mebibyte), total: round1(heap.totalSize / mebibyte) }
}

async function openInBrowser(browser: Browser, proxyUrl: string, log: (line: string) => void, repetition: number): Promise<HugeBrowserRun> {
  const web = await startBerthWeb()
  const context = await browser.newContext({ viewport: { width: 1400, height: 1200 } })
  let run: HugeBrowserRun | null = null
  try {
    // tsx (esbuild, keepNames) wraps the in-page functions' inner functions in `__name(…)`,
    // a helper that exists only in Node: give the page a no-op one.
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn' })
    const view = await web.core.api.saveRegistry({ profile: { name: 'Bench huge', url: proxyUrl, kind: 'distribution' } })
    const page: Page = await context.newPage()
    let crashed = false
    page.on('crash', () => (crashed = true))
    await page.goto(`${web.server.url}#/`)
    await page.waitForSelector('.sidebar', { timeout: 30_000 })
    const cdp = await context.newCDPSession(page)
    const baseline = await heapMiB(cdp, true)
    const hash = `#/r/${encodeURIComponent(view.id)}/${hugeRepository}`
    const shown = await page.evaluate(openAndWatchInPage, {
      hash,
      want: namesWanted,
      timeoutMs: 60_000,
      detailsTimeoutMs: 20_000,
      longFrameMs,
    })
    const atNames = await heapMiB(cdp, false)
    const retained = await heapMiB(cdp, true)
    if (shown.names[0] !== firstName)
      throw new Error(`the table's first names are ${shown.names.slice(0, 3).join(', ')}, not ${firstName} …`)
    const detailsMs = await page.evaluate(detailsShownInPage)
    const scrollEndMs = await page.evaluate(scrollToEndInPage, { name: lastName, timeoutMs: 30_000 })
    if (crashed) throw new Error('the page crashed')
    run = {
      listedMs: round1(shown.listedMs),
      namesMs: round1(shown.namesMs),
      frames: shown.frames,
      longestFrameMs: round1(shown.longestFrameMs),
      longFrames: shown.longFrames,
      detailsMs: detailsMs === null ? null : round1(detailsMs),
      heapUsedMiB: atNames.used,
      heapTotalMiB: atNames.total,
      heapRetainedMiB: retained.used,
      heapBaselineMiB: baseline.used,
      scrollEndMs: round1(scrollEndMs),
      closeMs: 0,
    }
    const withDetails = run.detailsMs === null ? '—' : `${Math.round(run.detailsMs)} ms`
    log(
      `  chromium #${repetition + 1}: list answered ${Math.round(run.listedMs)} ms, ` +
        `${namesWanted} names ${Math.round(run.namesMs)} ms (longest frame ${Math.round(run.longestFrameMs)} ms), ` +
        `with details ${withDetails}; JS heap ${run.heapUsedMiB} / ${run.heapTotalMiB} MiB, ` +
        `after GC ${run.heapRetainedMiB} MiB (app alone ${run.heapBaselineMiB} MiB); end of the table ${Math.round(run.scrollEndMs)} ms`,
    )
    return run
  } finally {
    const closeStart = performance.now()
    await context.close().catch(() => undefined)
    await web.close()
    const closeMs = elapsedMs(closeStart)
    if (run !== null) run.closeMs = closeMs
    log(`  closed the page and its Berth in ${Math.round(closeMs)} ms`)
  }
}

export interface HugeRepositoryResult extends HugeCliTimings {
  browser: HugeBrowserRun[]
}

/** Everything of scenario 9, on its own lab registry and proxy, stopped at the end. */
export async function runHugeRepositoryScenario(options: {
  reps: number
  workDir: string
  log: (line: string) => void
}): Promise<HugeRepositoryResult> {
  const { log } = options
  ensureBuiltRenderer(log)
  const server = await startHugeServer()
  let browser: Browser | null = null
  try {
    log(`  ${hugeTagCount.toLocaleString('en-US')} tags of ${hugeRepository} in one page from ${server.proxy.url}`)
    const cli = await timeCliListings(server, options)
    browser = await launchChromium()
    const chromium = browser
    const runs = await repeat((repetition) => openInBrowser(chromium, server.proxy.url, log, repetition), {
      reps: Math.min(options.reps, 3),
      minReps: Math.min(options.reps, 2),
      budgetMs: 60_000,
    })
    return { ...cli, browser: runs }
  } finally {
    await browser?.close().catch(() => undefined)
    await server.close()
  }
}

/** Scenario 9's rows of the bench table (memory rows in MiB). */
export function hugeRepositoryRows(result: HugeRepositoryResult): MeasurementRow[] {
  const tags = hugeTagCount.toLocaleString('en-US')
  const browser = result.browser
  const rows: MeasurementRow[] = []
  for (const [id, what, timings] of [
    ['names', 'berth tags (names)', result.names],
    ['json', 'berth tags --json', result.json],
  ] as const) {
    rows.push(
      {
        id: `huge-cli-${id}-wall`,
        label: `9. ${tags} tags in one page: ${what}, wall`,
        summary: summarize(timings.map((t) => t.wallMs)),
        details: { cpuMs: summarize(timings.map((t) => t.cpuMs)) },
      },
      { id: `huge-cli-${id}-cpu`, label: `9. ${what}: CPU`, summary: summarize(timings.map((t) => t.cpuMs)) },
      { id: `huge-cli-${id}-rss`, label: `9. ${what}: peak RSS`, unit: 'MiB', summary: summarize(timings.map((t) => t.maxRssMiB)) },
    )
  }
  rows.push({ id: 'huge-skopeo-wall', label: '9. skopeo list-tags, wall', summary: summarize(result.skopeo.map((s) => s.wallMs)) })
  const skopeoRss = result.skopeo.flatMap((s) => (s.maxRssMiB === null ? [] : [s.maxRssMiB]))
  if (skopeoRss.length > 0)
    rows.push({ id: 'huge-skopeo-rss', label: '9. skopeo list-tags: peak RSS', unit: 'MiB', summary: summarize(skopeoRss) })
  if (browser.length === 0) return rows
  const details = browser.flatMap((run) => (run.detailsMs === null ? [] : [run.detailsMs]))
  rows.push(
    {
      id: 'huge-browser-listed',
      label: '9. Chromium: open → the tag list answered (/api/listTags)',
      summary: summarize(browser.map((run) => run.listedMs)),
    },
    {
      id: 'huge-browser-names',
      label: `9. Chromium: open → first ${namesWanted} names shown`,
      summary: summarize(browser.map((run) => run.namesMs)),
      details: { frames: browser.map((run) => run.frames), longFrames: browser.map((run) => run.longFrames) },
    },
    {
      id: 'huge-browser-open-frame',
      label: '9. Chromium: longest frame meanwhile',
      summary: summarize(browser.map((run) => run.longestFrameMs)),
    },
    {
      id: 'huge-browser-heap',
      label: '9. Chromium: JS heap used, names shown',
      unit: 'MiB',
      summary: summarize(browser.map((run) => run.heapUsedMiB)),
      details: { allocatedMiB: browser.map((run) => run.heapTotalMiB) },
    },
    {
      id: 'huge-browser-heap-retained',
      label: '9. Chromium: JS heap after GC, names shown',
      unit: 'MiB',
      summary: summarize(browser.map((run) => run.heapRetainedMiB)),
    },
    {
      id: 'huge-browser-heap-baseline',
      label: '9. Chromium: JS heap after GC, app before opening',
      unit: 'MiB',
      summary: summarize(browser.map((run) => run.heapBaselineMiB)),
    },
  )
  if (details.length > 0)
    rows.push({
      id: 'huge-browser-details',
      label: `9. Chromium: open → ${namesWanted} rows with details (${details.length} of ${browser.length} runs)`,
      summary: summarize(details),
    })
  rows.push(
    {
      id: 'huge-browser-scroll-end',
      label: '9. Chromium: jump to the end → last name shown',
      summary: summarize(browser.map((run) => run.scrollEndMs)),
    },
    {
      id: 'huge-browser-close',
      label: '9. Chromium: close page and Berth while details load',
      summary: summarize(browser.map((run) => run.closeMs)),
    },
  )
  return rows
}

/** berth tags --json against skopeo list-tags, same page, same run. */
export function hugeRepositoryRatios(result: HugeRepositoryResult): RatioRow[] {
  const median = (values: number[]): number => summarize(values).median
  return [
    {
      id: 'huge-cli-json-vs-skopeo',
      label: `berth tags --json vs skopeo list-tags, ${hugeTagCount.toLocaleString('en-US')} tags (wall)`,
      value: median(result.json.map((t) => t.wallMs)) / median(result.skopeo.map((s) => s.wallMs)),
    },
  ]
}

// Where the renderer's time goes (issue 18: "profile first"): Chromium's CPU profiler over web mode
// on the lab's perf/wide, opened by date cold until every row has details, then scrolled end to
// end while a warm reload's rows are checked, then once settled. Build the renderer unminified first
// so functions keep their names:
//   BERTH_RENDERER_MINIFY=0 npm run build && npx tsx bench/browser-profile.ts [repository]
// Writes bench/results/browser-profile/<phase>.cpuprofile (open them in Chromium's DevTools) and
// prints the top functions by self time per phase; then traces one more settled scroll and prints the
// renderer main thread's time by trace event (style, layout, paint, script…): the CPU profile shows
// rendering work only as "(program)". Rebuild normally afterwards.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, CDPSession, Page } from 'playwright-core'
import { launchChromium, startBerthWeb } from '../test/e2e/e2e-helpers'
import { startBenchLab } from './bench-lab'
import { addRegistry, firstRowsWanted, longFrameMs, openAndWaitInPage, openApp, repositoryHash, scrollInPage } from './browser-scenario'
import { summarizeProfile } from './cpu-profile-top'

const outDir = join(import.meta.dirname, 'results', 'browser-profile')

async function profiled<T>(cdp: CDPSession, phase: string, run: () => Promise<T>): Promise<T> {
  await cdp.send('Profiler.start')
  const result = await run()
  const { profile } = await cdp.send('Profiler.stop')
  await writeFile(join(outDir, `${phase}.cpuprofile`), JSON.stringify(profile))
  const summary = summarizeProfile(profile, 18)
  console.log(`\n${phase}: ${summary.totalMs} ms sampled; ${JSON.stringify(result)}`)
  for (const row of summary.functions) console.log(`  ${String(row.selfMs).padStart(8)} ms ${String(row.share).padStart(5)}%  ${row.name}`)
  return result
}

interface TraceEvent {
  name: string
  ph: string
  dur?: number
  pid: number
  tid: number
  args?: { name?: string }
}

/** The renderer main thread's time per event name (complete events only, nested ones counted too). */
async function traced(browser: Browser, page: Page, phase: string, run: () => Promise<unknown>): Promise<void> {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
  const result = await run()
  const buffer = await browser.stopTracing()
  await writeFile(join(outDir, `${phase}.trace.json`), buffer)
  const { traceEvents } = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] }
  const main = traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const totals = new Map<string, { ms: number; count: number }>()
  for (const e of traceEvents) {
    if (main === undefined || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.dur === undefined) continue
    const total = totals.get(e.name) ?? { ms: 0, count: 0 }
    total.ms += e.dur / 1000
    total.count++
    totals.set(e.name, total)
  }
  console.log(`\n${phase} (trace, renderer main thread): ${JSON.stringify(result)}`)
  for (const [name, total] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20))
    console.log(`  ${total.ms.toFixed(1).padStart(9)} ms ${String(total.count).padStart(6)}×  ${name}`)
}

async function open(page: Page, hash: string, settle: boolean): Promise<unknown> {
  return page.evaluate(openAndWaitInPage, { hash, want: firstRowsWanted, timeoutMs: 300_000, settle, longFrameMs })
}

await mkdir(outDir, { recursive: true })
const bench = await startBenchLab()
const web = await startBerthWeb()
const browser = await launchChromium()
try {
  const repository = process.argv[2] ?? bench.wide.repository
  const context = await browser.newContext({ viewport: { width: 1400, height: 1200 } })
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn' })
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  const registryId = await addRegistry(web, { ...bench.target, repository })
  const hash = repositoryHash(registryId, repository)
  await openApp(page, web.server.url)
  await profiled(cdp, 'cold-open', () => open(page, hash, true))
  await openApp(page, web.server.url)
  await profiled(cdp, 'warm-open', () => open(page, hash, false))
  await profiled(cdp, 'scroll-checking', () => page.evaluate(scrollInPage, { longFrameMs }))
  await page.waitForSelector('.toolbar .progress', { state: 'detached', timeout: 180_000 })
  await profiled(cdp, 'scroll-settled', () => page.evaluate(scrollInPage, { longFrameMs }))
  await traced(browser, page, 'scroll-settled', () => page.evaluate(scrollInPage, { longFrameMs }))
} finally {
  await browser.close().catch(() => undefined)
  await web.close()
  await bench.lab.stop()
}

// Scenario 10's warm whole-registry usage, for profiling: one cold run fills a data directory, then
// each warm run (fresh engine over it) prints its wall time and a timeline of the HTTP requests it
// sent (start → headers, from undici's diagnostics channels), so the critical path is visible.
//   npx tsx bench/storage-profile.ts [warm runs] [--cpu-prof DIR]
// With --cpu-prof, the warm runs alone (not the lab or the cold run) are profiled into DIR/warm.cpuprofile;
// summarise with `npx tsx bench/cpu-profile-top.ts DIR`.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultTagDetailsConcurrency } from '../electron/operations/tag-details'
import { startBenchLab } from './bench-lab'
import { openSession, withoutWide } from './storage-scenario'

interface Sent {
  method: string
  path: string
  startMs: number
  headersMs: number | null
  status: number | null
}

function requestLog(origin: () => number): { sent: Sent[]; stop: () => void } {
  const sent: Sent[] = []
  const byRequest = new WeakMap<object, Sent>()
  const onCreate = (message: unknown): void => {
    const request = (message as { request?: { method?: unknown; path?: unknown } }).request
    if (typeof request !== 'object' || request === null) return
    const entry: Sent = {
      method: String(request.method),
      path: String(request.path).split('?')[0] ?? '',
      startMs: origin(),
      headersMs: null,
      status: null,
    }
    byRequest.set(request, entry)
    sent.push(entry)
  }
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request?: object; response?: { statusCode?: unknown } }
    const entry = request ? byRequest.get(request) : undefined
    if (!entry) return
    entry.headersMs = origin()
    entry.status = typeof response?.statusCode === 'number' ? response.statusCode : null
  }
  subscribe('undici:request:create', onCreate)
  subscribe('undici:request:headers', onHeaders)
  return {
    sent,
    stop() {
      unsubscribe('undici:request:create', onCreate)
      unsubscribe('undici:request:headers', onHeaders)
    },
  }
}

const warmRuns = Number(process.argv[2] ?? '5')
const profileFlag = process.argv.indexOf('--cpu-prof')
const profileDir = profileFlag > 0 ? process.argv[profileFlag + 1] : undefined
const bench = await startBenchLab()
const workDir = await mkdtemp(join(tmpdir(), 'berth-storage-profile-'))
try {
  await withoutWide(bench, async () => {
    const cold = openSession(bench, workDir, defaultTagDetailsConcurrency)
    const first = performance.now()
    await cold.session.registryUsage('')
    await cold.engine.close()
    console.log(`cold: ${(performance.now() - first).toFixed(0)} ms`)
    const inspector = profileDir === undefined ? null : new Session()
    if (inspector) {
      inspector.connect()
      await inspector.post('Profiler.enable')
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 })
      await inspector.post('Profiler.start')
    }
    for (let i = 0; i < warmRuns; i++) {
      const start = performance.now()
      const log = requestLog(() => performance.now() - start)
      const { engine, session } = openSession(bench, workDir, defaultTagDetailsConcurrency)
      // Timed as the bench times it: the measurement alone, after the session is made.
      const measured = performance.now()
      const usage = await session.registryUsage('')
      const ms = performance.now() - measured
      log.stop()
      await engine.close()
      console.log(`warm #${i + 1}: ${ms.toFixed(0)} ms, ${usage.tagsFromCache} tags from the cache, ${log.sent.length} requests`)
      if (process.env.QUIET) continue
      for (const r of log.sent) {
        const span = `${r.startMs.toFixed(1).padStart(7)} → ${(r.headersMs ?? NaN).toFixed(1).padStart(7)} ms`
        console.log(`  ${span}  ${r.status ?? '…'} ${r.method} ${r.path}`)
      }
    }
    if (inspector && profileDir !== undefined) {
      const { profile } = await inspector.post('Profiler.stop')
      await mkdir(profileDir, { recursive: true })
      await writeFile(join(profileDir, 'warm.cpuprofile'), JSON.stringify(profile))
      inspector.disconnect()
    }
  })
} finally {
  await bench.lab.stop()
  await rm(workDir, { recursive: true, force: true })
}

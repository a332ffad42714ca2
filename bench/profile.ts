// Scenario 1 once, for profiling and request accounting: run it under the V8 profiler with
//   node --cpu-prof --cpu-prof-dir=bench/results/profile --import tsx bench/profile.ts
// then summarise with `npx tsx bench/cpu-profile-top.ts bench/results/profile`.
// Prints the cold timing and the HTTP requests per tag (from undici's diagnostics channels).
import { rm } from 'node:fs/promises'
import { startBenchLab } from './bench-lab'
import { timeCold } from './core-scenarios'
import { startRequestCounter } from './request-counter'
import { defaultTagDetailsConcurrency } from '../electron/operations/tag-details'

const concurrency = process.argv[2] !== undefined ? Number(process.argv[2]) : defaultTagDetailsConcurrency
const bench = await startBenchLab()
try {
  const counter = startRequestCounter()
  const timing = await timeCold(bench.target, { concurrency })
  counter.stop()
  await rm(timing.cacheDirectory, { recursive: true, force: true })
  const counts = counter.snapshot()
  const perTag = Object.fromEntries(Object.entries(counts.byKind).map(([kind, n]) => [kind, Math.round((n / timing.tags) * 1000) / 1000]))
  console.log(JSON.stringify({ concurrency, timing, counts, perTag, issuer: bench.lab.issuer.stats() }, null, 2))
} finally {
  await bench.lab.stop()
}

// Preloaded into a child the bench times (`node --import ./bench/child-cpu-report.mjs bin/berth …`):
// at exit, the child reports its own CPU time — process.cpuUsage(), every thread of the process:
// main, workers, libuv's pool, V8's GC — and peak memory as one JSON line on file descriptor 3.
// Plain JavaScript on purpose: the child must run exactly what a user runs, with no TypeScript loader.
import { writeSync } from 'node:fs'

process.on('exit', () => {
  const cpu = process.cpuUsage()
  const report = {
    userMicros: cpu.user,
    systemMicros: cpu.system,
    maxRssKiB: process.resourceUsage().maxRSS,
    uptimeMs: performance.now(),
  }
  try {
    writeSync(3, `${JSON.stringify(report)}\n`)
  } catch {
    // No descriptor 3 (started by hand): nothing to report to.
  }
})

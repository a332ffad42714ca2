// Scenario 2, in a fresh process: with the digest cache directory a cold run filled, as a restarted
// Berth would see it: the cached rows (no request), then every tag verified. Only the (unavoidable)
// per-tag HEADs should reach the registry. Prints one JSON line (WarmChildResult) on stdout. Started by bench/run.ts as
//   npx tsx bench/warm-child.ts --url https://127.0.0.1:PORT --ca FILE --user NAME --repository R --cache DIR [--concurrency N]
// with the password in BERTH_BENCH_PASSWORD (not argv: other users can read a command line).
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { timeWarm } from './core-scenarios'
import { startRequestCounter } from './request-counter'
import type { WarmChildResult } from './warm-run'
import { defaultTagDetailsConcurrency } from '../electron/operations/tag-details'

async function main(): Promise<void> {
  const startupMs = Math.round(performance.now())
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      ca: { type: 'string' },
      user: { type: 'string' },
      repository: { type: 'string' },
      cache: { type: 'string' },
      concurrency: { type: 'string', default: String(defaultTagDetailsConcurrency) },
    },
    strict: true,
  })
  const password = process.env.BERTH_BENCH_PASSWORD
  if (!values.url || !values.ca || !values.user || !values.repository || !values.cache || password === undefined) {
    throw new Error('warm-child needs --url --ca --user --repository --cache and BERTH_BENCH_PASSWORD')
  }
  const target = {
    url: values.url,
    caPem: await readFile(values.ca, 'utf8'),
    username: values.user,
    password,
    repository: values.repository,
  }
  // Counting here is cheap next to the run and tells whether the warm path really skips GETs.
  const counter = startRequestCounter()
  const timing = await timeWarm(target, { concurrency: Number(values.concurrency), cacheDirectory: values.cache })
  counter.stop()
  const result: WarmChildResult = { ...timing, startupMs, requests: counter.snapshot() }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`warm-child: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})

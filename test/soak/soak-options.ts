// Command line of `npm run soak`: how long, which seed, how often to sample, and a self-test that
// plants a known leak to show the checks catch one.
import { parseArgs } from 'node:util'

export const leakKinds = ['agents', 'listeners'] as const
export type LeakKind = (typeof leakKinds)[number]

export interface SoakOptions {
  durationMs: number
  seed: number
  /** Samples are taken at the first iteration boundary after each interval. */
  sampleEveryMs: number
  /** Where the JSON summary goes. */
  jsonPath: string
  /** A planted leak (self-test of the checks); null for a real soak. */
  injectLeak: LeakKind | null
  /** Print every iteration's faults and errors. */
  verbose: boolean
}

export const usage = `Usage: npm run soak -- [--minutes N | --seconds N] [--seed N] [--sample-seconds N] [--json FILE]
                        [--inject-leak agents|listeners] [--verbose]
  Lists, paginates and deletes through the fault proxy until the time is up, then checks that file
  descriptors, memory and processes came back. Default 3 minutes; exit 0 PASS, 1 FAIL, 2 hung or usage.`

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} wants a positive number, not "${text}"`)
  return value
}

export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string' },
      'sample-seconds': { type: 'string' },
      json: { type: 'string', default: 'test-results/soak.json' },
      'inject-leak': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) throw new Error(usage)
  const minutes = positiveNumber(values.minutes, 'minutes')
  const seconds = positiveNumber(values.seconds, 'seconds')
  if (minutes !== undefined && seconds !== undefined) throw new Error('give --minutes or --seconds, not both')
  const durationMs = Math.round(seconds !== undefined ? seconds * 1000 : (minutes ?? 3) * 60_000)
  const seedText = values.seed
  // A seed from the clock when none is given; printed at the start so the run can be repeated.
  const seed = seedText === undefined ? Date.now() % 2_147_483_647 : Number(seedText)
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed wants a whole number, not "${seedText}"`)
  const sampleSeconds = positiveNumber(values['sample-seconds'], 'sample-seconds')
  // About 36 samples whatever the duration, so each quarter of the run has enough to take a median of.
  const sampleEveryMs = sampleSeconds !== undefined ? sampleSeconds * 1000 : Math.min(10_000, Math.max(1_000, durationMs / 36))
  const leak = values['inject-leak']
  if (leak !== undefined && !(leakKinds as readonly string[]).includes(leak)) {
    throw new Error(`--inject-leak is one of ${leakKinds.join(', ')}, not "${leak}"`)
  }
  return {
    durationMs,
    seed,
    sampleEveryMs,
    jsonPath: values.json,
    injectLeak: (leak as LeakKind | undefined) ?? null,
    verbose: values.verbose,
  }
}

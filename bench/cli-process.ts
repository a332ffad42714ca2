// Scenarios 7 and 8: the `berth` CLI as a whole process, as a user runs it — bin/berth and the bundle
// `npm run build` writes to out/cli, no TypeScript loader. 7: start-up (`berth --help`) side by side
// with `node -e 0` and `skopeo --help`. 8: `berth tags … --details --json` with a fresh data
// directory (no cache), wall time from the parent and CPU time from the child itself: it is
// started with bench/child-cpu-report.mjs preloaded, which writes process.cpuUsage() (every thread
// of the process, exact to the microsecond) and its peak RSS to file descriptor 3 as it exits.
// Scenario 9 times `berth tags` (names, and --json) of one 200,000-name page the same way.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { runChild } from './child-processes'
import { elapsedMs, round1 } from './stats'

const repoRoot = join(import.meta.dirname, '..')
export const berthBin = join(repoRoot, 'bin', 'berth')
const bundleEntry = join(repoRoot, 'out', 'cli', 'berth.js')
const cpuReporter = pathToFileURL(join(import.meta.dirname, 'child-cpu-report.mjs')).href

function newestMtime(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs)
}

/**
 * The bench times the bundle, so it must be the bundle of these sources: built when missing or
 * older than electron/, shared/ or its config (the CLI build alone takes a few seconds).
 */
export function ensureCliBundle(log: (line: string) => void): void {
  const sources = ['electron', 'shared', 'vite.cli.config.ts'].map((path) => newestMtime(join(repoRoot, path)))
  if (existsSync(bundleEntry) && statSync(bundleEntry).mtimeMs >= Math.max(...sources)) return
  log(`  ${existsSync(bundleEntry) ? 'out/cli is older than the sources' : 'out/cli is missing'}: building the CLI bundle…`)
  const result = spawnSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 180_000,
  })
  if (result.status !== 0 || !existsSync(bundleEntry)) throw new Error(`building the CLI bundle failed (exit ${String(result.status)})`)
}

/** The environment of a timed child: no NODE_OPTIONS, so nothing (a TypeScript loader, an inspector) rides along. */
function childEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete environment.NODE_OPTIONS
  return environment
}

export interface StartupCommand {
  id: string
  command: string
  args: string[]
  /** Text the command must print on stdout (checked on its untimed first run). */
  prints?: string
}

/**
 * The order of `count` commands in round `round`: each once, starting one further along every
 * round, so that drift in the machine's load falls on every command alike.
 */
export function rotation(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + round) % count)
}

async function startOnce(command: StartupCommand): Promise<{ wallMs: number; stdout: string }> {
  const start = performance.now()
  const result = await runChild(command.command, command.args, { env: childEnvironment(), timeoutMs: 30_000 })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`${command.id} exited with ${result.signal ?? result.code}: ${result.stderr.trim().slice(-400)}`)
  return { wallMs, stdout: result.stdout }
}

/** Spawn → exit of each command, `rounds` times, interleaved; after one untimed run each (warm page cache). */
export async function timeStartups(commands: readonly StartupCommand[], rounds: number): Promise<Map<string, number[]>> {
  for (const command of commands) {
    const { stdout } = await startOnce(command)
    if (command.prints !== undefined && !stdout.includes(command.prints))
      throw new Error(`${command.id} did not print "${command.prints}": ${stdout.slice(0, 200)}`)
  }
  const times = new Map<string, number[]>(commands.map((command) => [command.id, []]))
  for (let round = 0; round < rounds; round++) {
    for (const index of rotation(commands.length, round)) {
      const command = commands[index] as StartupCommand
      times.get(command.id)?.push((await startOnce(command)).wallMs)
    }
  }
  return times
}

const cpuReportSchema = z.object({ userMicros: z.number(), systemMicros: z.number(), maxRssKiB: z.number(), uptimeMs: z.number() })

export interface ChildCpu {
  /** user + system, milliseconds. */
  cpuMs: number
  userMs: number
  systemMs: number
  maxRssMiB: number
}

/** The last line bench/child-cpu-report.mjs wrote, in milliseconds and MiB. */
export function parseCpuReport(text: string): ChildCpu {
  const line = text.trim().split('\n').pop() ?? ''
  if (line === '') throw new Error('the child wrote no CPU report (was bench/child-cpu-report.mjs preloaded?)')
  const report = cpuReportSchema.parse(JSON.parse(line))
  return {
    cpuMs: round1((report.userMicros + report.systemMicros) / 1000),
    userMs: round1(report.userMicros / 1000),
    systemMs: round1(report.systemMicros / 1000),
    maxRssMiB: round1(report.maxRssKiB / 1024),
  }
}

const listingRowSchema = z.object({
  tag: z.string(),
  digest: z.string().nullable(),
  size: z.number().nullable(),
  created: z.string().nullable(),
})

/** `berth tags --details --json` output: how many rows, and how many with digest, size and date. */
export function tallyListing(stdout: string): { rows: number; complete: number } {
  const rows = z.array(listingRowSchema).parse(JSON.parse(stdout))
  return { rows: rows.length, complete: rows.filter((row) => row.digest !== null && row.size !== null && row.created !== null).length }
}

export interface CliListingTarget {
  /** 127.0.0.1:<port> of the TLS + token registry */
  host: string
  repository: string
  /** The registry CA as a PEM file (--ca). */
  caFile: string
  username: string
  /** Goes to the child on stdin (--password-stdin): never on its command line or in a file. */
  password: string
}

export interface CliListingTiming extends ChildCpu {
  /** Spawn → exit, seen from the bench. */
  wallMs: number
  rows: number
  complete: number
}

/** One `berth tags <host>/<repository> --details --json` in a fresh process with `dataDirectory` (fresh and empty = cold). */
export async function timeCliListing(
  target: CliListingTarget,
  options: { dataDirectory: string; concurrency: number },
): Promise<CliListingTiming> {
  const args = [
    '--import',
    cpuReporter,
    berthBin,
    'tags',
    `${target.host}/${target.repository}`,
    '--details',
    '--json',
    '--ca',
    target.caFile,
    '--username',
    target.username,
    '--password-stdin',
    '--concurrency',
    String(options.concurrency),
  ]
  const start = performance.now()
  const result = await runChild(process.execPath, args, {
    env: childEnvironment({ BERTH_DATA_DIR: options.dataDirectory }),
    input: `${target.password}\n`,
    reportChannel: true,
    timeoutMs: 120_000,
  })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`berth tags exited with ${result.signal ?? result.code}: ${result.stderr.trim().slice(-600)}`)
  return { wallMs, ...parseCpuReport(result.report), ...tallyListing(result.stdout) }
}

export interface CliNamesTiming extends ChildCpu {
  /** Spawn → exit, seen from the bench. */
  wallMs: number
  /** Names printed, and the first and last of them (the CLI sorts by name). */
  names: number
  first: string
  last: string
}

/** What `berth tags <address>` printed: one name a line, or with `--json` an array of names. */
export function parseTagNames(stdout: string, json: boolean): string[] {
  if (json) return z.array(z.string()).parse(JSON.parse(stdout))
  const lines = stdout.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * One `berth tags <address>` (names only, no details: the tag list request and printing it) in a
 * fresh process with `dataDirectory`, with `--json` or as the one-name-a-line text; CPU and peak RSS
 * from the child itself (bench/child-cpu-report.mjs).
 */
export async function timeCliTagNames(address: string, options: { dataDirectory: string; json: boolean }): Promise<CliNamesTiming> {
  const args = ['--import', cpuReporter, berthBin, 'tags', address, ...(options.json ? ['--json'] : [])]
  const start = performance.now()
  const result = await runChild(process.execPath, args, {
    env: childEnvironment({ BERTH_DATA_DIR: options.dataDirectory }),
    reportChannel: true,
    timeoutMs: 120_000,
  })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`berth tags exited with ${result.signal ?? result.code}: ${result.stderr.trim().slice(-600)}`)
  const names = parseTagNames(result.stdout, options.json)
  return { wallMs, ...parseCpuReport(result.report), names: names.length, first: names[0] ?? '', last: names[names.length - 1] ?? '' }
}

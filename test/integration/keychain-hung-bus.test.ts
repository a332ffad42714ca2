// The real `berth` CLI against a D-Bus session bus that accepts connections and never answers (a
// wedged dbus-daemon or Secret Service). The README promises an answer within 2 s and no file
// fallback; these tests hold the process to it end to end: it answers, and it exits by itself, even
// though the native keychain call it started never returns.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createProfileStore } from '../../electron/stores/profiles/profile-store'
import { startSilentBus, type SilentBus } from '../lab/keyring'
import { getLab } from '../lab/lab-client'

const projectRoot = join(import.meta.dirname, '..', '..')
// The TypeScript entry through tsx, not a build: the code under test as it is in the tree.
const cliEntry =
  "import('./electron/doors/cli/cli.ts').then(async (m) => { process.exitCode = await m.runCli(process.argv.slice(1), m.nodeIo()) })"
/** Far beyond the 2 s deadline plus tsx start-up: a CLI still running then has hung. */
const hangMs = 20_000

interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Date.now() at spawn and when the process exited. */
  startedAt: number
  exitAt: number
  /** Processes still running that carry this run's marker in their environment (the CLI's children). */
  leftBehind: number[]
}

/** PIDs whose environment holds `marker` (Linux /proc; processes of other users are unreadable and skipped). */
function processesWithMarker(marker: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(join('/proc', entry, 'environ'), 'latin1').includes(marker)) found.push(Number(entry))
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found
}

function runBerth(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> {
  const markerName = 'BERTH_TEST_RUN'
  const markerValue = randomUUID()
  return new Promise((resolve, reject) => {
    const startedAt = Date.now()
    // Its own process group, so a hung run is killed with everything it started.
    const cli = spawn(process.execPath, ['--import', 'tsx', '-e', cliEntry, '--', ...args], {
      cwd: projectRoot,
      env: { ...env, [markerName]: markerValue },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    let exitAt = Number.POSITIVE_INFINITY
    const killer = setTimeout(() => {
      if (cli.pid !== undefined) process.kill(-cli.pid, 'SIGKILL')
    }, hangMs)
    cli.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    cli.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    cli.once('exit', () => {
      exitAt = Date.now()
    })
    cli.once('error', (error) => {
      clearTimeout(killer)
      reject(error)
    })
    cli.once('close', (code, signal) => {
      clearTimeout(killer)
      const leftBehind = processesWithMarker(`${markerName}=${markerValue}`)
      for (const pid of leftBehind) process.kill(pid, 'SIGKILL')
      resolve({ code, signal, stdout, stderr, startedAt, exitAt, leftBehind })
    })
    cli.stdin.on('error', () => undefined)
    cli.stdin.end(stdin)
  })
}

describe('the berth CLI with a session bus that never answers', () => {
  let bus: SilentBus
  let directory: string
  let dataDir: string
  let env: NodeJS.ProcessEnv
  // Registries that let anyone in: `berth login` checks the credentials with the registry before it
  // stores them, so the registry must answer; then only the keychain is in the way.
  const lab = getLab()
  const registries = [lab.open, lab.noDelete, lab.paging]
  const hosts = registries.map((registry) => registry.host)

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'berth-hung-bus-'))
    bus = await startSilentBus(directory)
  })
  afterAll(async () => {
    await bus.stop()
    rmSync(directory, { recursive: true, force: true })
  })

  beforeEach(() => {
    dataDir = mkdtempSync(join(directory, 'data-'))
    // Saved profiles: `registries` needs no network, and `login` only the registry's check.
    const profiles = createProfileStore(join(dataDir, 'profiles.json'))
    for (const registry of registries) profiles.save({ name: registry.host, url: registry.url, kind: 'distribution', username: 'alice' })
    env = { ...process.env, BERTH_DATA_DIR: dataDir, DBUS_SESSION_BUS_ADDRESS: bus.address }
    delete env.BERTH_KEYCHAIN_TIMEOUT_MS
    delete env.DISPLAY
  })
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

  /**
   * Not hung, nothing left running, and exited no later than `deadlineMs` + `slackMs` after its
   * keychain process reached the bus: the deadline, then the answer and the exit at once. (tsx
   * start-up and module loading come before that connection, take seconds on a busy machine and are
   * not the keychain's.) Exactly one connection: after the missed deadline every other keychain call
   * of the run failed at once instead of trying again.
   */
  function expectAnsweredAndExited(run: CliRun, deadlineMs: number, slackMs = 1_500): void {
    expect(run.signal, `killed after ${hangMs} ms: the CLI hung`).toBeNull()
    expect(run.leftBehind).toEqual([])
    const connections = bus.connectedAt.filter((at) => at >= run.startedAt && at <= run.exitAt)
    expect(connections).toHaveLength(1)
    expect(run.exitAt - (connections[0] ?? 0)).toBeLessThan(deadlineMs + slackMs)
  }

  it('berth registries prints the table without credentials after one 2 s deadline, exits 0 at once', async () => {
    const run = await runBerth(['registries'], env)
    // One deadline for the first read; the other five reads (two per registry) fail at once.
    expectAnsweredAndExited(run, 2_000)
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const rows = run.stdout.trim().split('\n').slice(1)
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual(hosts.map((host) => host.replace(/[^a-z0-9]+/g, '-')).sort())
    for (const row of rows) expect(row.split(/\s+/)[4]).toBe('none')
  })

  it('berth login fails with keychain_unavailable within 2 s, says what to do, and exits at once', async () => {
    const run = await runBerth(['login', hosts[0] ?? '', '--username', 'alice', '--password-stdin'], env, 'hunter2\n')
    expectAnsweredAndExited(run, 2_000)
    expect(run.code).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/keychain .*did not answer within 2 s \(write\)/)
    expect(run.stderr).toMatch(/gnome-keyring or KWallet/)
    expect(run.stderr).toMatch(/--username and --password-stdin/)
    expect(run.stderr).not.toContain('hunter2')
  })

  it('berth login --json reports the error as keychain_unavailable', async () => {
    const run = await runBerth(['login', hosts[1] ?? '', '--username', 'alice', '--password-stdin', '--json'], env, 'hunter2\n')
    expectAnsweredAndExited(run, 2_000)
    expect(run.code).toBe(3)
    expect(`${run.stdout}${run.stderr}`).toContain('"keychain_unavailable"')
  })

  it('takes its deadline from BERTH_KEYCHAIN_TIMEOUT_MS', async () => {
    const run = await runBerth(
      ['login', hosts[2] ?? '', '--username', 'alice', '--password-stdin'],
      { ...env, BERTH_KEYCHAIN_TIMEOUT_MS: '300' },
      'pw\n',
    )
    // On a busy machine 300 ms can pass before the keychain process has connected: no bus timing here.
    expect(run.signal, `killed after ${hangMs} ms: the CLI hung`).toBeNull()
    expect(run.leftBehind).toEqual([])
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/did not answer within 300 ms \(write\)/)
  })

  it('leaves no profile behind when a login for a new registry fails at the keychain', async () => {
    // A registry the credentials are right for: the registry accepts them, then the keychain hangs.
    const { username, password } = lab.users.reader
    const run = await runBerth(['login', lab.basic.host, '--username', username, '--password-stdin'], env, `${password}\n`)
    expect(run.signal, `killed after ${hangMs} ms: the CLI hung`).toBeNull()
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/did not answer within 2 s \(write\)/)
    const saved = createProfileStore(join(dataDir, 'profiles.json')).list()
    expect(saved.map((profile) => profile.url).sort()).toEqual(registries.map((registry) => registry.url).sort())
  })
})

// A real, private Secret Service for the keychain tests: its own D-Bus session bus and
// gnome-keyring-daemon, with HOME / XDG_DATA_HOME / XDG_RUNTIME_DIR in a temp dir, so the tests
// exercise the same @napi-rs/keyring code path as the app without touching anyone's keyring.
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isPidAlive, trackTempDir, untrackTempDir } from './processes'

export interface Keyring {
  /** process.env plus the private bus address and the temp HOME/XDG directories. */
  env: NodeJS.ProcessEnv
  /** The keyring's unlock password (what gnome-keyring was fed on stdin). */
  password: string
  /** PIDs of dbus-daemon and gnome-keyring-daemon (gone after stop()). */
  pids: number[]
  stop(): Promise<void>
}

export interface StartKeyringOptions {
  /** Outside limit for the whole start-up. Default 20 s (two shared cores, seven engineers). */
  timeoutMs?: number
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function killAllSync(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  running.clear()
}

/** Spawns under `setpriv --pdeathsig` so the kernel kills the daemon if the test process dies abruptly. */
function spawnDaemon(command: string, args: string[], env: NodeJS.ProcessEnv, logPath: string, stdin: string | null): ChildProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', killAllSync)
  }
  const log = openSync(logPath, 'a')
  try {
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args], {
      env,
      stdio: [stdin === null ? 'ignore' : 'pipe', log, log],
    })
    running.add(child)
    child.once('exit', () => running.delete(child))
    child.once('error', () => running.delete(child))
    if (stdin !== null) {
      child.stdin?.on('error', () => undefined)
      child.stdin?.end(stdin)
    }
    return child
  } finally {
    closeSync(log)
  }
}

async function stopChild(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
  running.delete(child)
}

/** Polls `check` until it returns true or the deadline passes. */
async function waitFor(what: string, deadline: number, check: () => Promise<boolean>, alive: () => string | null): Promise<void> {
  for (;;) {
    const dead = alive()
    if (dead !== null) throw new Error(`${what}: ${dead}`)
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`${what}: not ready before the deadline`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function nameHasOwner(env: NodeJS.ProcessEnv, name: string): Promise<boolean> {
  try {
    const { stdout } = await runWithEnv(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      env,
    )
    return /boolean true/.test(stdout)
  } catch {
    return false
  }
}

/** Runs a short command with exactly `env`; resolves with its stdout, rejects on a non-zero exit. */
function runWithEnv(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`${command} exited with ${code}`))))
  })
}

function exitedReason(child: ChildProcess, name: string, logPath: string): string | null {
  if (child.exitCode === null && child.signalCode === null) return null
  let log: string
  try {
    log = readFileSync(logPath, 'utf8').trim().slice(-2_000)
  } catch {
    log = ''
  }
  return `${name} exited (${child.signalCode ?? child.exitCode})${log ? `: ${log}` : ''}`
}

/**
 * Starts dbus-daemon (session config, listening on a socket in the temp dir) and
 * `gnome-keyring-daemon --foreground --unlock --components=secrets` fed a known password on stdin,
 * waits until org.freedesktop.secrets is on the bus, and returns the environment to use.
 * Everything is torn down by stop() — also when start-up fails.
 */
export async function startKeyring(options: StartKeyringOptions = {}): Promise<Keyring> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  const dir = mkdtempSync(join(tmpdir(), 'berth-keyring-'))
  trackTempDir(dir)
  const home = join(dir, 'home')
  const dataHome = join(dir, 'data')
  const runtime = join(dir, 'runtime')
  for (const path of [home, dataHome, runtime]) mkdirSync(path, { mode: 0o700 })
  const children: ChildProcess[] = []
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    // The keyring first: it is a client of the bus and exits cleanly while the bus is still there.
    for (const child of [...children].reverse()) await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
    untrackTempDir(dir)
  }
  const password = 'berth-test-keyring'
  const address = `unix:path=${join(runtime, 'bus')}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: dataHome,
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(home, '.config'),
    DBUS_SESSION_BUS_ADDRESS: address,
  }
  // Never let anything started here see the caller's display or an agent: no prompts, no autolaunch.
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  delete env.GNOME_KEYRING_CONTROL
  try {
    const busLog = join(dir, 'dbus.log')
    const bus = spawnDaemon('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=${address}`], env, busLog, null)
    children.push(bus)
    await waitFor(
      'dbus-daemon',
      deadline,
      () => nameHasOwner(env, 'org.freedesktop.DBus'),
      () => exitedReason(bus, 'dbus-daemon', busLog),
    )
    const keyringLog = join(dir, 'gnome-keyring.log')
    const keyring = spawnDaemon('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], env, keyringLog, password)
    children.push(keyring)
    await waitFor(
      'gnome-keyring-daemon',
      deadline,
      () => nameHasOwner(env, 'org.freedesktop.secrets'),
      () => exitedReason(keyring, 'gnome-keyring-daemon', keyringLog),
    )
    return {
      env,
      password,
      get pids() {
        return children.map((child) => child.pid).filter((pid): pid is number => pid !== undefined && isPidAlive(pid))
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

export interface ChildStepResult {
  ok: boolean
  value?: unknown
  error?: { code: string; message: string; fix?: string }
}

/**
 * Runs `node --import tsx <script>` with `env`, the command as JSON on stdin, and returns the JSON
 * line it prints. Killed after `timeoutMs`: a step can never hang the test run.
 */
export function runTsxChild(
  script: string,
  command: unknown,
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; args?: string[] } = {},
): Promise<ChildStepResult> {
  const timeoutMs = options.timeoutMs ?? 30_000
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], {
      env,
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    running.add(child)
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', (error) => {
      clearTimeout(timer)
      running.delete(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const line = stdout.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as ChildStepResult)
      } catch {
        reject(new Error(`${script} exited (${signal ?? code}) without a result: ${stderr.trim().slice(-2_000) || stdout.slice(-2_000)}`))
      }
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(JSON.stringify(command))
  })
}

export interface SilentBus {
  /** For DBUS_SESSION_BUS_ADDRESS: `unix:path=…`. */
  address: string
  /** Date.now() of every connection accepted so far (each then left waiting forever). */
  readonly connectedAt: readonly number[]
  stop(): Promise<void>
}

/**
 * A "session bus" that accepts every connection and never sends a byte: what a wedged dbus-daemon or
 * Secret Service looks like to a client, which then blocks in the D-Bus authentication handshake.
 */
export async function startSilentBus(directory: string): Promise<SilentBus> {
  const path = join(directory, 'silent-bus')
  const sockets = new Set<Socket>()
  const connectedAt: number[] = []
  const server = createServer((socket) => {
    connectedAt.push(Date.now())
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, resolve)
  })
  return {
    address: `unix:path=${path}`,
    connectedAt,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

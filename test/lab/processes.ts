import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'

/**
 * Every child the lab starts and every temp dir it owns, so that nothing outlives the test run:
 * `stop()` ends them politely, and the exit/signal hooks below end them even when a test run is
 * interrupted. Children are also started under `setpriv --pdeathsig SIGKILL` so the kernel kills
 * them if this process dies without running any hook (SIGKILL, OOM).
 */
const children = new Set<ChildProcess>()
const tempDirs = new Set<string>()
let hooksInstalled = false

function killAllSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  children.clear()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync()
  process.removeListener('SIGINT', onSignal)
  process.removeListener('SIGTERM', onSignal)
  // Re-raise only when nobody else (vitest, the CLI) handles the signal, so their cleanup still runs.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function installHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killAllSync)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

export function trackTempDir(dir: string): void {
  installHooks()
  tempDirs.add(dir)
}

export function untrackTempDir(dir: string): void {
  tempDirs.delete(dir)
}

export interface SpawnedServer {
  child: ChildProcess
  pid: number
  /** Resolves when the process has exited (immediately if it already has). */
  exited: Promise<void>
}

/** Starts a long-running server process whose stdout/stderr go to `logFd`. */
export function spawnTracked(command: string, args: string[], logFd: number): SpawnedServer {
  installHooks()
  const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args], {
    stdio: ['ignore', logFd, logFd],
  })
  if (child.pid === undefined) throw new Error(`could not start ${command}`)
  children.add(child)
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    child.once('exit', () => {
      children.delete(child)
      resolve()
    })
    child.once('error', () => {
      children.delete(child)
      resolve()
    })
  })
  return { child, pid: child.pid, exited }
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
export async function stopServer(server: SpawnedServer, graceMs = 3000): Promise<void> {
  const { child } = server
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await server.exited
    clearTimeout(timer)
  }
  children.delete(child)
}

/**
 * True while a process with this PID runs (signal 0 probes without touching it). A zombie counts
 * as gone: an orphan waits for PID 1 to reap it, which some container inits do late.
 */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

export interface RunResult {
  stdout: string
  stderr: string
}

/** Runs a short command to completion (openssl, htpasswd, skopeo, cp); rejects on a non-zero exit. */
export function run(command: string, args: string[], options: { input?: string; cwd?: string } = {}): Promise<RunResult> {
  installHooks()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], cwd: options.cwd })
    children.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', (error) => {
      children.delete(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      children.delete(child)
      if (code === 0) resolve({ stdout, stderr })
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}): ${stderr.trim() || stdout.trim()}`))
    })
    if (options.input !== undefined && child.stdin !== null) {
      // A child that exits without reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.input)
    }
  })
}

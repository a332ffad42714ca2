// Children the bench starts itself (the warm child via npx, skopeo, the CLI), each in its own process group
// so that killing the group also ends what npx/tsx started beneath it. run.ts calls killChildren()
// on exit, on failure and on Ctrl+C; nothing the bench started may outlive it.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { Readable } from 'node:stream'

const running = new Set<ChildProcess>()

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** What the child wrote to file descriptor 3 (with `reportChannel`; '' otherwise). */
  report: string
}

export interface RunChildOptions {
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  /** Written to the child's stdin, which is then closed (stdin is /dev/null without it). */
  input?: string
  /** Opens file descriptor 3 in the child as a pipe for a side report (bench/child-cpu-report.mjs). */
  reportChannel?: boolean
}

/** Runs `command` to completion in its own process group; rejects only if it cannot start. */
export function runChild(command: string, args: string[], options: RunChildOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe'
    const stdio: StdioOptions = options.reportChannel ? [stdin, 'pipe', 'pipe', 'pipe'] : [stdin, 'pipe', 'pipe']
    const child = spawn(command, args, { stdio, detached: true, ...(options.env ? { env: options.env } : {}) })
    running.add(child)
    let stdout = ''
    let stderr = ''
    let report = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const reportStream = child.stdio[3]
    if (reportStream instanceof Readable) reportStream.setEncoding('utf8').on('data', (chunk: string) => (report += chunk))
    // A child that exits without reading its input must not crash the bench with EPIPE.
    child.stdin?.on('error', () => undefined).end(options.input)
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => killGroup(child), options.timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      running.delete(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ code, signal, stdout, stderr, report })
    })
  })
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Kills every still-running child group (synchronous: safe in an 'exit' handler). */
export function killChildren(): void {
  for (const child of running) killGroup(child)
  running.clear()
}

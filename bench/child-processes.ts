// Children the bench starts itself (the warm child via npx, skopeo), each in its own process group
// so that killing the group also ends what npx/tsx started beneath it. run.ts calls killChildren()
// on exit, on failure and on Ctrl+C; nothing the bench started may outlive it.
import { spawn, type ChildProcess } from 'node:child_process'

const running = new Set<ChildProcess>()

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs `command` to completion in its own process group; rejects only if it cannot start. */
export function runChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(options.env ? { env: options.env } : {}) })
    running.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => killGroup(child), options.timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      running.delete(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ code, signal, stdout, stderr })
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

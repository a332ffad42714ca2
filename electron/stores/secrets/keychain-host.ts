// Where @napi-rs/keyring calls run: never on the caller's thread, because the library's calls are
// synchronous and, on a D-Bus session bus that accepts a connection and never answers, block inside
// native code with no deadline of their own.
//
// The default host is a child process: the one thing that can always be stopped mid-call (SIGKILL).
// A worker thread cannot be: terminate() only interrupts JavaScript, and Node joins every worker
// thread before the process exits (natural end, process.exit() alike), so one stuck native call kept
// `berth login` and `berth registries` alive indefinitely (measured: still running after 5 minutes).
// The worker-thread host is kept only for the Electron main process without a launcher from the shell:
// there process.execPath is the app itself and the packaged app's RunAsNode fuse is off, so the
// child process needs Electron's utilityProcess (see KeychainStoreOptions.launch).
import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { Worker } from 'node:worker_threads'

export type KeychainOperation =
  { op: 'get'; account: string } | { op: 'set'; account: string; secret: string } | { op: 'delete'; account: string }

export type KeychainRequest = KeychainOperation & { id: number }

export interface KeychainHostEvents {
  /** One answer from the host, not yet validated: `{ id, ok: true, value }` or `{ id, ok: false, message }`. */
  reply(raw: unknown): void
  /** The host stopped or could not start: every call sent to it is lost. Not called after kill(). */
  exit(reason: string): void
}

export interface KeychainHost {
  /** Sends one operation; the host runs them one at a time, in order. */
  send(request: KeychainRequest): void
  /** Ends the host at once, even when it is inside a blocking native call. */
  kill(): void
}

/** Starts a host for `service`. A host must never keep the Berth process alive on its own. */
export type KeychainHostLauncher = (service: string, events: KeychainHostEvents) => KeychainHost

// The program every host runs: plain CommonJS so it needs no TypeScript loader or bundler entry (the
// same string works under tsx, vitest and a bundle). It speaks JSON lines on stdin/stdout in a child
// process, and messages through parentPort in a worker thread or an Electron utility process. The
// last two arguments are the URL to resolve @napi-rs/keyring from and the keychain service name.
// `store: 'secret-service'` on Linux: see keychain-store.ts.
export const keychainHostProgram = `
const { createRequire } = require('node:module')
const threads = require('node:worker_threads')
const threadPort = threads.parentPort
const [base, service] = threadPort ? [threads.workerData.base, threads.workerData.service] : process.argv.slice(-2)
let keyring = null
let loadError = null
try { keyring = createRequire(base)('@napi-rs/keyring') } catch (error) { loadError = error }
const describe = (error) => (error && error.message) ? String(error.message) : String(error)
function run(request) {
  try {
    if (keyring === null) throw loadError
    const entry = new keyring.Entry(service, request.account, { linux: { store: 'secret-service' } })
    let value = null
    if (request.op === 'get') value = entry.getPassword() ?? null
    else if (request.op === 'set') entry.setPassword(request.secret)
    else value = entry.deleteCredential()
    return { id: request.id, ok: true, value }
  } catch (error) {
    return { id: request.id, ok: false, message: describe(error) }
  }
}
if (threadPort) {
  threadPort.on('message', (request) => threadPort.postMessage(run(request)))
} else if (process.parentPort) {
  process.parentPort.on('message', (event) => process.parentPort.postMessage(run(event.data)))
} else {
  let buffered = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk) => {
    buffered += chunk
    for (let end = buffered.indexOf('\\n'); end !== -1; end = buffered.indexOf('\\n')) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      if (line.trim() !== '') process.stdout.write(JSON.stringify(run(JSON.parse(line))) + '\\n')
    }
  })
  // Berth closed the pipe or exited: nothing more will be asked.
  process.stdin.on('end', () => process.exit(0))
}
`

// Children still running when Berth exits (e.g. through process.exit() while a call is pending) are
// killed then: an orphan stuck on the bus would otherwise linger until the bus lets go of it.
const liveChildren = new Set<ChildProcess>()
let exitHookInstalled = false

function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL')
  liveChildren.clear()
}

/** The default outside Electron: `node -e <program>` with the secret only ever on its stdin pipe. */
export const launchChildProcessHost: KeychainHostLauncher = (service, events) => {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', killLiveChildren)
  }
  // Never on the command line or in the environment: the secret goes through stdin only.
  // --input-type: the program is CommonJS whatever NODE_OPTIONS says.
  const child = spawn(process.execPath, ['--input-type=commonjs', '-e', keychainHostProgram, '--', import.meta.url, service], {
    stdio: ['pipe', 'pipe', 'ignore'],
    windowsHide: true,
  })
  liveChildren.add(child)
  let killed = false
  const ended = (reason: string): void => {
    liveChildren.delete(child)
    if (!killed) events.exit(reason)
    killed = true
  }
  child.once('error', (error) => ended(`the keychain process could not run: ${error.message}`))
  child.once('exit', (code, signal) => ended(`the keychain process stopped (${signal ?? `exit code ${code}`})`))
  child.stdin?.on('error', () => undefined)
  let buffered = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      let parsed: unknown
      try {
        parsed = JSON.parse(line)
      } catch {
        continue
      }
      events.reply(parsed)
    }
  })
  // Neither the process nor its pipes keep Berth alive: a pending call's deadline timer does, and
  // only until the call is answered or the child is killed.
  child.unref()
  for (const pipe of [child.stdin, child.stdout]) (pipe as Socket | null)?.unref()
  return {
    send(request) {
      child.stdin?.write(`${JSON.stringify(request)}\n`)
    },
    kill() {
      killed = true
      liveChildren.delete(child)
      child.kill('SIGKILL')
    },
  }
}

/**
 * A worker thread: bounded, not stoppable. A call past its deadline is abandoned (the worker is
 * unref'd and terminated, and a late answer is ignored), but a worker stuck in a native call is still
 * joined when the process ends. Used only when nothing better can run (see the top of this file).
 */
export const launchWorkerThreadHost: KeychainHostLauncher = (service, events) => {
  // No inherited execArgv: `--input-type=module` there would make the CommonJS program fail to load.
  const worker = new Worker(keychainHostProgram, { eval: true, execArgv: [], workerData: { base: import.meta.url, service } })
  let killed = false
  worker.on('message', (raw: unknown) => {
    if (!killed) events.reply(raw)
  })
  worker.on('error', (error) => {
    if (!killed) events.exit(`the keychain worker failed: ${error.message}`)
    killed = true
  })
  worker.on('exit', () => {
    if (!killed) events.exit('the keychain worker stopped')
    killed = true
  })
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref()
  return {
    send: (request) => worker.postMessage(request),
    kill() {
      killed = true
      worker.unref()
      void worker.terminate().catch(() => undefined)
    },
  }
}

/** A child process in Node; a worker thread inside Electron unless the shell passes a launcher. */
export function defaultKeychainHostLauncher(): KeychainHostLauncher {
  return process.versions.electron === undefined ? launchChildProcessHost : launchWorkerThreadHost
}

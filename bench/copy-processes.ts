// The processes and probes of scenario 11 (bench/copy-scenario.ts): the destination registry, the
// timed copies — `berth cp` and `skopeo copy --all` as whole processes, the way a user runs them —
// and `skopeo sync`, plus a probe on undici's diagnostics channels that writes down what Berth's
// client sent in-process (which requests carried a token, how many blob bytes were uploaded).
import { createHash } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { CopyResult } from '../shared/copy'
import type { LabCertificates } from '../test/lab/certs'
import { startRegistryProcess } from '../test/lab/registry-process'
import { runChild } from './child-processes'
import { berthBin, parseCpuReport, type ChildCpu } from './cli-process'
import { processCpuMs } from './process-cpu'
import { elapsedMs, round1 } from './stats'

const cpuReporter = pathToFileURL(join(import.meta.dirname, 'child-cpu-report.mjs')).href
const gnuTime = '/usr/bin/time'
const timeMarker = 'berth-bench-time='
/** A 300 MB copy on a loaded 2-core machine: minutes at worst, never hours. */
const copyTimeoutMs = 10 * 60_000

/** No NODE_OPTIONS: nothing (a TypeScript loader, an inspector) rides along into a timed child. */
function childEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete environment.NODE_OPTIONS
  return environment
}

/** One side of a copy as both tools reach it. */
export interface CopyEndpoint {
  /** 127.0.0.1:<port> */
  host: string
  /** The CA as a PEM file (Berth's --src-ca / --dest-ca)… */
  caFile: string
  /** …and a directory holding it as ca.crt (skopeo's --cert-dir). */
  certDir: string
  /** null: anonymous (a token for public/* from the lab issuer). */
  user: { username: string; password: string } | null
}

export interface Mirror {
  host: string
  pid: number
  stop(): Promise<void>
}

/**
 * A fresh, empty destination: distribution 2.8 over HTTPS with its own CA and one htpasswd user, on
 * a new port. New per timed run, so that nothing from an earlier run is found (HEAD) or mounted,
 * by Berth or by skopeo's blob-info cache (which remembers where blobs were seen, by host and port).
 */
export async function startMirror(dir: string, certs: LabCertificates, htpasswdPath: string): Promise<Mirror> {
  await rm(dir, { recursive: true, force: true })
  const registry = await startRegistryProcess({
    name: 'copy-bench-mirror',
    dir,
    storageDir: join(dir, 'storage'),
    deleteEnabled: true,
    auth: { htpasswd: { path: htpasswdPath } },
    tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath, caPem: certs.caPem },
  })
  return {
    host: registry.host,
    pid: registry.pid,
    async stop() {
      await registry.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** CPU of the source and destination registries while `work` ran, in milliseconds. */
export async function withRegistryCpu<T>(
  pids: { source: readonly number[]; destination: readonly number[] },
  work: () => Promise<T>,
): Promise<{ value: T; sourceMs: number; destinationMs: number }> {
  const total = (list: readonly number[]): number => list.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0)
  const before = { source: total(pids.source), destination: total(pids.destination) }
  const value = await work()
  return {
    value,
    sourceMs: Math.round(total(pids.source) - before.source),
    destinationMs: Math.round(total(pids.destination) - before.destination),
  }
}

export interface ProcessTiming {
  /** Spawn → exit, seen from the bench. */
  wallMs: number
  cpuMs: number
  maxRssMiB: number
}

export interface BerthCpTiming extends ProcessTiming {
  result: CopyResult
}

/** `berth cp SRC DST --json` in a fresh process and data directory; CPU and peak RSS from the child itself. */
export async function timeBerthCp(
  from: { endpoint: CopyEndpoint; reference: string },
  to: { endpoint: CopyEndpoint; reference: string },
  dataDirectory: string,
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {},
): Promise<BerthCpTiming> {
  const args = [
    ...(options.nodeArgs ?? []),
    '--import',
    cpuReporter,
    berthBin,
    'cp',
    `${from.endpoint.host}/${from.reference}`,
    `${to.endpoint.host}/${to.reference}`,
  ]
  args.push('--json', '--src-ca', from.endpoint.caFile, '--dest-ca', to.endpoint.caFile)
  // Standard input carries one secret: the source is read anonymously.
  if (from.endpoint.user !== null) throw new Error('timeBerthCp: the source must be anonymous (one secret on standard input)')
  if (to.endpoint.user !== null) args.push('--dest-username', to.endpoint.user.username, '--dest-password-stdin')
  const start = performance.now()
  const result = await runChild(process.execPath, args, {
    env: childEnvironment({ BERTH_DATA_DIR: dataDirectory, ...options.env }),
    ...(to.endpoint.user !== null ? { input: `${to.endpoint.user.password}\n` } : {}),
    reportChannel: true,
    timeoutMs: copyTimeoutMs,
  })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`berth cp exited with ${result.signal ?? result.code}: ${result.stderr.trim().slice(-600)}`)
  const cpu: ChildCpu = parseCpuReport(result.report)
  return { wallMs, cpuMs: cpu.cpuMs, maxRssMiB: cpu.maxRssMiB, result: JSON.parse(result.stdout) as CopyResult }
}

function skopeoSide(endpoint: CopyEndpoint, prefix: 'src-' | 'dest-'): string[] {
  const args = [`--${prefix}cert-dir`, endpoint.certDir]
  if (endpoint.user !== null) args.push(`--${prefix}creds`, `${endpoint.user.username}:${endpoint.user.password}`)
  return args
}

/** skopeo under GNU time (peak RSS, user and system CPU); wall time from the bench. */
async function timeSkopeo(args: string[], what: string): Promise<ProcessTiming & { stdout: string }> {
  if (!existsSync(gnuTime)) throw new Error(`${gnuTime} is missing: the copy bench measures skopeo's peak RSS and CPU with it`)
  const start = performance.now()
  const result = await runChild(gnuTime, ['-f', `${timeMarker}%M %U %S`, 'skopeo', ...args], { timeoutMs: copyTimeoutMs })
  const wallMs = elapsedMs(start)
  if (result.code !== 0) throw new Error(`${what} failed (${result.signal ?? result.code}): ${result.stderr.trim().slice(-600)}`)
  const line = result.stderr.split('\n').find((text) => text.startsWith(timeMarker)) ?? ''
  const [rssKiB, user, system] = line.slice(timeMarker.length).split(' ').map(Number)
  if (rssKiB === undefined || user === undefined || system === undefined || [rssKiB, user, system].some((n) => !Number.isFinite(n)))
    throw new Error(`${what}: no GNU time report in its stderr`)
  return { wallMs, cpuMs: Math.round((user + system) * 1000), maxRssMiB: round1(rssKiB / 1024), stdout: result.stdout }
}

/** `skopeo copy --all` between two registries: every platform, as `berth cp` copies by default. */
export async function timeSkopeoCopy(
  from: { endpoint: CopyEndpoint; reference: string },
  to: { endpoint: CopyEndpoint; reference: string },
): Promise<ProcessTiming> {
  return timeSkopeo(
    [
      'copy',
      '--all',
      '--quiet',
      '--retry-times',
      '0',
      ...skopeoSide(from.endpoint, 'src-'),
      ...skopeoSide(to.endpoint, 'dest-'),
      `docker://${from.endpoint.host}/${from.reference}`,
      `docker://${to.endpoint.host}/${to.reference}`,
    ],
    'skopeo copy --all',
  )
}

/**
 * `skopeo sync` of the named tags of one repository (its YAML source: skopeo 1.9 takes a tag list,
 * not a pattern) into `destination` (a registry and a path: images land at <path>/<last part>).
 */
export async function timeSkopeoSync(
  from: { endpoint: CopyEndpoint; repository: string; tags: readonly string[] },
  to: { endpoint: CopyEndpoint; path: string },
  workDir: string,
): Promise<ProcessTiming> {
  const user = from.endpoint.user
  const yaml = [
    `${JSON.stringify(from.endpoint.host)}:`,
    '  images:',
    `    ${JSON.stringify(from.repository)}:`,
    ...from.tags.map((tag) => `      - ${JSON.stringify(tag)}`),
    `  cert-dir: ${JSON.stringify(from.endpoint.certDir)}`,
    ...(user === null
      ? []
      : ['  credentials:', `    username: ${JSON.stringify(user.username)}`, `    password: ${JSON.stringify(user.password)}`]),
    '',
  ].join('\n')
  await mkdir(workDir, { recursive: true })
  const file = join(workDir, 'skopeo-sync.yaml')
  await writeFile(file, yaml, { mode: 0o600 })
  try {
    return await timeSkopeo(
      [
        'sync',
        '--src',
        'yaml',
        '--dest',
        'docker',
        '--retry-times',
        '0',
        ...skopeoSide(to.endpoint, 'dest-'),
        file,
        `${to.endpoint.host}/${to.path}`,
      ],
      'skopeo sync',
    )
  } finally {
    await rm(file, { force: true })
  }
}

/** The sha256 of a manifest as the registry serves it (`skopeo inspect --raw`): the witness of a copy. */
export async function servedDigest(endpoint: CopyEndpoint, reference: string): Promise<string> {
  const args = ['inspect', '--raw', '--retry-times', '0', '--cert-dir', endpoint.certDir]
  if (endpoint.user !== null) args.push('--creds', `${endpoint.user.username}:${endpoint.user.password}`)
  const result = await runChild('skopeo', [...args, `docker://${endpoint.host}/${reference}`], { timeoutMs: 60_000 })
  if (result.code !== 0) throw new Error(`skopeo inspect --raw ${reference} failed: ${result.stderr.trim().slice(-400)}`)
  return `sha256:${createHash('sha256').update(result.stdout, 'utf8').digest('hex')}`
}

export interface ProbedCall {
  method: string
  path: string
  /** The request carried an Authorization header (a token or Basic credentials). */
  authorized: boolean
  status: number | null
}

export interface CopyProbe {
  calls: ProbedCall[]
  /** Request body bytes sent to `…/blobs/uploads/…` (PATCH and PUT of blob uploads). */
  blobUploadBytes(): number
  stop(): void
}

interface UndiciMessage {
  request: { method?: unknown; path?: unknown; headers?: unknown }
  response?: { statusCode?: unknown }
  chunk?: unknown
}

function isUndiciMessage(message: unknown): message is UndiciMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'request' in message &&
    typeof message.request === 'object' &&
    message.request !== null
  )
}

function hasAuthorization(headers: unknown): boolean {
  // undici 7 keeps request headers as a flat [name, value, …] array; older ones as one string.
  if (Array.isArray(headers)) return headers.some((value, i) => i % 2 === 0 && String(value).toLowerCase() === 'authorization')
  return typeof headers === 'string' && /(^|\r\n)authorization:/i.test(headers)
}

/**
 * Writes down every request Berth's client sends in this process, and counts the body bytes of blob
 * uploads as undici hands them to the socket (`undici:request:bodyChunkSent`): what really went to
 * the registry, not what the copy engine says it sent.
 */
export function startCopyProbe(): CopyProbe {
  const calls: ProbedCall[] = []
  const byRequest = new WeakMap<object, ProbedCall>()
  let uploadBytes = 0
  const onCreate = (message: unknown): void => {
    if (!isUndiciMessage(message)) return
    const call: ProbedCall = {
      method: typeof message.request.method === 'string' ? message.request.method : '',
      path: typeof message.request.path === 'string' ? message.request.path : '',
      authorized: hasAuthorization(message.request.headers),
      status: null,
    }
    calls.push(call)
    byRequest.set(message.request, call)
  }
  const onHeaders = (message: unknown): void => {
    if (!isUndiciMessage(message)) return
    const call = byRequest.get(message.request)
    if (call !== undefined && typeof message.response?.statusCode === 'number') call.status = message.response.statusCode
  }
  const onChunk = (message: unknown): void => {
    if (!isUndiciMessage(message)) return
    const path = typeof message.request.path === 'string' ? message.request.path : ''
    if (!path.includes('/blobs/uploads/')) return
    const chunk = message.chunk
    uploadBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.byteLength : 0
  }
  subscribe('undici:request:create', onCreate)
  subscribe('undici:request:headers', onHeaders)
  subscribe('undici:request:bodyChunkSent', onChunk)
  return {
    calls,
    blobUploadBytes: () => uploadBytes,
    stop() {
      unsubscribe('undici:request:create', onCreate)
      unsubscribe('undici:request:headers', onHeaders)
      unsubscribe('undici:request:bodyChunkSent', onChunk)
    },
  }
}

// Secret leaks: a real web-mode session (startWebServer + createEngine against the lab's token
// registry: add, login, list, details, inspect, delete preview, a delete, the audit log) with every
// response body, header, server-sent event and console line captured; then every file Berth wrote
// (its data directory, the shared test data root, test-results/) — none may contain a lab
// password, a Basic credential, or any token the issuer handed out.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { isLoopbackAddress, startWebServer, tokenHeader, type WebServer } from '../../electron/doors/web/web-server'
import { getLab, issuedTokens, reseed, type LabUser } from '../lab/lab-client'

const lab = getLab()
const repoRoot = join(import.meta.dirname, '..', '..')
/** Where tests that want their Berth data leak-checked put it (BERTH_TEST_DATA_ROOT overrides). */
const dataRoot = process.env.BERTH_TEST_DATA_ROOT ?? join(repoRoot, '.lab-tmp', 'berth-data')
const dataDirectory = join(dataRoot, `secret-leak-${process.pid}`)
const staticDir = join(tmpdir(), `berth-secret-leak-static-${process.pid}`)
const deletedRepository = 'public/hello'

let core: Engine
let server: WebServer
const captured: string[] = []
const consoleLines: string[] = []
let events = ''
let closeEvents: () => void = () => undefined

interface Envelope {
  ok: boolean
  value?: unknown
  error?: { code: string; message: string }
}

async function call(method: string, request: unknown): Promise<Envelope> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${server.port}`, [tokenHeader]: server.token },
    body: JSON.stringify(request),
  })
  const text = await response.text()
  captured.push(`${method} ${response.status} ${JSON.stringify([...response.headers])}\n${text}`)
  return JSON.parse(text) as Envelope
}

async function ok<T>(method: string, request: unknown): Promise<T> {
  const envelope = await call(method, request)
  expect(envelope, `${method}: ${JSON.stringify(envelope.error)}`).toMatchObject({ ok: true })
  return envelope.value as T
}

/** Every regular file under `dir` (symlinks not followed), for scanning. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else if (entry.isFile()) out.push(path)
  }
  return out
}

/** The strings that must never appear: passwords, their Basic and base64 forms, issued tokens. */
async function needles(): Promise<string[]> {
  const users: LabUser[] = [lab.users.reader, lab.users.writer, lab.users.admin]
  const passwords = users.map((u) => u.password)
  const basics = users.map((u) => Buffer.from(`${u.username}:${u.password}`).toString('base64'))
  const tokens = await issuedTokens()
  return [...passwords, ...basics, ...tokens]
}

function hits(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 12)}…`)
}

beforeAll(async () => {
  mkdirSync(dataDirectory, { recursive: true })
  mkdirSync(staticDir, { recursive: true })
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Berth</title>')
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack ?? ''}` : String(a))).join(' '))
    })
  }
  await reseed('token', deletedRepository)
  core = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  server = await startWebServer({ api: core.api, staticDir, subscribe: core.subscribe })
  // The event stream carries tag-detail rows as they load: capture it for the whole session.
  const controller = new AbortController()
  closeEvents = () => controller.abort()
  void fetch(`http://127.0.0.1:${server.port}/api/events?token=${server.token}`, {
    signal: controller.signal,
    headers: { origin: `http://127.0.0.1:${server.port}` },
  })
    .then(async (response) => {
      const reader = response.body?.getReader()
      const decoder = new TextDecoder()
      for (;;) {
        const chunk = await reader?.read()
        if (!chunk || chunk.done) break
        const bytes: Uint8Array = chunk.value as Uint8Array
        events += decoder.decode(bytes)
      }
    })
    .catch(() => undefined)
})

afterAll(async () => {
  closeEvents()
  await server.close()
  await core.close()
  vi.restoreAllMocks()
  await reseed('token', deletedRepository)
  rmSync(staticDir, { recursive: true, force: true })
  rmSync(dataDirectory, { recursive: true, force: true })
})

describe('secrets in a real web-mode session', () => {
  it('runs add, login, list, details, inspect, preview and delete without any secret in a response, event or log line', async () => {
    const registry = await ok<{ id: string }>('saveRegistry', {
      profile: { name: 'lab token', url: lab.token.url, kind: 'distribution', insecure: true },
    })
    await ok('login', { registryId: registry.id, username: lab.users.writer.username, secret: lab.users.writer.password })
    // A wrong password too: its error must not echo it back.
    const other = await ok<{ id: string }>('saveRegistry', {
      profile: { name: 'lab basic', url: lab.basic.url, kind: 'distribution', insecure: true },
    })
    await ok('login', { registryId: other.id, username: lab.users.reader.username, secret: `${lab.users.admin.password}-wrong` })
    const denied = await call('listTags', { registryId: other.id, repository: 'acme/web' })
    expect(denied).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    await ok('login', { registryId: other.id, username: lab.users.reader.username, secret: lab.users.reader.password })
    await ok('listTags', { registryId: other.id, repository: 'acme/web' })

    await ok('listRepositories', { registryId: registry.id })
    await ok('listTags', { registryId: registry.id, repository: 'acme/web' })
    await ok('getTagDetails', { registryId: registry.id, repository: 'acme/web', tags: ['latest', 'stable', '0.1.0'] })
    await ok('inspect', { registryId: registry.id, repository: 'acme/multiarch', reference: 'latest' })
    await ok('previewDelete', { registryId: registry.id, repository: 'acme/web', tags: ['latest'], mode: 'tag' })
    const preview = await ok<{ items: { tag: string; digest: string }[] }>('previewDelete', {
      registryId: registry.id,
      repository: deletedRepository,
      tags: ['1.0'],
      mode: 'digest',
    })
    const expectedDigests = Object.fromEntries(preview.items.map((i) => [i.tag, i.digest]))
    const deleted = await ok<{ results: { ok: boolean }[] }>('deleteTags', {
      registryId: registry.id,
      repository: deletedRepository,
      tags: ['1.0'],
      mode: 'digest',
      expectedDigests,
    })
    expect(deleted.results).toMatchObject([{ ok: true }])
    await ok('readAuditLog', {})
    await ok('listRegistries', {})
    // CI / Kubernetes credentials in web mode: variables only; each real-value call is refused without echoing a secret.
    await ok('ciAuthInfo', { registryId: registry.id })
    const realValueCalls = [
      ['copyCiAuth', { registryId: registry.id, format: 'docker-auth-config', name: 'lab-pull', credential: { kind: 'login' } }],
      ['holdCiCredential', { registryId: registry.id, username: lab.users.reader.username, secret: lab.users.reader.password, save: true }],
      ['createDeployToken', { registryId: registry.id, owner: { kind: 'project', path: 'acme/web' }, name: 'ci', save: false }],
    ] as const
    for (const [method, request] of realValueCalls) {
      expect(await call(method, request)).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    }

    const secrets = await needles()
    // The session really did obtain tokens, and the matcher finds a planted secret: not vacuous.
    expect(hits(`x${lab.users.writer.password}y`, secrets)).toHaveLength(1)
    expect(secrets.length).toBeGreaterThan(Object.keys(lab.users).length * 2)
    expect(captured.length).toBeGreaterThan(10)
    expect(hits(captured.join('\n'), secrets)).toEqual([])
    expect(hits(events, secrets)).toEqual([])
    expect(hits(consoleLines.join('\n'), secrets)).toEqual([])
  })

  it('leaves no secret in any file Berth wrote: profiles, caches, audit log, test data root, test-results', async () => {
    const secrets = await needles()
    const written = filesUnder(dataDirectory)
    // profiles.json and the audit log at least: the scan covers real files.
    expect(written.map((f) => f.slice(dataDirectory.length + 1))).toEqual(expect.arrayContaining(['profiles.json', 'audit.log']))
    const scanned = [...new Set([...written, ...filesUnder(dataRoot), ...filesUnder(join(repoRoot, 'test-results'))])]
    const leaks = scanned
      .filter((file) => statSync(file).size < 64 * 1024 * 1024)
      .flatMap((file) => hits(readFileSync(file).toString('latin1'), secrets).map((h) => `${file}: ${h}`))
    expect(leaks).toEqual([])
  })
})

describe('web mode is loopback only', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a?.address ?? '')

  it('cannot be reached on any non-loopback address of this machine, and counts only loopback peers as local', async () => {
    // No second interface on this machine: the address check is all that can be exercised.
    expect(isLoopbackAddress('127.0.0.1')).toBe(true)
    expect(isLoopbackAddress('::ffff:192.168.0.10')).toBe(false)
    for (const address of external) {
      expect(isLoopbackAddress(address)).toBe(false)
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: server.port })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      })
      expect(outcome, `web mode answered on ${address}`).not.toBe('connected')
    }
  })
})

// Issue 17, "Bounded everything", against the real lab behind the fault proxy: a trickling body
// ends in a timeout naming the host and the step (tags/list, manifests, blobs, token responses
// alike), an endless chain of big pages ends at the listing's budgets, one tags/list answer of
// 200,000 names lists completely, and the CLI exits with an error instead of waiting for ever.
// Deadlines are shortened per client (options) or per process (BERTH_* variables, for the CLI).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryClient, type RegistryClientOptions } from '../../electron/http/registry-client'
import type { HttpDeadlines, ListingLimits } from '../../electron/http/http-limits'
import type { RegistryClient } from '../../electron/http/client-types'
import { getLab, type LabUser } from '../lab/lab-client'
import { startFaultProxy, type FaultProxy, type FaultRule } from '../lab/fault-proxy'
import { expectBerthError, matching, timed } from './faults-support'

const lab = getLab()
const latest = lab.truth.repositories['acme/web']?.latest
const projectRoot = join(import.meta.dirname, '..', '..')
const cliSource = pathToFileURL(join(projectRoot, 'electron', 'doors', 'cli', 'cli.ts')).href

/** Short enough for tests, long enough for a loaded machine to answer a healthy request. */
const shortDeadlines: HttpDeadlines = { headersMs: 1_500, bodyBaseMs: 1_500, bodyMinBytesPerSecond: 64 * 1024 }

interface BoundedSession {
  proxy: FaultProxy
  client: RegistryClient
}

const closers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((closer) => closer.close()))
})

async function session(options: {
  upstream: string
  rules?: FaultRule[]
  user?: LabUser
  deadlines?: Partial<HttpDeadlines>
  listingLimits?: Partial<ListingLimits>
}): Promise<BoundedSession> {
  const proxy = await startFaultProxy({
    upstream: options.upstream,
    lifetimeMs: 90_000,
    ...(options.rules ? { rules: options.rules } : {}),
  })
  closers.push(proxy)
  const user = options.user
  const clientOptions: RegistryClientOptions = {
    endpoint: { url: proxy.url, host: proxy.host, insecure: true },
    credentials: () => Promise.resolve(user ? { kind: 'basic', username: user.username, password: user.password } : null),
    deadlines: options.deadlines ?? shortDeadlines,
    ...(options.listingLimits ? { listingLimits: options.listingLimits } : {}),
  }
  const client = createRegistryClient(clientOptions)
  closers.push(client)
  return { proxy, client }
}

describe('a body that trickles a byte at a time', () => {
  it('ends a tag listing with a timeout naming the host and the body step, about when the body deadline passes', async () => {
    const { client, proxy } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'trickle', intervalMs: 200 } }],
    })
    const { ms } = await timed(() =>
      expectBerthError(
        client.listTags('acme/web'),
        'timeout',
        new RegExp(`${proxy.host.replace(/\./g, '\\.')} was still sending the response body after .*list tags of acme/web`),
      ),
    )
    expect(ms).toBeGreaterThanOrEqual(1_400)
    expect(ms).toBeLessThan(6_000)
  })

  it('ends a manifest GET with a timeout', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /\/manifests\//, fault: { kind: 'trickle', intervalMs: 200, declareLength: 2_000 } }],
    })
    const error = await expectBerthError(
      client.getManifest('acme/web', 'latest'),
      'timeout',
      /still sending the response body.*get manifest/,
    )
    expect(error.fix).toMatch(/BERTH_BODY_TIMEOUT_MS/)
  })

  it('gives a blob time in proportion to its Content-Length, then ends it with a timeout', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      // 128 KiB at the minimum rate of 64 KiB/s earns 2 s on top of the 1.5 s base.
      rules: [{ method: 'GET', path: /\/blobs\//, fault: { kind: 'trickle', intervalMs: 200, declareLength: 128 * 1024 } }],
    })
    const { ms } = await timed(() =>
      expectBerthError(
        client.getBlob('acme/web', latest?.configDigest ?? '', { maxBytes: 1024 * 1024 }),
        'timeout',
        /still sending the response body after 3\.\d s \(get blob sha256:[0-9a-f]{64} of acme\/web; \d+ of 131072 bytes\)/,
      ),
    )
    expect(ms).toBeGreaterThanOrEqual(3_300)
    expect(ms).toBeLessThan(9_000)
  })

  it('ends a token request whose response trickles with a timeout, and nothing is listed', async () => {
    const { client, proxy } = await session({ upstream: lab.token.url, user: lab.users.reader })
    proxy.setRules([
      {
        path: /^\/v2\//,
        fault: { kind: 'www-authenticate', value: `Bearer realm="${proxy.url}/jwt/auth",service="${lab.token.service}"` },
      },
      { path: /^\/jwt\/auth/, fault: { kind: 'trickle', intervalMs: 200 } },
    ])
    await expectBerthError(client.listTags('acme/web'), 'timeout', /still sending the response body.*get a registry token/)
    expect(proxy.requests.filter((request) => request.path.startsWith('/jwt/auth'))).toHaveLength(1)
  })

  it('ends a request whose headers never come with a timeout at the headers step', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'delay', ms: 10_000 } }],
    })
    const { ms } = await timed(() =>
      expectBerthError(client.listTags('acme/web'), 'timeout', /sent no response headers within 1\.5 s \(list tags of acme\/web\)/),
    )
    expect(ms).toBeLessThan(6_000)
  })
})

describe('an endless chain of pages', () => {
  it('ends a tag listing at the byte budget with the count that arrived and the knob to raise', async () => {
    const { client, proxy } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'endless-pages', field: 'tags', perPage: 20_000, nameLength: 100 } }],
      listingLimits: { maxBytes: 16 * 1024 * 1024 },
    })
    const error = await expectBerthError(
      client.listTags('acme/web'),
      'invalid_response',
      /Listing the tags of acme\/web on .* passed 16,777,216 bytes: 1[0-9]0,000 tags .* over \d+ pages/,
    )
    expect(error.fix).toMatch(/BERTH_LISTING_MAX_BYTES/)
    expect(proxy.requests.length).toBeLessThan(12)
  })

  it('ends a catalog listing with the default budgets at 2,000,000 entries, far from exhausting memory', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [
        { method: 'GET', path: /_catalog/, fault: { kind: 'endless-pages', field: 'repositories', perPage: 50_000, nameLength: 24 } },
      ],
      deadlines: { headersMs: 20_000, bodyBaseMs: 20_000 },
    })
    const before = process.memoryUsage().rss
    const error = await expectBerthError(client.catalog(), 'invalid_response', /passed 2,000,000 repositories: 2,050,000 repositories/)
    expect(error.fix).toMatch(/BERTH_LISTING_MAX_ITEMS \(now 2000000\)/)
    // The budget bounds what is held: well under the gigabytes an unbounded walk reached.
    expect(process.memoryUsage().rss - before).toBeLessThan(1024 * 1024 * 1024)
  }, 120_000)

  it('ends a listing that outlasts its deadline with a timeout naming the listing', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [
        { method: 'GET', path: /tags\/list/, fault: { kind: 'endless-pages', field: 'tags', perPage: 10, nameLength: 10, delayMs: 300 } },
      ],
      listingLimits: { deadlineMs: 2_000 },
    })
    await expectBerthError(client.listTags('acme/web'), 'timeout', /Listing the tags of acme\/web on .* did not finish within 2 s/)
  })
})

describe('one tags/list answer with 200,000 names', () => {
  it('lists every name, without a stack overflow, and reports time and memory', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'tag-list', repository: 'acme/web', count: 200_000 } }],
      deadlines: { headersMs: 20_000, bodyBaseMs: 20_000 },
    })
    const before = process.memoryUsage().rss
    const { value: tags, ms } = await timed(() => client.listTags('acme/web'))
    const grown = process.memoryUsage().rss - before
    expect(tags).toHaveLength(200_000)
    expect(tags[0]).toBe('tag-000000')
    expect(tags[199_999]).toBe('tag-199999')
    console.log(`200,000 tags in one page: ${Math.round(ms)} ms, RSS +${Math.round(grown / 1024 / 1024)} MiB in the test worker`)
    expect(ms).toBeLessThan(20_000)
  })
})

describe('the berth CLI against a trickling registry', () => {
  let dataDir = ''
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'berth-bounds-cli-'))
  })
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  /**
   * The CLI (runCli, what bin/berth runs from its build) in its own process from source, so the
   * deadlines come from that process's environment; killed after `limitMs`.
   */
  function berth(
    args: string[],
    environment: Record<string, string>,
    limitMs: number,
  ): Promise<{ code: number | null; stderr: string; ms: number }> {
    const started = performance.now()
    return new Promise((resolve) => {
      const runner =
        `import { runCli, nodeIo } from ${JSON.stringify(cliSource)}; ` + 'process.exitCode = await runCli(process.argv.slice(1), nodeIo())'
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runner, '--', ...args], {
        cwd: projectRoot,
        env: { ...process.env, BERTH_DATA_DIR: dataDir, ...environment },
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      const killer = setTimeout(() => child.kill('SIGKILL'), limitMs)
      child.on('close', (code) => {
        clearTimeout(killer)
        resolve({ code, stderr, ms: performance.now() - started })
      })
    })
  }

  it('exits with a registry error naming the slow host once BERTH_BODY_TIMEOUT_MS has passed', async () => {
    const proxy = await startFaultProxy({
      upstream: lab.open.url,
      lifetimeMs: 90_000,
      rules: [{ method: 'GET', path: /tags\/list/, fault: { kind: 'trickle', intervalMs: 200 } }],
    })
    closers.push(proxy)
    const run = await berth(['tags', `${proxy.host}/acme/web`], { BERTH_BODY_TIMEOUT_MS: '2000' }, 45_000)
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: matching(new RegExp(`${proxy.host.replace(/\./g, '\\.')} was still sending the response body`)),
    })
    expect(run.ms).toBeLessThan(30_000)
  }, 60_000)
})

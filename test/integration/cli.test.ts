// The `berth` CLI against the real lab: the documented JSON, the exit codes, and deletes that touch
// only what they say. Runs the CLI in-process with captured I/O (the same runCli bin/berth calls).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/doors/cli/cli'
import { createEngine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import type { CliIo } from '../../electron/doors/cli/cli-output'
import type { TagRowJson } from '../../electron/doors/cli/browse-commands'
import { getLab, issuerStats, reseed, resetIssuerStats, setTokenTtl } from '../lab/lab-client'

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

let dataDir: string
let caFile: string

beforeAll(async () => {
  // These tests compare against the seeded truth: start from it whatever ran before in the shared lab.
  await reseed('tls', 'acme/web')
  dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-test-'))
  caFile = join(dataDir, 'lab-ca.pem')
  writeFileSync(caFile, getLab().tls.caPem)
})

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

async function berth(args: string[], stdin = ''): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTty: false,
    readStdin: () => Promise.resolve(stdin),
    confirm: () => Promise.resolve(false),
  }
  const code = await runCli(args, io, { ...process.env, BERTH_DATA_DIR: dataDir })
  return { code, stdout, stderr }
}

/** Per-call credentials over TLS with the lab CA: the way a script would call Berth. */
function asUser(user: 'reader' | 'writer' | 'admin'): { args: string[]; stdin: string } {
  const { username, password } = getLab().users[user]
  return { args: ['--ca', caFile, '--username', username, '--password-stdin'], stdin: `${password}\n` }
}

describe('berth tags --details --json', () => {
  it('prints the documented rows, equal to the lab truth for every tag of every repository', async () => {
    const lab = getLab()
    const reader = asUser('reader')
    for (const repository of lab.tls.repositories) {
      const run = await berth(['tags', `${lab.tls.host}/${repository}`, '--details', '--json', ...reader.args], reader.stdin)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const rows = JSON.parse(run.stdout) as TagRowJson[]
      const truth = lab.truth.repositories[repository] ?? {}
      expect(rows.map((r) => r.tag).sort()).toEqual(Object.keys(truth).sort())
      for (const row of rows) {
        const want = truth[row.tag]
        expect(want, `${repository}:${row.tag}`).toBeDefined()
        expect(Object.keys(row).sort()).toEqual([
          'artifact',
          'artifactType',
          'configDigest',
          'created',
          'digest',
          'mediaType',
          'platforms',
          'pushedAt',
          'referrer',
          'size',
          'tag',
        ])
        expect(
          { digest: row.digest, mediaType: row.mediaType, configDigest: row.configDigest, size: row.size },
          `${repository}:${row.tag}`,
        ).toEqual({
          digest: want?.digest,
          mediaType: want?.mediaType,
          configDigest: want?.configDigest,
          size: want?.size,
        })
        expect(row.platforms.map((p) => p.digest).sort()).toEqual((want?.platforms ?? []).map((p) => p.digest).sort())
        // distribution has no API of its own for push dates.
        expect(row.pushedAt).toBeNull()
      }
    }
  })

  it('sorts by date across all tags, newest first, with unknown dates last', async () => {
    const lab = getLab()
    const reader = asUser('reader')
    const run = await berth(['tags', `${lab.tls.host}/acme/web`, '--sort', 'date', '--desc', '--json', ...reader.args], reader.stdin)
    expect(run.code).toBe(0)
    const created = (JSON.parse(run.stdout) as TagRowJson[]).map((r) => r.created)
    const known = created.filter((c): c is string => c !== null)
    expect(known).toEqual([...known].sort().reverse())
    expect(created.slice(known.length).every((c) => c === null)).toBe(true)
  })
})

describe('addresses', () => {
  it('tries https first and falls back to plain HTTP for a bare loopback address', async () => {
    const lab = getLab()
    const run = await berth(['tags', `${lab.open.host}/acme/web`, '--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect((JSON.parse(run.stdout) as string[]).sort()).toEqual(Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort())
  })

  it('never falls back to plain HTTP when the address says https', async () => {
    const lab = getLab()
    const https = await berth(['repos', `https://${lab.open.host}`])
    expect(https.code).toBe(2)
    expect(https.stderr).toContain('TLS handshake')
  })
})

describe('exit codes and messages', () => {
  it('refuses the self-signed registry without its CA, shows the fingerprint and exits 2', async () => {
    const lab = getLab()
    const run = await berth(['repos', lab.tls.host])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('not trusted')
    expect(run.stderr).toContain(lab.tls.fingerprint256)
  })

  it('exits 3 with a credentials message for a wrong password', async () => {
    const lab = getLab()
    const run = await berth(['tags', `${lab.tls.host}/acme/web`, '--ca', caFile, '--username', 'reader', '--password-stdin'], 'wrong\n')
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/credential|password|unauthori[sz]ed/i)
  })

  it('exits 1 for usage errors and never reads a secret from the command line', async () => {
    expect((await berth(['tags'])).code).toBe(1)
    expect((await berth(['frobnicate'])).code).toBe(1)
    const run = await berth(['tags', `${getLab().tls.host}/acme/web`, '--username', 'reader'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('--password-stdin')
  })

  it('says there is no catalog for a reader and exits 0', async () => {
    const lab = getLab()
    const reader = asUser('reader')
    const run = await berth(['repos', lab.tls.host, ...reader.args], reader.stdin)
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/catalog/)
  })
})

describe('berth rm', () => {
  it('removes only the named tag while the other tags on its digest stay', async () => {
    const lab = getLab()
    await reseed('tls', 'acme/web')
    const truth = lab.truth.repositories['acme/web'] ?? {}
    const digest = truth.latest?.digest
    const siblings = Object.entries(truth)
      .filter(([tag, t]) => t.digest === digest && tag !== 'latest')
      .map(([tag]) => tag)
    expect(siblings.length).toBeGreaterThan(0)
    const writer = asUser('writer')

    const dry = await berth(['rm', `${lab.tls.host}/acme/web:latest`, '--dry-run', ...writer.args], writer.stdin)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('only the tag: latest')

    const refused = await berth(['rm', `${lab.tls.host}/acme/web:latest`, ...writer.args], writer.stdin)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('--yes')

    const run = await berth(['rm', `${lab.tls.host}/acme/web:latest`, '--yes', '--json', ...writer.args], writer.stdin)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('garbage collection')

    const tags = JSON.parse((await berth(['tags', `${lab.tls.host}/acme/web`, '--json', ...writer.args], writer.stdin)).stdout) as string[]
    expect(tags).not.toContain('latest')
    for (const sibling of siblings) expect(tags).toContain(sibling)
    await reseed('tls', 'acme/web')
  })

  it('tells a read-only user that their credentials cannot delete, exits 3, and deletes nothing', async () => {
    const lab = getLab()
    const reader = asUser('reader')
    const run = await berth(['rm', `${lab.tls.host}/acme/web:stable`, '--yes', ...reader.args], reader.stdin)
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/cannot delete|not allowed|delete/i)
    const tags = JSON.parse((await berth(['tags', `${lab.tls.host}/acme/web`, '--json', ...reader.args], reader.stdin)).stdout) as string[]
    expect(tags).toContain('stable')
  })
})

describe('a token that expires mid-session', () => {
  afterEach(async () => {
    await setTokenTtl(300)
  })

  it('is replaced without the caller noticing when the registry starts refusing it', async () => {
    const lab = getLab()
    // strictExpiry: the registry refuses the token once expires_in has passed, while Berth (which
    // treats lifetimes under 60 s as 60 s, per the token spec) still holds it: the refresh-on-401 path.
    await setTokenTtl(2, { strictExpiry: true })
    await resetIssuerStats()
    const core = createEngine({ dataDirectory: dataDir, secrets: createMemorySecretStore() })
    const session = core.sessionForAddress(lab.token.host, {
      credentials: { kind: 'basic', username: 'reader', password: lab.users.reader.password },
    })
    try {
      const first = (await session.listTags('acme/web')).tags
      const issuedAfterFirst = (await issuerStats()).total ?? 0
      // Wait for the token to expire at the registry: this waits for time itself, not for a condition.
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      const second = (await session.listTags('acme/web')).tags
      expect(second.sort()).toEqual(first.sort())
      expect((await issuerStats()).total).toBe(issuedAfterFirst + 1)
    } finally {
      await core.close()
    }
  })
})

// `berth link`: the same berth:// link the app's "Copy link" makes, printed offline. The engine is
// recorded to prove the command never builds the core (no data directory, no keychain).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../../electron/doors/cli/cli'
import type { CliIo } from '../../../electron/doors/cli/cli-output'
import { parseBerthLink } from '../../../shared/view-link'

const loaded = vi.hoisted(() => new Set<string>())

vi.mock('../../../electron/session/engine', async (importOriginal) => {
  loaded.add('engine')
  return await importOriginal()
})

const dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-link-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isTty: false,
    readStdin: () => Promise.resolve(''),
    confirm: () => Promise.resolve(false),
  }
  const code = await runCli(args, io, { ...process.env, BERTH_DATA_DIR: dataDir })
  return { code, stdout, stderr }
}

const digest = `sha256:${'c'.repeat(64)}`

describe('berth link', () => {
  it.each([
    [['registry.example.com:5050'], 'berth://registry.example.com:5050'],
    [['Registry.Example.com:443/'], 'berth://registry.example.com'],
    [['registry.example.com:5050/group/app'], 'berth://registry.example.com:5050/group/app'],
    [['registry.example.com:5050/group/app:1.4.2'], 'berth://registry.example.com:5050/group/app?tag=1.4.2'],
    [[`localhost:5000/app@${digest}`], `berth://localhost:5000/app?digest=sha256%3A${'c'.repeat(64)}`],
    [['docker.io/nginx:1.27'], 'berth://docker.io/library/nginx?tag=1.27'],
    [['127.0.0.1:41029/acme/web', '--sort', 'date', '--desc'], 'berth://127.0.0.1:41029/acme/web?sort=date'],
    [['127.0.0.1:41029/acme/web', '--sort', 'name'], 'berth://127.0.0.1:41029/acme/web?sort=name&dir=asc'],
    [['127.0.0.1:41029/acme/web', '--filter', '^v1\\.'], 'berth://127.0.0.1:41029/acme/web?q=%5Ev1%5C.&mode=regex'],
  ])('prints %j as %s', async (args, expected) => {
    const result = await berth(['link', ...args])
    expect(result).toEqual({ code: 0, stdout: `${expected}\n`, stderr: '' })
    expect(parseBerthLink(expected).ok).toBe(true)
  })

  it('prints the link as JSON with --json', async () => {
    const result = await berth(['link', 'registry.example.com/app:1', '--json'])
    expect(JSON.parse(result.stdout)).toEqual({ link: 'berth://registry.example.com/app?tag=1' })
  })

  it.each([
    [['registry'], /not a registry address/, /needs its port/],
    [['https://registry.example.com'], /references have no scheme/, /Drop the "https:\/\/" prefix/],
    [['registry.example.com/../x'], /not a valid repository path component/, /host\[:port\]/],
    [['registry.example.com/App'], /lower-case/, /.*/],
    [['registry.example.com/app', '--sort', 'bogus'], /--sort must be one of name, semver, date, size/, /berth --help/],
    [['registry.example.com/app', '--filter', 'a\u0007b'], /would not open: "q" contains a control character/, /berth --help/],
    [[], /expected exactly one/, /berth --help/],
  ])('refuses %j, saying what is wrong and what to do', async (args, problem, fix) => {
    const result = await berth(['link', ...args])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(problem)
    expect(result.stderr).toMatch(fix)
  })

  it('is documented in --help', async () => {
    expect((await berth(['--help'])).stdout).toMatch(/berth link {5}<registry>\[\/<repo>\[:tag\|@digest\]\]/)
  })

  it('never builds the core nor touches the data directory', () => {
    expect(loaded.has('engine')).toBe(false)
    expect(readdirSync(dataDir)).toEqual([])
  })
})

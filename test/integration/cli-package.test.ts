// The CLI as a user gets it: `npm pack`, `npm install -g` into a throw-away prefix (dependencies
// only, fetched from the npm registry like on a clean machine), then the installed `berth` against
// the lab. Proves the tarball carries the bundle and no sources, that nothing at run time needs tsx
// or a dev dependency, and that the bundle (undici, zod inside; the keychain binding outside) works.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { getLab, reseed } from '../lab/lab-client'
import { startKeyring } from '../lab/keyring'

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))
const repository = 'acme/web'

interface Finished {
  code: number
  stdout: string
  stderr: string
}

/** The environment without the npm_* variables of an enclosing `npm test`, which would steer the inner npm. */
function cleanEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')))
  return { ...environment, ...extra }
}

interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Written to stdin, which is then closed. */
  input?: string
  timeoutMs: number
}

function run(command: string, args: string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd ?? projectRoot, env: options.env ?? cleanEnvironment(), timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr: error !== null && code === -1 ? `${stderr}\n${error.message}` : stderr })
      },
    )
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(options.input ?? '')
  })
}

function expectSuccess(what: string, result: Finished): void {
  expect(result.code, `${what} failed:\n${result.stderr.slice(-2000)}`).toBe(0)
}

const packSchema = z.array(z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) }))

let workDir: string
let prefix: string
let packedFiles: string[]

/** <prefix>/lib/node_modules/berth: where `npm install -g --prefix` puts the package on Linux and macOS. */
const installedPackage = () => join(prefix, 'lib', 'node_modules', 'berth')
const berthBin = () => join(prefix, 'bin', 'berth')

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'berth-package-'))
  prefix = join(workDir, 'prefix')
  // `npm test` builds before the tests; a lone run of this file builds if the bundles are missing.
  if (!existsSync(join(projectRoot, 'out', 'cli', 'berth.js')) || !existsSync(join(projectRoot, 'out', 'renderer', 'index.html'))) {
    expectSuccess('npm run build', await run('npm', ['run', '-s', 'build'], { timeoutMs: 600_000 }))
  }
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], { timeoutMs: 120_000 })
  expectSuccess('npm pack', packed)
  const [tarball] = packSchema.parse(JSON.parse(packed.stdout))
  if (tarball === undefined) throw new Error(`npm pack printed no tarball: ${packed.stdout}`)
  packedFiles = tarball.files.map((file) => file.path)
  const installed = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel', 'error', join(workDir, tarball.filename)],
    { cwd: workDir, timeoutMs: 600_000 },
  )
  expectSuccess('npm install -g', installed)
  await reseed('open', repository)
}, 900_000)

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true })
})

describe('the packed CLI', () => {
  it('holds the bundles, the bin and the README, and no TypeScript sources or tests', () => {
    expect(packedFiles).toContain('bin/berth')
    expect(packedFiles).toContain('out/cli/berth.js')
    expect(packedFiles).toContain('out/renderer/index.html')
    expect(packedFiles).toContain('README.md')
    expect(packedFiles.filter((path) => /\.(ts|tsx|mts|cts)$/.test(path))).toEqual([])
    expect(packedFiles.filter((path) => /^(electron|shared|renderer|test|bench|scripts)\//.test(path))).toEqual([])
  })

  it('installs without tsx or any other dev dependency', () => {
    const modules = join(installedPackage(), 'node_modules')
    const entries = readdirSync(modules, { recursive: true, encoding: 'utf8' })
    const packages = entries.filter((entry) => entry.endsWith('package.json')).map((entry) => entry.split('/').slice(0, -1).join('/'))
    expect(packages.some((name) => name === 'tsx' || name.endsWith('node_modules/tsx'))).toBe(false)
    for (const devOnly of ['tsx', 'vite', 'typescript', 'electron', 'vitest', 'esbuild'])
      expect(existsSync(join(modules, devOnly))).toBe(false)
    expect(existsSync(join(modules, '@napi-rs', 'keyring'))).toBe(true)
  })

  it("has an entry chunk that statically imports only Node's built-ins: each command loads its code when it runs", () => {
    const entry = readFileSync(join(installedPackage(), 'out', 'cli', 'berth.js'), 'utf8')
    const staticImports = [...entry.matchAll(/^import\s*(?:[^;]*?from\s*)?["']([^"']+)["']/gm)].map((match) => match[1])
    expect(staticImports.length).toBeGreaterThan(0)
    expect(staticImports.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([])
    expect(entry).toMatch(/import\(["']\.\/chunks\/engine-/)
  })

  it('berth --help prints the usage and exits 0', async () => {
    const result = await run(berthBin(), ['--help'], { cwd: workDir, timeoutMs: 30_000 })
    expectSuccess('berth --help', result)
    expect(result.stdout).toContain('berth — browse container registries')
    expect(result.stdout).toContain('berth tags')
    expect(result.stderr).toBe('')
  })

  it('berth web serves the renderer shipped in the package, and stops on Ctrl+C', async () => {
    const env = cleanEnvironment({ BERTH_DATA_DIR: join(workDir, 'web-data') })
    const child = spawn(berthBin(), ['web'], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let output = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk
          const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output)
          if (match) resolve(match[0])
        })
        void exited.then((code) => reject(new Error(`berth web exited (${code}) before printing its URL: ${output}`)))
      })
      const response = await fetch(url)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('<html')
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
  }, 60_000)

  it('berth login stores the secret through the installed keychain binding (native, outside the bundle)', async () => {
    const lab = getLab()
    const keyring = await startKeyring()
    try {
      const env = cleanEnvironment({ ...keyring.env, BERTH_DATA_DIR: join(workDir, 'login-data') })
      const { username, password } = lab.users.reader
      const login = await run(berthBin(), ['login', lab.basic.host, '--username', username, '--password-stdin'], {
        cwd: workDir,
        env,
        input: `${password}\n`,
        timeoutMs: 60_000,
      })
      expectSuccess('berth login', login)
      expect(login.stdout).toContain('in the system keychain')
      const listed = await run(berthBin(), ['registries', '--json'], { cwd: workDir, env, timeoutMs: 60_000 })
      expectSuccess('berth registries', listed)
      const views = z.array(z.object({ url: z.string(), hasCredential: z.boolean() })).parse(JSON.parse(listed.stdout))
      expect(views.find((view) => view.url.includes(lab.basic.host))?.hasCredential).toBe(true)
      expectSuccess('berth logout', await run(berthBin(), ['logout', lab.basic.host], { cwd: workDir, env, timeoutMs: 60_000 }))
    } finally {
      await keyring.stop()
    }
  }, 120_000)

  it('berth tags lists the lab repository, with details equal to the truth', async () => {
    const lab = getLab()
    const dataDir = join(workDir, 'data')
    const env = cleanEnvironment({ BERTH_DATA_DIR: dataDir })
    const target = `${lab.open.host}/${repository}`
    const truth = lab.truth.repositories[repository] ?? {}

    const plain = await run(berthBin(), ['tags', target], { cwd: workDir, env, timeoutMs: 60_000 })
    expectSuccess('berth tags', plain)
    expect(plain.stdout.trim().split('\n').sort()).toEqual(Object.keys(truth).sort())

    const detailed = await run(berthBin(), ['tags', target, '--details', '--json'], { cwd: workDir, env, timeoutMs: 60_000 })
    expectSuccess('berth tags --details --json', detailed)
    const rows = z.array(z.object({ tag: z.string(), digest: z.string(), size: z.number() })).parse(JSON.parse(detailed.stdout))
    expect(rows.map((row) => row.tag).sort()).toEqual(Object.keys(truth).sort())
    for (const row of rows)
      expect({ digest: row.digest, size: row.size }, row.tag).toEqual({ digest: truth[row.tag]?.digest, size: truth[row.tag]?.size })
  }, 180_000)
})

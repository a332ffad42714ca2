// `berth --help` must stay cheap: cli.ts imports a command's module, the web server and the engine
// only when a command needs them (each is its own chunk in the bundle, vite.cli.config.ts). The mocks
// below pass every module through unchanged and only record that it was imported. The tests run in
// order: once a module is loaded it stays loaded for the rest of the file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { rendererDirectoryCandidates, runCli } from '../../../electron/doors/cli/cli'
import type { CliIo } from '../../../electron/doors/cli/cli-output'

const loaded = vi.hoisted(() => new Set<string>())

vi.mock('../../../electron/session/engine', async (importOriginal) => {
  loaded.add('engine')
  return await importOriginal()
})
vi.mock('../../../electron/doors/cli/browse-commands', async (importOriginal) => {
  loaded.add('browse-commands')
  return await importOriginal()
})
vi.mock('../../../electron/doors/cli/manage-commands', async (importOriginal) => {
  loaded.add('manage-commands')
  return await importOriginal()
})
vi.mock('../../../electron/doors/cli/cleanup-command', async (importOriginal) => {
  loaded.add('cleanup-command')
  return await importOriginal()
})
vi.mock('../../../electron/doors/web/web-server', async (importOriginal) => {
  loaded.add('web-server')
  return await importOriginal()
})

const dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-lazy-'))
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

describe('what each command loads', () => {
  it('--help, usage errors and unknown commands load no command module and no engine', async () => {
    expect((await berth(['--help'])).stdout).toContain('berth cleanup')
    expect((await berth(['tags'])).code).toBe(1)
    expect((await berth(['frobnicate'])).code).toBe(1)
    expect((await berth(['tags', '--no-such-flag'])).code).toBe(1)
    expect([...loaded]).toEqual([])
  })

  it('pull-cmd told the kind, in a format that needs no digest, loads neither a browse module nor the engine', async () => {
    const run = await berth(['pull-cmd', 'registry.example.com/team/app:1.4.2', '--kind', 'image'])
    expect(run).toEqual({ code: 0, stdout: 'docker pull registry.example.com/team/app:1.4.2\n', stderr: '' })
    const chart = await berth(['pull-cmd', 'registry.example.com/charts/web:0.3.0', '--kind', 'helm-chart', '--format', 'helm-install'])
    expect(chart.stdout).toBe('helm install web oci://registry.example.com/charts/web --version 0.3.0\n')
    expect([...loaded]).toEqual([])
  })

  it('a command that uses the core loads the engine with its module', async () => {
    const run = await berth(['registries'])
    expect(run.code).toBe(0)
    expect(loaded.has('manage-commands')).toBe(true)
    expect(loaded.has('engine')).toBe(true)
    expect(loaded.has('cleanup-command') || loaded.has('web-server')).toBe(false)
  })
})

describe('the renderer build for `berth web`', () => {
  it('is looked for beside the bundle first, then in the checkout the source runs from', () => {
    expect(rendererDirectoryCandidates(pathToFileURL('/opt/berth/out/cli/berth.js').href)).toEqual([
      '/opt/berth/out/renderer',
      '/opt/out/renderer',
    ])
    expect(rendererDirectoryCandidates(pathToFileURL('/src/berth/electron/doors/cli/cli.ts').href)[1]).toBe('/src/berth/out/renderer')
  })
})

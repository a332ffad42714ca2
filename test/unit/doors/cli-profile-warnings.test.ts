// A profiles file Berth cannot read is moved aside, never dropped silently: the CLI says so.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { runCli } from '../../../electron/doors/cli/cli'
import type { CliIo } from '../../../electron/doors/cli/cli-output'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

it('warns on stderr that a corrupt profiles.json was kept aside and goes on with no registries', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-warn-'))
  dirs.push(dataDir)
  writeFileSync(join(dataDir, 'profiles.json'), '{not json')
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTty: false,
    readStdin: () => Promise.resolve(''),
    confirm: () => Promise.resolve(false),
  }
  const code = await runCli(['registries'], io, { ...process.env, BERTH_DATA_DIR: dataDir })
  expect(code).toBe(0)
  expect(stdout).toContain('No registries yet')
  expect(stderr).toMatch(/warning: profiles\.json could not be read .* moved to .*\.bak-/)
  expect(readdirSync(dataDir).some((f) => f.startsWith('profiles.json.bak-'))).toBe(true)
  expect(existsSync(join(dataDir, 'profiles.json'))).toBe(false)
})

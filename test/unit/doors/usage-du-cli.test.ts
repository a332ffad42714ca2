// `berth du`'s arguments are checked before anything reaches a registry: a clear usage error (exit
// 1) says what was wrong; --help documents the command.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { berthInProcess } from '../../support/cli-run'

const dataDir = mkdtempSync(join(tmpdir(), 'berth-du-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const berth = (args: string[]) => berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir } })

// The first run imports the engine (as `berth du` does): seconds on a busy machine.
describe('berth du arguments', { timeout: 30_000 }, () => {
  it.each([
    [['du'], /expected exactly one <registry>\[\/<prefix>\]/],
    [['du', '127.0.0.1:1', '--tags'], /du --tags takes <registry>\/<repository>/],
    [['du', '127.0.0.1:1/acme/web', '--dates'], /du --dates dates the tags of one repository: add --tags/],
    [['du', '127.0.0.1:1/acme/web:1.0'], /without a tag or digest/],
    [['du', 'not a host'], /is not a registry address/],
  ])('%j is refused before any request: %s', async (args, message) => {
    const run = await berth(args)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
  })

  it('is documented in --help with its JSON and what rm does with an untagged digest', async () => {
    const run = await berth(['--help'])
    expect(run.stdout).toContain('berth du       <registry>[/<prefix>] [--verify]')
    expect(run.stdout).toContain('berth du       <registry>/<repo> --tags [--verify] [--dates]')
    expect(run.stdout).toContain('--dates reads the configs Berth lacks for build dates')
    expect(run.stdout).toContain('berth rm       <registry>/<repo>@digest [--dry-run] [--yes]')
    expect(run.stdout).toContain('4 cancelled (at a prompt, or Ctrl-C)')
  })
})

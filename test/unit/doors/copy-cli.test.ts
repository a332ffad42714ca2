// `berth tag`, `cp` and `sync` refuse a wrong command line before any request, saying what was
// wrong and what to do: arguments, tags, platforms, and credentials that do not say which registry
// they are for (they must never go to the other side).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { berthInProcess } from '../../support/cli-run'

const dataDir = mkdtempSync(join(tmpdir(), 'berth-copy-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const source = 'registry-a.invalid:5000/team/app:1.0'
const destination = 'registry-b.invalid:5000/mirror/app'

function berth(args: string[], stdin = '') {
  return berthInProcess(args, { stdin, env: { BERTH_DATA_DIR: dataDir } })
}

describe('the copy commands on a wrong command line', () => {
  it('are listed in --help with the per-side credential flags', async () => {
    const help = await berth(['--help'])
    for (const text of ['berth tag', 'berth cp', 'berth sync', '--src-username', '--dest-password-stdin', '--dest-ca'])
      expect(help.stdout).toContain(text)
  })

  it.each([
    [['tag', source], /expected .* NEWTAG/],
    [['tag', source, 'team/other:2'], /not a tag name.*use berth cp/],
    [['cp', source], /expected .*<registry>\/<repository>\[:<tag>\]/],
    [['cp', source, `${destination}@sha256:${'a'.repeat(64)}`], /DST takes a tag, not a digest/],
    [['cp', 'registry-a.invalid:5000/team/app', destination], /SRC needs a tag or a digest/],
    [['sync', source, destination], /sync takes repositories without a tag/],
    [['sync', 'registry-a.invalid:5000/team/app', 'registry-a.invalid:5000/team/app'], /same repository/],
  ])('berth %j is refused as a usage error', async (args, message) => {
    const run = await berth(args)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(message)
  })

  it('refuses credentials without a side when the registries differ, and two sides reading standard input', async () => {
    const unsided = await berth(['cp', source, destination, '--username', 'me', '--password-stdin'], 'secret\n')
    expect(unsided.code).toBe(1)
    expect(unsided.stderr).toMatch(/--username has no side: the source and the destination are different registries/)
    const ca = await berth(['cp', source, destination, '--ca', '/nonexistent.pem'])
    expect(ca.stderr).toMatch(/--ca has no side/)
    const both = await berth(['cp', source, destination, '--src-username', 'a', '--src-password-stdin', '--dest-password-stdin'], 'x\n')
    expect(both.code).toBe(1)
    expect(both.stderr).toMatch(/only one side can read its secret from standard input/)
    const mixed = await berth(['cp', source, destination, '--src-insecure', '--insecure'])
    expect(mixed.stderr).toMatch(/--insecure has no side/)
    const noSecret = await berth(['cp', source, destination, '--dest-username', 'me'])
    expect(noSecret.stderr).toMatch(/--dest-username needs --dest-password-stdin/)
  })

  it('refuses a platform that is not os/arch[/variant] before any request', async () => {
    const run = await berth(['cp', source, destination, '--platform', 'amd64', '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'invalid_input', message: '"amd64" is not a platform.' } })
  })
})

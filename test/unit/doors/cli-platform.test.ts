// `--platform` on inspect, tags and link: checked before anything reaches a registry (a clear usage
// error, exit 1), and carried into the view link the app opens.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { berthInProcess } from '../../support/cli-run'
import { parseBerthLink } from '../../../shared/view-link'

const dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-platform-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const berth = (args: string[]) => berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir } })

describe('--platform', () => {
  it.each([
    [['inspect', 'registry.invalid/team/app:1', '--platform', 'arm64'], '--platform must be os/arch[/variant]'],
    [['inspect', 'registry.invalid/team/app:1', '--platform', 'linux/amd64', '--platform', 'linux/arm64'], 'inspect takes one --platform'],
    [['tags', 'registry.invalid/team/app', '--platform', 'linux/arm/v7/x'], '--platform must be os/arch[/variant]'],
    [['link', 'registry.invalid/team/app', '--platform', 'linux'], '--platform must be os/arch[/variant]'],
  ])('berth %j is a usage error before any request', async (args, message) => {
    const run = await berth(args)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(message)
    expect(run.stdout).toBe('')
  })

  it('goes into the link the app opens, as the table filter', async () => {
    const run = await berth(['link', 'registry.example.com/team/app', '--platform', 'Linux/ARM64'])
    expect(run.code).toBe(0)
    const link = run.stdout.trim()
    expect(link).toBe('berth://registry.example.com/team/app?platform=linux%2Farm64')
    const parsed = parseBerthLink(link)
    expect(parsed.ok && parsed.link.platform).toBe('linux/arm64')
  })
})

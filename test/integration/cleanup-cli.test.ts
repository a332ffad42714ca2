// `berth cleanup` in-process against the lab's `tls` registry: a dry run by default that deletes
// nothing and says how to execute, `--yes` removing exactly the plan, saved rules re-run, and
// usage errors for rules that could never be meant.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/doors/cli/cli'
import type { CliIo } from '../../electron/doors/cli/cli-output'
import type { CleanupPlan } from '../../shared/cleanup-rules'
import { skopeoTags } from '../lab/skopeo-witness'
import { getLab, reseed } from '../lab/lab-client'

const lab = getLab()
const web = lab.truth.repositories['acme/web'] ?? {}
const writer = lab.users.writer
const target = `${lab.tls.host}/acme/web`
let dataDir = ''
let caFile = ''

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-cleanup-cli-'))
  caFile = join(dataDir, 'lab-ca.pem')
  writeFileSync(caFile, lab.tls.caPem)
})
afterAll(async () => {
  await reseed('tls', 'acme/web')
  rmSync(dataDir, { recursive: true, force: true })
})

async function berth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTty: false,
    readStdin: () => Promise.resolve(`${writer.password}\n`),
    confirm: () => Promise.resolve(false),
  }
  const code = await runCli([...args, '--ca', caFile, '--username', writer.username, '--password-stdin'], io, {
    ...process.env,
    BERTH_DATA_DIR: dataDir,
  })
  return { code, stdout, stderr }
}

describe('berth cleanup', () => {
  it('is a dry run by default: prints the plan, deletes nothing and says how to execute', async () => {
    await reseed('tls', 'acme/web')
    const result = await berth(['cleanup', target, '--delete-regex', '^(0\\.|1\\.0)', '--keep-regex', '^1\\.0$'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^REMOVE\s+0\.1\.0\s/m)
    expect(result.stdout).toMatch(/^keep\s+1\.0\s.*Matches the keep pattern/m)
    expect(result.stdout).toContain('Remove 4 of 30 tags')
    expect(result.stdout).toContain('Dry run: nothing was deleted. Run again with --yes to remove these 4 tags.')
    expect(skopeoTags(lab, 'acme/web')).toHaveLength(30)
  })

  it('prints the plan as JSON with --json, with the digests it would check', async () => {
    const result = await berth(['cleanup', target, '--delete-regex', '^0\\.', '--json'])
    expect(result.code).toBe(0)
    const out = JSON.parse(result.stdout) as { dryRun: boolean; plan: CleanupPlan }
    expect(out.dryRun).toBe(true)
    expect(out.plan.remove.sort()).toEqual(['0.1.0', '0.9.0'])
    expect(out.plan.expectedDigests).toEqual({ '0.1.0': web['0.1.0']?.digest, '0.9.0': web['0.9.0']?.digest })
  })

  it('removes exactly the planned tags with --yes; the tag sharing a digest with a kept tag goes alone', async () => {
    await reseed('tls', 'acme/web')
    const result = await berth(['cleanup', target, '--delete-regex', '^(0\\.|1\\.0)', '--keep-regex', '^1\\.0$', '--yes', '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const out = JSON.parse(result.stdout) as { removed: string[]; failed: string[] }
    expect(out.removed.sort()).toEqual(['0.1.0', '0.9.0', '1.0.0', '1.0.1'])
    expect(out.failed).toEqual([])
    const left = skopeoTags(lab, 'acme/web')
    expect(left).toEqual(
      Object.keys(web)
        .filter((t) => !['0.1.0', '0.9.0', '1.0.0', '1.0.1'].includes(t))
        .sort(),
    )
    expect(left).toContain('1.0')
    const audit = readFileSync(join(dataDir, 'audit.log'), 'utf8')
    expect(audit).toContain('"tag":"1.0.1"')
  })

  it('saves rules per repository and re-runs them', async () => {
    await reseed('tls', 'acme/web')
    const saved = await berth(['cleanup', target, '--delete-regex', '^nightly$', '--older-than', '1month', '--save-rules'])
    expect(saved.code).toBe(0)
    const file = JSON.parse(readFileSync(join(dataDir, 'cleanup-rules.json'), 'utf8')) as {
      rules: Record<string, { removeRegex: string; olderThan: string }>
    }
    expect(file.rules[`${lab.tls.host}/acme/web`]).toMatchObject({ removeRegex: '^nightly$', olderThan: '1month' })
    const rerun = await berth(['cleanup', target, '--saved-rules', '--yes'])
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toContain('Removed 1 of 1 tags.')
    expect(skopeoTags(lab, 'acme/web')).not.toContain('nightly')
  })

  it.each([
    [['--keep-n', '10'], /--delete-regex/],
    [['--delete-regex', '('], /--delete-regex: not a usable regular expression/],
    [['--delete-regex', '.*', '--older-than', '5m'], /--older-than: not a duration/],
    [['--delete-regex', '.*', '--dry-run', '--yes'], /contradict/],
  ])('refuses %j as a usage error', async (args, message) => {
    const result = await berth(['cleanup', target, ...args])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(message)
  })
})

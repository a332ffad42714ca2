// `berth audit`: the audit log as a table or documented JSON, for every registry or one registry
// (and repository), without contacting any registry; bad arguments say what to do.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { auditFilterOf } from '../../../electron/doors/cli/audit-command'
import { createAuditLog } from '../../../electron/stores/audit-log'
import type { AuditEntry } from '../../../shared/types'
import { berthInProcess } from '../../support/cli-run'

let dataDir: string
const env = () => ({ BERTH_DATA_DIR: dataDir })

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2026, 2, 1, 10, 0, n)).toISOString(),
    registry: 'registry.example.com',
    repository: 'team/app',
    tag: `t${n}`,
    digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
    method: 'tag-delete',
    result: 'ok',
    user: 'bob',
    account: 'ada',
    ...extra,
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-audit-'))
  const log = createAuditLog(join(dataDir, 'audit.log'))
  await log.append(entry(1))
  await log.append(
    entry(2, { registry: '127.0.0.1:5000', repository: 'lab/web', result: 'error', error: 'forbidden: the tag is protected' }),
  )
  await log.append(
    entry(3, { repository: 'team/api', method: 'gitlab-bulk-delete', tag: null, digest: '', detail: 'name_regex_delete=.*' }),
  )
  await log.append({ ...entry(4), method: 'copy', source: 'other.example/team/app', previousDigest: null })
})

afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

describe('berth audit', () => {
  it('prints every entry, oldest first, with what, where, result, who and details', async () => {
    const run = await berthInProcess(['audit'], { env: env() })
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines[0]).toMatch(/^TIME\s+ACTION\s+REGISTRY\s+TARGET\s+RESULT\s+BY\s+DETAILS$/)
    expect(lines[1]).toMatch(/^2026-03-01 10:00:01Z\s+Tag delete\s+registry\.example\.com\s+team\/app:t1\s+ok\s+ada \(local user bob\)/)
    expect(lines[2]).toMatch(/127\.0\.0\.1:5000\s+lab\/web:t2\s+FAILED .*forbidden: the tag is protected/)
    expect(lines[3]).toMatch(/GitLab bulk cleanup\s+registry\.example\.com\s+team\/api\s+ok .*name_regex_delete=\.\*/)
    expect(lines[4]).toMatch(/Image copy .* from other\.example\/team\/app; new tag/)
    expect(run.stdout).toContain('4 entries for any registry, oldest first.')
  })

  it('filters by registry (any address form) and repository, and prints JSON entries as stored', async () => {
    const one = await berthInProcess(['audit', 'https://Registry.Example.com/team/app', '--json'], { env: env() })
    expect(one.code).toBe(0)
    const entries = JSON.parse(one.stdout) as AuditEntry[]
    expect(entries.map((e) => e.tag)).toEqual(['t1', 't4'])
    expect(entries[0]).toEqual(entry(1))
    const lab = await berthInProcess(['audit', '127.0.0.1:5000', '--json'], { env: env() })
    expect((JSON.parse(lab.stdout) as AuditEntry[]).map((e) => e.result)).toEqual(['error'])
  })

  it('keeps the newest entries with --limit, and says when the log holds nothing for the registry', async () => {
    const last = await berthInProcess(['audit', '--limit', '2', '--json'], { env: env() })
    expect((JSON.parse(last.stdout) as AuditEntry[]).map((e) => e.tag)).toEqual([null, 't4'])
    const none = await berthInProcess(['audit', 'quay.io'], { env: env() })
    expect(none.code).toBe(0)
    expect(none.stdout).toMatch(/Nothing in the audit log for quay\.io yet/)
  })

  it('refuses a bad limit, a bad repository and a second argument with the fix', async () => {
    const limit = await berthInProcess(['audit', '--limit', '0'], { env: env() })
    expect(limit.code).toBe(1)
    expect(limit.stderr).toMatch(/--limit must be a whole number from 1 to 10000/)
    const repo = await berthInProcess(['audit', 'registry.example.com/Team/App'], { env: env() })
    expect(repo.code).toBe(1)
    expect(repo.stderr).toMatch(/"Team\/App" is not a repository name/)
    const two = await berthInProcess(['audit', 'a.example', 'b.example'], { env: env() })
    expect(two.code).toBe(1)
    expect(two.stderr).toMatch(/expected at most one <registry>\[\/<repository>\]/)
  })

  it('reads registry addresses as the sessions record them', () => {
    expect(auditFilterOf('')).toEqual({})
    expect(auditFilterOf('localhost:5000/a/b/')).toEqual({ registry: 'localhost:5000', repository: 'a/b' })
    expect(auditFilterOf('https://registry.example.com:443')).toEqual({ registry: 'registry.example.com' })
    expect(auditFilterOf('registry-1.docker.io/library/alpine')).toEqual({ registry: 'docker.io', repository: 'library/alpine' })
  })

  it('is in --help', async () => {
    const help = await berthInProcess(['--help'], { env: env() })
    expect(help.stdout).toMatch(/berth audit +\[<registry>\[\/<repo>\]\] \[--limit N\]/)
    expect(help.stdout).toMatch(/-v, --verbose/)
  })
})

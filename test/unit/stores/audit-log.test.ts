import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { auditAs, createAuditLog } from '../../../electron/stores/audit-log'
import type { AuditEntry } from '../../../shared/types'

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-audit-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    registry: '127.0.0.1:5000',
    repository: 'acme/web',
    tag: `t${n}`,
    digest: `sha256:${String(n).padStart(64, '0')}`,
    method: 'throwaway-manifest',
    result: 'ok',
    ...extra,
  }
}

describe('audit log', () => {
  it('creates its directory and a file only the user can read', async () => {
    const file = join(await tempDir(), 'nested', 'deeper', 'audit.log')
    await createAuditLog(file).append(entry(1))
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse((await readFile(file, 'utf8')).trim())).toEqual(entry(1))
  })

  it('reads the last entries with the newest last', async () => {
    const log = createAuditLog(join(await tempDir(), 'audit.log'))
    for (let i = 1; i <= 5; i++) await log.append(entry(i))
    expect((await log.read(3)).map((e) => e.tag)).toEqual(['t3', 't4', 't5'])
    expect(await log.read(100)).toHaveLength(5)
  })

  it('answers an empty list before anything was deleted', async () => {
    expect(await createAuditLog(join(await tempDir(), 'audit.log')).read(10)).toEqual([])
  })

  it('skips a truncated final line left by a crash', async () => {
    const file = join(await tempDir(), 'audit.log')
    const log = createAuditLog(file)
    await log.append(entry(1))
    await log.append(entry(2))
    await appendFile(file, '{"time":"2026-01-01T00:00:03.000Z","registry":"x","repo')
    expect((await log.read(10)).map((e) => e.tag)).toEqual(['t1', 't2'])
    await log.append(entry(4))
    // The next append starts on a fresh line: only the broken fragment is lost.
    expect((await log.read(10)).map((e) => e.tag)).toEqual(['t1', 't2', 't4'])
  })

  it('keeps concurrent appends as whole lines', async () => {
    const log = createAuditLog(join(await tempDir(), 'audit.log'))
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(entry(i))))
    const tags = (await log.read(100)).map((e) => e.tag)
    expect(tags).toHaveLength(40)
    expect(new Set(tags).size).toBe(40)
  })

  it('never writes a credential that slipped into an error message', async () => {
    const file = join(await tempDir(), 'audit.log')
    await createAuditLog(file).append(
      entry(1, {
        result: 'error',
        error: 'forbidden: sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3In0.c2lnbmF0dXJl and password=hunter2',
      }),
    )
    const text = await readFile(file, 'utf8')
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9')
    expect(text).not.toContain('hunter2')
    expect(text).toContain('forbidden')
  })

  it('reads the last entries of one registry, and of one repository there, past entries of others', async () => {
    const log = createAuditLog(join(await tempDir(), 'audit.log'))
    await log.append(entry(1))
    await log.append(entry(2, { registry: 'registry.example.com' }))
    await log.append(entry(3, { repository: 'acme/api' }))
    for (let i = 4; i <= 8; i++) await log.append(entry(i, { registry: 'registry.example.com' }))
    expect((await log.read(2, { registry: '127.0.0.1:5000' })).map((e) => e.tag)).toEqual(['t1', 't3'])
    expect((await log.read(10, { registry: '127.0.0.1:5000', repository: 'acme/api' })).map((e) => e.tag)).toEqual(['t3'])
    // Host names compare without case, as the registry's own address does.
    expect((await log.read(3, { registry: 'Registry.Example.com' })).map((e) => e.tag)).toEqual(['t6', 't7', 't8'])
  })

  it('records who: the local account on every entry, the registry account a session acts as, both kept short', async () => {
    const file = join(await tempDir(), 'audit.log')
    const log = createAuditLog(file, { user: 'bob' })
    await log.append(entry(1))
    await auditAs(log, 'ada').append(entry(2))
    await auditAs(log, null).append(entry(3))
    await auditAs(log, 'ada').append(entry(4, { account: 'ci-bot', user: 'runner\nx' }))
    const read = await log.read(10)
    expect(read.map((e) => [e.user, e.account])).toEqual([
      ['bob', undefined],
      ['bob', 'ada'],
      ['bob', undefined],
      ['runner x', 'ci-bot'],
    ])
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(4)
  })

  it("keeps a GitLab bulk cleanup's parameters, and every field a copy writes", async () => {
    const log = createAuditLog(join(await tempDir(), 'audit.log'))
    await log.append(entry(1, { method: 'gitlab-bulk-delete', tag: null, digest: '', detail: 'name_regex_delete=(?i)pr-.* keep_n=5' }))
    await log.append(entry(2, { method: 'copy', source: 'other.example/team/app', sourceDigest: 'sha256:ab', previousDigest: null }))
    const [bulk, copy] = await log.read(10)
    expect(bulk).toMatchObject({ method: 'gitlab-bulk-delete', tag: null, detail: 'name_regex_delete=(?i)pr-.* keep_n=5' })
    expect(copy).toMatchObject({ method: 'copy', source: 'other.example/team/app', previousDigest: null })
  })
})

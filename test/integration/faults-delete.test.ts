// Deletes through a fault proxy in front of the real open registry: every fault ends in a result
// naming the cause, and no fault ever makes Berth send a second DELETE (or a DELETE of anything
// but what the user confirmed): the DELETEs reaching the registry are counted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../shared/errors'
import { createAuditLog } from '../../electron/stores/audit-log'
import { deleteTags } from '../support/generic-session'
import type { Fault } from '../lab/fault-proxy'
import { getLab, reseed } from '../lab/lab-client'
import { faultSession, matching, type FaultSession } from './faults-support'
import { labClient } from './operations-clients'

const lab = getLab()
const repository = 'group/subgroup/project/image'
const truth = lab.truth.repositories[repository] ?? {}
const oldDigest = truth['1.0']?.digest ?? ''
const latestDigest = truth.latest?.digest ?? ''
const dir = mkdtempSync(join(tmpdir(), 'berth-faults-delete-'))
const audit = createAuditLog(join(dir, 'audit.log'))
const direct = labClient(lab.open)

const sessions: FaultSession[] = []
beforeEach(async () => {
  await reseed('open', repository)
})
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()))
})
afterAll(async () => {
  await reseed('open', repository)
  await direct.close()
  rmSync(dir, { recursive: true, force: true })
})

async function session(rules: Parameters<typeof faultSession>[0]['rules']): Promise<FaultSession> {
  const s = await faultSession({ upstream: lab.open.url, ...(rules ? { rules } : {}) })
  sessions.push(s)
  return s
}
async function stillThere(reference: string): Promise<boolean> {
  return direct.headManifest(repository, reference).then(
    () => true,
    () => false,
  )
}
const deletes = (s: FaultSession): string[] => s.proxy.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)

describe('a digest delete under faults', () => {
  it('deletes exactly once through the proxy when no fault is armed', async () => {
    const s = await session([])
    const [result] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(result).toMatchObject({ ok: true, digest: oldDigest })
    expect(deletes(s)).toEqual([`/v2/${repository}/manifests/${oldDigest}`])
    expect(await stillThere('1.0')).toBe(false)
    expect(await stillThere('latest')).toBe(true)
  })

  const refusals: [string, Fault, ErrorCode, RegExp][] = [
    ['a 500', { kind: 'status', status: 500 }, 'server_error', /answered 500 to DELETE .*the registry failed/],
    ['a 502', { kind: 'status', status: 502 }, 'server_error', /answered 502 to DELETE/],
    ['a 503 with Retry-After', { kind: 'status', status: 503, headers: { 'retry-after': '0' } }, 'server_error', /answered 503 to DELETE/],
    ['a 429 with Retry-After', { kind: 'rate-limit', retryAfter: '0' }, 'rate_limited', /answered 429 to DELETE .*too many requests/],
    ['a reset before the registry saw it', { kind: 'reset' }, 'network', /closed the connection unexpectedly/],
  ]
  it.each(refusals)('reports %s as a failed row and never sends a second DELETE', async (_what, fault, code, cause) => {
    const s = await session([{ method: 'DELETE', path: /manifests/, fault }])
    const [result] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(result).toMatchObject({ ok: false, tag: '1.0', error: { code, message: matching(cause) } })
    expect(deletes(s)).toEqual([`/v2/${repository}/manifests/${oldDigest}`])
    expect(await stillThere('1.0')).toBe(true)
  })

  it('reports a connection dropped after the registry deleted as a failure, once, and a retry deletes nothing else', async () => {
    const s = await session([{ method: 'DELETE', path: /manifests/, times: 1, fault: { kind: 'reset-after-forward' } }])
    const [first] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(first).toMatchObject({ ok: false, error: { code: 'network' } })
    expect(s.proxy.forwardedCount('DELETE')).toBe(1)
    expect(await stillThere('1.0')).toBe(false)
    // The user retries the same confirmed preview: the tag is gone, so nothing is deleted.
    const [again] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', message: matching(/1\.0 no longer exists/) } })
    expect(s.proxy.forwardedCount('DELETE')).toBe(1)
    expect(await stillThere('latest')).toBe(true)
  })

  it('completes a delayed DELETE exactly once', async () => {
    const s = await session([{ method: 'DELETE', path: /manifests/, fault: { kind: 'delay', ms: 500 } }])
    const [result] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(result).toMatchObject({ ok: true })
    expect(deletes(s)).toHaveLength(1)
  })

  it('refuses with conflict and sends no DELETE when the registry now reports another digest for the tag', async () => {
    const s = await session([
      {
        method: 'HEAD',
        path: /manifests\/1\.0$/,
        fault: { kind: 'serve', body: Buffer.from('{"schemaVersion":2}'), contentType: 'application/vnd.oci.image.manifest.v1+json' },
      },
    ])
    const [result] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: matching(/now points at sha256:.*nothing was deleted/) },
    })
    expect(deletes(s)).toEqual([])
  })

  it('sends no DELETE when resolving the tag fails with a 5xx', async () => {
    const s = await session([{ method: 'HEAD', path: /manifests\/1\.0$/, fault: { kind: 'status', status: 500 } }])
    const [result] = await deleteTags(s.client, repository, ['1.0'], 'digest', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { '1.0': oldDigest },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'server_error' } })
    expect(deletes(s)).toEqual([])
  })
})

describe('a tag-only delete under faults', () => {
  it('never deletes the shared digest, and puts the tag back when the placeholder DELETE fails', async () => {
    // DIST 2.8: DELETE by tag → 400, probe DELETE of a random digest → 404, then the placeholder's DELETE fails.
    const s = await session([{ method: 'DELETE', path: /manifests\/sha256:/, skip: 1, fault: { kind: 'status', status: 500 } }])
    const [result] = await deleteTags(s.client, repository, ['latest'], 'tag', {
      registry: s.proxy.host,
      audit,
      expectedDigests: { latest: latestDigest },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'server_error', message: matching(/The tag was put back on sha256:/) } })
    const sent = deletes(s)
    expect(sent).not.toContain(`/v2/${repository}/manifests/${latestDigest}`)
    // One DELETE per step, none repeated.
    expect(new Set(sent).size).toBe(sent.length)
    expect((await direct.headManifest(repository, 'latest')).digest).toBe(latestDigest)
    expect((await direct.headManifest(repository, '1.1')).digest).toBe(latestDigest)
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuditLog, type AuditLog } from '../../../electron/stores/audit-log'
import { throwawayArtifactType } from '../../../electron/operations/delete-tags'
import { errorFromResponse } from '../../../electron/http/registry-errors'
import { createGenericProvider } from '../../../electron/providers/generic-provider'
import { deleteConfirmed } from '../../../electron/session/delete-safety'
import { confirmationFor } from '../../../shared/delete-confirmation'
import { deleteTags, previewDelete } from '../../support/generic-session'
import { FakeRegistryClient, type FakeOptions } from './fake-registry-client'

const repo = 'acme/web'
const registry = '127.0.0.1:1'
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function auditLog(): Promise<AuditLog> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-delete-'))
  dirs.push(dir)
  return createAuditLog(join(dir, 'audit.log'))
}

/** `shared` is on 1.0, latest and stable; `other` is on 2.0. */
function seeded(options: FakeOptions = {}) {
  const fake = new FakeRegistryClient(options)
  const base = fake.addLayer(repo, 100)
  const shared = fake.addImage(repo, '1.0', { created: '2025-01-01T00:00:00Z', layers: [base] })
  fake.tag(repo, 'latest', shared.digest)
  fake.tag(repo, 'stable', shared.digest)
  const other = fake.addImage(repo, '2.0', { created: '2025-02-01T00:00:00Z', layers: [base] })
  return { fake, shared, other, tags: () => [...fake.repo(repo).tags.keys()].sort() }
}

describe('previewDelete', () => {
  it('lists every tag that goes with a digest delete', async () => {
    const { fake, shared } = seeded()
    const preview = await previewDelete(fake, repo, ['latest'], 'digest')
    expect(preview.items).toEqual([{ tag: 'latest', digest: shared.digest, alsoRemoved: ['1.0', 'latest', 'stable'] }])
  })

  it('names only the tag itself for a tag-safe delete', async () => {
    const { fake, shared } = seeded()
    const preview = await previewDelete(fake, repo, ['latest'], 'tag')
    expect(preview).toEqual({ repository: repo, mode: 'tag', items: [{ tag: 'latest', digest: shared.digest, alsoRemoved: [] }] })
    expect(fake.count('LIST', 'tags')).toBe(0)
  })

  it('refuses to preview a tag that does not exist', async () => {
    const { fake } = seeded()
    await expect(previewDelete(fake, repo, ['1.0', 'gone'], 'digest')).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('deleteTags', () => {
  it('removes only the chosen tag on distribution 2.8 through a throw-away manifest', async () => {
    const { fake, shared, tags } = seeded({ tagDelete: 'digest-invalid' })
    const audit = await auditLog()
    const [result] = await deleteTags(fake, repo, ['latest'], 'tag', { registry, audit, expectedDigests: { latest: shared.digest } })
    expect(result).toEqual({ tag: 'latest', digest: shared.digest, ok: true, method: 'throwaway-manifest', removedTags: ['latest'] })
    expect(tags()).toEqual(['1.0', '2.0', 'stable'])
    // The image is still there by digest, and the placeholder is gone.
    expect(fake.repo(repo).manifests.has(shared.digest)).toBe(true)
    const leftovers = [...fake.repo(repo).manifests.values()].filter((m) =>
      new TextDecoder().decode(m.bytes).includes(throwawayArtifactType),
    )
    expect(leftovers).toEqual([])
    expect(await audit.read(10)).toMatchObject([
      { registry, repository: repo, tag: 'latest', digest: shared.digest, method: 'throwaway-manifest', result: 'ok' },
    ])
  })

  it('uses the OCI 1.1 tag DELETE where the registry supports it', async () => {
    const { fake, shared, tags } = seeded({ tagDelete: 'supported' })
    const [result] = await deleteTags(fake, repo, ['latest'], 'tag', { registry })
    expect(result).toMatchObject({ ok: true, method: 'tag-delete', removedTags: ['latest'], digest: shared.digest })
    expect(tags()).toEqual(['1.0', '2.0', 'stable'])
    expect(fake.count('PUT', 'manifest')).toBe(0)
  })

  it('refuses a tag that moved since the user confirmed, deleting nothing', async () => {
    const { fake, shared, other, tags } = seeded()
    fake.tag(repo, 'latest', other.digest)
    const audit = await auditLog()
    const [result] = await deleteTags(fake, repo, ['latest'], 'digest', { registry, audit, expectedDigests: { latest: shared.digest } })
    expect(result?.ok).toBe(false)
    expect(result?.error?.code).toBe('conflict')
    expect(fake.count('DELETE', 'manifest')).toBe(0)
    expect(tags()).toEqual(['1.0', '2.0', 'latest', 'stable'])
    expect(await audit.read(10)).toMatchObject([{ tag: 'latest', result: 'error' }])
  })

  it('deletes nothing for a tag that was not among the confirmed ones', async () => {
    const { fake, shared, tags } = seeded()
    const results = await deleteTags(fake, repo, ['latest', 'stable'], 'tag', { registry, expectedDigests: { latest: shared.digest } })
    expect(results.map((r) => [r.tag, r.ok, r.error?.code])).toEqual([
      ['latest', true, undefined],
      ['stable', false, 'invalid_input'],
    ])
    expect(tags()).toEqual(['1.0', '2.0', 'stable'])
  })

  it('deletes a digest once and puts every tag that went with it in the audit log', async () => {
    const { fake, shared, tags } = seeded()
    const audit = await auditLog()
    const results = await deleteTags(fake, repo, ['latest', 'stable'], 'digest', { registry, audit })
    expect(results).toEqual([
      { tag: 'latest', digest: shared.digest, ok: true, method: 'digest-delete', removedTags: ['1.0', 'latest', 'stable'] },
      { tag: 'stable', digest: shared.digest, ok: true, method: 'digest-delete', removedTags: ['1.0', 'latest', 'stable'] },
    ])
    expect(fake.count('DELETE', 'manifest')).toBe(1)
    expect(tags()).toEqual(['2.0'])
    const entries = await audit.read(10)
    expect(entries.map((entry) => entry.tag).sort()).toEqual(['1.0', 'latest', 'stable'])
    expect(entries.every((entry) => entry.method === 'digest-delete' && entry.digest === shared.digest && entry.result === 'ok')).toBe(true)
  })

  it('refuses a digest delete when a tag was pushed onto the digest after the preview, naming it', async () => {
    const { fake, shared, tags } = seeded()
    const audit = await auditLog()
    const preview = await previewDelete(fake, repo, ['latest'], 'digest')
    fake.tag(repo, 'hotfix', shared.digest)
    const provider = createGenericProvider({ client: fake })
    const [result] = await deleteConfirmed(
      provider,
      repo,
      { tags: ['latest'], mode: 'digest', expectedDigests: confirmationFor(preview) },
      { registry, audit },
    )
    expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(result?.error?.message).toMatch(/now also on it: hotfix/)
    expect(fake.count('DELETE', 'manifest')).toBe(0)
    expect(tags()).toEqual(['1.0', '2.0', 'hotfix', 'latest', 'stable'])
    expect(await audit.read(10)).toMatchObject([{ tag: 'latest', result: 'error', method: 'digest-delete' }])
  })

  it('refuses a digest delete confirmed without its sibling tags', async () => {
    const { fake, shared } = seeded()
    const [result] = await deleteTags(fake, repo, ['latest'], 'digest', { registry, expectedDigests: { latest: shared.digest } })
    expect(result?.error?.code).toBe('conflict')
    expect(result?.error?.message).toMatch(/now also on it: 1\.0, stable/)
    expect(fake.count('DELETE', 'manifest')).toBe(0)
  })

  it('reports disabled deletion as delete_disabled and leaves the tag where it was', async () => {
    const { fake, shared } = seeded({ deleteEnabled: false })
    const audit = await auditLog()
    const [tagResult] = await deleteTags(fake, repo, ['latest'], 'tag', { registry, audit })
    expect(tagResult?.error?.code).toBe('delete_disabled')
    expect(fake.count('PUT', 'manifest')).toBe(0)
    expect(fake.repo(repo).tags.get('latest')).toBe(shared.digest)
    const [digestResult] = await deleteTags(fake, repo, ['latest'], 'digest', { registry, audit })
    expect(digestResult?.error?.code).toBe('delete_disabled')
    expect((await audit.read(10)).map((e) => e.result)).toEqual(['error', 'error'])
  })

  it('tells a reader they can read but not delete, and changes nothing', async () => {
    const { fake, tags } = seeded({ readOnly: true })
    for (const mode of ['tag', 'digest'] as const) {
      const [result] = await deleteTags(fake, repo, ['latest'], mode, { registry })
      expect(result?.error?.code).toBe('forbidden')
      expect(result?.error?.message).toMatch(/can read but not delete/)
    }
    expect(tags()).toEqual(['1.0', '2.0', 'latest', 'stable'])
    expect(fake.count('PUT', 'manifest')).toBe(0)
  })

  it('reads a 401 on delete after a successful read as "may not", the way distribution answers a scope it did not grant', async () => {
    const { fake, tags } = seeded({ deleteInsufficientScope: true })
    for (const mode of ['tag', 'digest'] as const) {
      const [result] = await deleteTags(fake, repo, ['latest'], mode, { registry })
      expect(result?.error?.code).toBe('forbidden')
      expect(result?.error?.message).toMatch(/can read but not delete/)
    }
    expect(tags()).toEqual(['1.0', '2.0', 'latest', 'stable'])
    expect(fake.count('PUT', 'manifest')).toBe(0)
  })

  it('never moves the tag when the credentials may push but not delete', async () => {
    const { fake, shared } = seeded({ deleteForbidden: true })
    const [result] = await deleteTags(fake, repo, ['latest'], 'tag', { registry })
    expect(result?.error?.code).toBe('forbidden')
    expect(fake.repo(repo).tags.get('latest')).toBe(shared.digest)
    expect(fake.count('PUT', 'manifest')).toBe(0)
  })

  it('puts the tag back when deleting the placeholder fails', async () => {
    const { fake, shared, tags } = seeded()
    const failing = Object.create(fake) as FakeRegistryClient
    failing.deleteManifest = async (repository: string, reference: string): Promise<void> => {
      if (fake.repo(repository).manifests.has(reference)) {
        fake.calls.push({ method: 'DELETE', kind: 'manifest', repository, reference })
        throw errorFromResponse({
          status: 500,
          method: 'DELETE',
          url: `http://127.0.0.1:1/v2/${repository}/manifests/${reference}`,
          headers: {},
          bodyText: '',
          operation: 'delete manifest',
        })
      }
      return fake.deleteManifest(repository, reference)
    }
    const [result] = await deleteTags(failing, repo, ['latest'], 'tag', { registry })
    expect(result?.ok).toBe(false)
    expect(result?.error?.code).toBe('server_error')
    expect(result?.error?.message).toMatch(/put back/)
    expect(fake.repo(repo).tags.get('latest')).toBe(shared.digest)
    expect(tags()).toEqual(['1.0', '2.0', 'latest', 'stable'])
  })

  it('never retries a failed DELETE', async () => {
    const { fake } = seeded()
    const failing = Object.create(fake) as FakeRegistryClient
    failing.deleteManifest = (repository: string, reference: string): Promise<void> => {
      fake.calls.push({ method: 'DELETE', kind: 'manifest', repository, reference })
      return Promise.reject(
        errorFromResponse({
          status: 503,
          method: 'DELETE',
          url: `http://127.0.0.1:1/v2/${repository}/manifests/${reference}`,
          headers: {},
          bodyText: '',
          operation: 'delete manifest',
        }),
      )
    }
    const [result] = await deleteTags(failing, repo, ['latest'], 'digest', { registry })
    expect(result?.error?.code).toBe('server_error')
    expect(fake.count('DELETE', 'manifest')).toBe(1)
  })

  it('answers a cancelled call with per-tag cancelled results and no DELETE', async () => {
    const { fake } = seeded()
    const controller = new AbortController()
    controller.abort()
    for (const mode of ['tag', 'digest'] as const) {
      const results = await deleteTags(fake, repo, ['latest', '2.0'], mode, { registry, signal: controller.signal })
      expect(results.map((r) => r.error?.code)).toEqual(['cancelled', 'cancelled'])
    }
    expect(fake.count('DELETE', 'manifest')).toBe(0)
  })

  it('keeps going after one tag fails', async () => {
    const { fake, shared, other, tags } = seeded()
    const results = await deleteTags(fake, repo, ['gone', '2.0'], 'tag', {
      registry,
      expectedDigests: { gone: shared.digest, '2.0': other.digest },
    })
    expect(results.map((r) => [r.tag, r.ok, r.error?.code])).toEqual([
      ['gone', false, 'conflict'],
      ['2.0', true, undefined],
    ])
    expect(results[1]?.digest).toBe(other.digest)
    expect(tags()).toEqual(['1.0', 'latest', 'stable'])
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuditLog, type AuditLog } from '../../electron/stores/audit-log'
import { deleteTags, previewDelete } from '../support/generic-session'
import type { RegistryClient } from '../../electron/http/client-types'
import { getLab, reseed } from '../lab/lab-client'
import { countingClient, labClient } from './operations-clients'
import { confirmationFor } from '../../shared/delete-confirmation'

const lab = getLab()
const repository = 'acme/web'
const web = lab.truth.repositories[repository] ?? {}
const latestDigest = web.latest?.digest ?? ''
const tagsOn = (digest: string): string[] =>
  Object.keys(web)
    .filter((t) => web[t]?.digest === digest)
    .sort()

const clients: RegistryClient[] = []
let dir = ''
let audit: AuditLog
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-ops-delete-'))
  audit = createAuditLog(join(dir, 'audit.log'))
})
afterAll(async () => {
  // Leave the lab as seeded for whoever runs next.
  await reseed('token', repository)
  await reseed('noDelete', repository)
  await Promise.all(clients.map((c) => c.close()))
  await rm(dir, { recursive: true, force: true })
})
function keep(client: RegistryClient): RegistryClient {
  clients.push(client)
  return client
}

describe('deleting on distribution 2.8', () => {
  it('previews a digest delete with every tag that shares the digest', async () => {
    await reseed('token', repository)
    const client = keep(labClient(lab.token, lab.users.reader))
    const preview = await previewDelete(client, repository, ['latest'], 'digest')
    expect(preview.items).toHaveLength(1)
    expect(preview.items[0]?.digest).toBe(latestDigest)
    expect(preview.items[0]?.alsoRemoved.sort()).toEqual(tagsOn(latestDigest))
    expect(tagsOn(latestDigest).length).toBeGreaterThan(1)
  })

  it('removes only the chosen tag in tag-safe mode; the other tags and the image stay', async () => {
    await reseed('token', repository)
    const client = keep(labClient(lab.token, lab.users.writer))
    const preview = await previewDelete(client, repository, ['latest'], 'tag')
    const [result] = await deleteTags(client, repository, ['latest'], 'tag', {
      registry: lab.token.host,
      audit,
      expectedDigests: { latest: preview.items[0]?.digest ?? '' },
    })
    expect(result).toEqual({ tag: 'latest', digest: latestDigest, ok: true, method: 'throwaway-manifest', removedTags: ['latest'] })

    const remaining = await client.listTags(repository)
    expect(remaining).not.toContain('latest')
    const siblings = tagsOn(latestDigest).filter((t) => t !== 'latest')
    for (const tag of siblings) {
      expect(remaining).toContain(tag)
      expect((await client.headManifest(repository, tag)).digest).toBe(latestDigest)
    }
    expect(remaining.sort()).toEqual(
      Object.keys(web)
        .filter((t) => t !== 'latest')
        .sort(),
    )
    // Still pullable by digest: manifest and config.
    const manifest = await client.getManifest(repository, latestDigest)
    expect(manifest.digest).toBe(latestDigest)
    await expect(client.getBlob(repository, web.latest?.configDigest ?? '', { maxBytes: 1 << 20 })).resolves.toBeInstanceOf(Uint8Array)

    const entries = await audit.read(100)
    expect(entries.at(-1)).toMatchObject({
      registry: lab.token.host,
      repository,
      tag: 'latest',
      digest: latestDigest,
      method: 'throwaway-manifest',
      result: 'ok',
    })
  })

  it('removes every tag on the digest in digest mode, as the preview said', async () => {
    await reseed('token', repository)
    const client = keep(labClient(lab.token, lab.users.writer))
    const preview = await previewDelete(client, repository, ['stable'], 'digest')
    const [result] = await deleteTags(client, repository, ['stable'], 'digest', {
      registry: lab.token.host,
      audit,
      expectedDigests: confirmationFor(preview),
    })
    expect(result?.ok).toBe(true)
    expect(result?.method).toBe('digest-delete')
    expect(result?.removedTags.sort()).toEqual(preview.items[0]?.alsoRemoved.sort())
    const remaining = await client.listTags(repository)
    for (const tag of tagsOn(latestDigest)) expect(remaining).not.toContain(tag)
    expect(remaining).toContain('2.2.1')
    await expect(client.headManifest(repository, latestDigest)).rejects.toMatchObject({ code: 'not_found' })
    // Every tag that went is in the audit log, not only the one picked.
    const entries = (await audit.read(100)).filter(
      (entry) => entry.digest === latestDigest && entry.result === 'ok' && entry.method === 'digest-delete',
    )
    expect(entries.map((entry) => entry.tag).sort()).toEqual(tagsOn(latestDigest).sort())
  })

  it('resolves a manifest list to the list itself, never its amd64 child, before deleting', async () => {
    const client = keep(labClient(lab.token, lab.users.reader))
    const preview = await previewDelete(client, 'acme/legacy-list', ['1.0'], 'digest')
    expect(preview.items).toEqual([
      { tag: '1.0', digest: lab.truth.repositories['acme/legacy-list']?.['1.0']?.digest, alsoRemoved: ['1.0'] },
    ])
  })

  it('removes one tag of a multi-arch index and leaves the index and its platforms pullable', async () => {
    await reseed('token', 'acme/multiarch')
    const client = keep(labClient(lab.token, lab.users.writer))
    const truth = lab.truth.repositories['acme/multiarch']?.latest
    const [result] = await deleteTags(client, 'acme/multiarch', ['latest'], 'tag', {
      registry: lab.token.host,
      audit,
      expectedDigests: { latest: truth?.digest ?? '' },
    })
    expect(result).toMatchObject({ ok: true, method: 'throwaway-manifest', removedTags: ['latest'] })
    expect(await client.listTags('acme/multiarch')).toEqual(['1.0'])
    expect((await client.headManifest('acme/multiarch', '1.0')).digest).toBe(truth?.digest)
    for (const platform of truth?.platforms ?? [])
      expect((await client.getManifest('acme/multiarch', platform.digest)).digest).toBe(platform.digest)
    await reseed('token', 'acme/multiarch')
  })

  it('refuses a tag that moved since the preview', async () => {
    await reseed('token', repository)
    const client = keep(labClient(lab.token, lab.users.writer))
    const counted = countingClient(client)
    const [result] = await deleteTags(counted.client, repository, ['latest'], 'digest', {
      registry: lab.token.host,
      audit,
      expectedDigests: { latest: web['1.0.0']?.digest ?? '' },
    })
    expect(result?.error?.code).toBe('conflict')
    expect(counted.counts.deleteManifest).toBe(0)
    expect(await client.listTags(repository)).toContain('latest')
  })

  it('tells a reader they can read but not delete, in both modes, and deletes nothing', async () => {
    await reseed('token', repository)
    const client = keep(labClient(lab.token, lab.users.reader))
    const before = (await client.listTags(repository)).sort()
    for (const mode of ['tag', 'digest'] as const) {
      const [result] = await deleteTags(client, repository, ['latest'], mode, { registry: lab.token.host, audit })
      expect(result?.ok).toBe(false)
      expect(result?.error?.code).toBe('forbidden')
      expect(result?.error?.message).toMatch(/can read but not delete/)
    }
    expect((await client.listTags(repository)).sort()).toEqual(before)
    expect((await client.headManifest(repository, 'latest')).digest).toBe(latestDigest)
    const last = (await audit.read(2)).map((e) => [e.tag, e.result])
    expect(last).toEqual([
      ['latest', 'error'],
      ['latest', 'error'],
    ])
  })

  it('reports delete_disabled on a registry with deletion off and leaves the tag alone', async () => {
    const client = keep(labClient(lab.noDelete))
    for (const mode of ['tag', 'digest'] as const) {
      const [result] = await deleteTags(client, repository, ['latest'], mode, { registry: lab.noDelete.host, audit })
      expect(result?.ok).toBe(false)
      expect(result?.error?.code).toBe('delete_disabled')
    }
    expect((await client.headManifest(repository, 'latest')).digest).toBe(latestDigest)
    expect((await client.listTags(repository)).sort()).toEqual(Object.keys(web).sort())
    expect((await audit.read(2)).map((e) => [e.registry, e.result])).toEqual([
      [lab.noDelete.host, 'error'],
      [lab.noDelete.host, 'error'],
    ])
  })
})

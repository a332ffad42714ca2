// The app's details job (electron/session/details-job.ts) over the generic provider and a fake
// registry: which tag each request slot takes, as the table's priorities change.
import { describe, expect, it } from 'vitest'
import { createGenericProvider } from '../../../electron/providers/generic-provider'
import type { RegistryProvider } from '../../../electron/providers/provider'
import { createDetailsJob } from '../../../electron/session/details-job'
import type { TagDetailsResult } from '../../../shared/types'
import { FakeRegistryClient } from '../operations/fake-registry-client'

const repo = 'acme/many'
const tags = Array.from({ length: 40 }, (_, index) => `t${String(index).padStart(2, '0')}`)

/** A registry with `tags`, each its own image, that records which tag each manifest GET was for. */
function registry(): { fake: FakeRegistryClient; asked: string[] } {
  const fake = new FakeRegistryClient()
  const layer = fake.addLayer(repo, 10)
  for (const [index, tag] of tags.entries())
    fake.addImage(repo, tag, { created: `2025-01-${String(1 + (index % 28)).padStart(2, '0')}T00:00:00Z`, layers: [layer] })
  const asked: string[] = []
  const getManifest = fake.getManifest.bind(fake)
  fake.getManifest = async (repository: string, reference: string) => {
    if (!reference.startsWith('sha256:')) asked.push(reference)
    // Each answer takes a moment, as a registry's does: priorities can change meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2))
    return getManifest(repository, reference)
  }
  return { fake, asked }
}

function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve()
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out'))
      else setTimeout(check, 2)
    }
    check()
  })
}

describe('a details job', () => {
  it('loads the visible rows, then the margin, then the rest in table order, each tag once, row by row', async () => {
    const { fake, asked } = registry()
    const rows: TagDetailsResult[] = []
    const job = createDetailsJob({
      provider: createGenericProvider({ client: fake, concurrency: 1 }),
      repository: repo,
      tags,
      concurrency: 1,
      priority: { visible: ['t30', 't31'], margin: ['t29', 't32'], order: [...tags].reverse() },
      onResult: (row) => rows.push(row),
    })
    await until(() => rows.length === tags.length)
    expect(asked.slice(0, 4)).toEqual(['t30', 't31', 't29', 't32'])
    expect(asked.slice(4, 8)).toEqual(['t39', 't38', 't37', 't36'])
    expect([...asked].sort()).toEqual(tags)
    expect(rows.every((row) => row.ok)).toBe(true)
    expect(job.answered()).toBe(tags.length)
    job.stop()
    await job.finished
  })

  it('follows new priorities at once: the next free slot takes the rows now on screen', async () => {
    const { fake, asked } = registry()
    const rows: TagDetailsResult[] = []
    const job = createDetailsJob({
      provider: createGenericProvider({ client: fake, concurrency: 1 }),
      repository: repo,
      tags,
      concurrency: 1,
      onResult: (row) => rows.push(row),
    })
    await until(() => rows.length >= 3)
    job.prioritize({ visible: ['t20', 't21', 't22'], margin: [] })
    await until(() => rows.length >= 8)
    const afterScroll = asked.indexOf('t20')
    // At most the one request already in flight comes between the new priorities and the visible rows.
    expect(afterScroll).toBeLessThanOrEqual(rows.length >= 8 ? 5 : 4)
    expect(asked.slice(afterScroll, afterScroll + 3)).toEqual(['t20', 't21', 't22'])
    job.stop()
    await job.finished
  })

  it('stops taking tags and sends no more rows once stopped', async () => {
    const { fake, asked } = registry()
    const rows: TagDetailsResult[] = []
    const job = createDetailsJob({
      provider: createGenericProvider({ client: fake, concurrency: 2 }),
      repository: repo,
      tags,
      concurrency: 2,
      onResult: (row) => rows.push(row),
    })
    await until(() => rows.length >= 4)
    job.stop()
    await job.finished
    const askedAtStop = asked.length
    const rowsAtStop = rows.length
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(asked.length).toBe(askedAtStop)
    expect(rows.length).toBe(rowsAtStop)
    expect(rows.length).toBeLessThan(tags.length)
  })

  it('loads a tag again when asked to (a retry)', async () => {
    const { fake, asked } = registry()
    const rows: TagDetailsResult[] = []
    const job = createDetailsJob({
      provider: createGenericProvider({ client: fake, concurrency: 4 }),
      repository: repo,
      tags: tags.slice(0, 5),
      concurrency: 4,
      onResult: (row) => rows.push(row),
    })
    await until(() => rows.length === 5)
    job.prioritize({ visible: [], margin: [], requeue: ['t03'] })
    await until(() => rows.length === 6)
    expect(asked.filter((tag) => tag === 't03')).toHaveLength(2)
    job.stop()
    await job.finished
  })

  it('pulls tag by tag through getTagDetails for a provider without a stream of its own', async () => {
    const { fake, asked } = registry()
    const generic = createGenericProvider({ client: fake, concurrency: 1 })
    const provider: RegistryProvider = { ...generic, streamTagDetails: undefined }
    const rows: TagDetailsResult[] = []
    const job = createDetailsJob({
      provider,
      repository: repo,
      tags: tags.slice(0, 6),
      concurrency: 1,
      priority: { visible: ['t05'], margin: [] },
      onResult: (row) => rows.push(row),
    })
    await until(() => rows.length === 6)
    expect(asked[0]).toBe('t05')
    job.stop()
    await job.finished
  })
})

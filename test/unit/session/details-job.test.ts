// The app's details job (electron/session/details-job.ts) over the generic provider and a fake
// registry: which tag each request slot takes, as the table's priorities change.
import { describe, expect, it } from 'vitest'
import { createGenericProvider } from '../../../electron/providers/generic-provider'
import type { RegistryProvider } from '../../../electron/providers/provider'
import { createDetailsJob, type DetailsPriority } from '../../../electron/session/details-job'
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

/** A job over a fresh fake registry, with `slots` request slots, recording its rows and the tags it asked for. */
function runJob(options: {
  slots: number
  tags?: string[]
  priority?: DetailsPriority
  provider?: (generic: RegistryProvider) => RegistryProvider
}) {
  const { fake, asked } = registry()
  const rows: TagDetailsResult[] = []
  const generic = createGenericProvider({ client: fake, concurrency: options.slots })
  const job = createDetailsJob({
    provider: options.provider ? options.provider(generic) : generic,
    repository: repo,
    tags: options.tags ?? tags,
    concurrency: options.slots,
    onResult: (row) => rows.push(row),
    ...(options.priority ? { priority: options.priority } : {}),
  })
  return { job, rows, asked }
}

describe('a details job', () => {
  it('loads the visible rows, then the margin, then the rest in table order, each tag once, row by row', async () => {
    const { job, rows, asked } = runJob({
      slots: 1,
      priority: { visible: ['t30', 't31'], margin: ['t29', 't32'], order: [...tags].reverse() },
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
    const { job, rows, asked } = runJob({ slots: 1 })
    await until(() => rows.length >= 3)
    const answeredBefore = rows.length
    job.prioritize({ visible: ['t20', 't21', 't22'], margin: [] })
    await until(() => rows.length >= answeredBefore + 4)
    const afterScroll = asked.indexOf('t20')
    // At most the one request already in flight comes between the new priorities and the visible rows.
    expect(afterScroll).toBeLessThanOrEqual(answeredBefore + 1)
    expect(asked.slice(afterScroll, afterScroll + 3)).toEqual(['t20', 't21', 't22'])
    job.stop()
    await job.finished
  })

  it('stops taking tags and sends no more rows once stopped', async () => {
    const { job, rows, asked } = runJob({ slots: 2 })
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
    const { job, rows, asked } = runJob({ slots: 4, tags: tags.slice(0, 5) })
    await until(() => rows.length === 5)
    job.prioritize({ visible: [], margin: [], requeue: ['t03'] })
    await until(() => rows.length === 6)
    expect(asked.filter((tag) => tag === 't03')).toHaveLength(2)
    job.stop()
    await job.finished
  })

  it('pulls tag by tag through getTagDetails for a provider without a stream of its own', async () => {
    const { job, rows, asked } = runJob({
      slots: 1,
      tags: tags.slice(0, 6),
      priority: { visible: ['t05'], margin: [] },
      provider: (generic) => ({ ...generic, streamTagDetails: undefined }),
    })
    await until(() => rows.length === 6)
    expect(asked[0]).toBe('t05')
    job.stop()
    await job.finished
  })
})

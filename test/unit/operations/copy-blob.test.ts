// One blob copy against an in-memory registry that speaks the upload protocol (BlobTransfer): chunks
// recorded in the journal as the registry acknowledges them, a resume that sends only what the
// registry lacks, an upload the registry forgot started afresh, a failure that names the step, the
// blob and the registry, a corrupted blob refused with its upload cancelled, mounts, and chunks after
// a 413.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import type { RegistryClient } from '../../../electron/http/client-types'
import type { BlobTransfer, UploadSession } from '../../../electron/http/registry-blobs'
import { copyBlob, type CopySide } from '../../../electron/operations/copy-blob'
import { createMemoryUploadJournal, journalKey } from '../../../electron/operations/copy-upload-journal'
import { rejection } from '../../support/rejection'

const size = 10_000
const chunk = 2_000
const content = new Uint8Array(Array.from({ length: size }, (_, index) => (index * 31) % 256))
const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`
const blob = { digest, size, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }

interface MemoryRegistry {
  side: (repository: string) => CopySide
  committed: Map<string, Uint8Array>
  uploads: Map<string, number[]>
  /** Bytes that reached uploads, all requests together. */
  received: () => number
  calls: string[]
  failChunk: number | null
  refuseMonolithic: boolean
  forget: () => void
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = []
  for await (const piece of chunks) for (const byte of piece) out.push(byte)
  return out
}

function memoryRegistry(host: string, stored: Map<string, Uint8Array> = new Map()): MemoryRegistry {
  const uploads = new Map<string, number[]>()
  const calls: string[] = []
  let received = 0
  let nextId = 0
  let chunkCount = 0
  const state: Pick<MemoryRegistry, 'failChunk' | 'refuseMonolithic'> = { failChunk: null, refuseMonolithic: false }
  const session = (id: string): UploadSession => ({
    location: `https://${host}/upload/${id}?_state=${uploads.get(id)?.length ?? 0}`,
    offset: uploads.get(id)?.length ?? 0,
    minChunkBytes: null,
  })
  const idOf = (location: string): string => new URL(location).pathname.split('/').pop() ?? ''
  const transfer: BlobTransfer = {
    headBlob: (_repository, wanted) => Promise.resolve(stored.has(wanted) ? { size: stored.get(wanted)?.byteLength ?? 0 } : null),
    openBlob(_repository, wanted) {
      const bytes = stored.get(wanted)
      if (!bytes) return Promise.reject(new BerthError({ code: 'not_found', message: 'no blob' }))
      return Promise.resolve({
        size: bytes.byteLength,
        cancel: () => undefined,
        chunks: (async function* () {
          for (let at = 0; at < bytes.byteLength; at += 700) yield await Promise.resolve(bytes.subarray(at, at + 700))
        })(),
      })
    },
    startUpload(_repository, options) {
      calls.push(options?.mount ? `mount from ${options.mount.from}` : 'start')
      if (options?.mount && stored.has(options.mount.digest) && options.mount.from === 'team/base')
        return Promise.resolve({ mounted: true })
      const id = `u${++nextId}`
      uploads.set(id, [])
      return Promise.resolve({ mounted: false, session: session(id) })
    },
    uploadStatus(_repository, location) {
      calls.push('status')
      const id = idOf(location)
      return Promise.resolve(uploads.has(id) ? session(id) : null)
    },
    async uploadChunk(_repository, current, body) {
      chunkCount++
      calls.push(`chunk ${current.offset}`)
      const id = idOf(current.location)
      if (state.failChunk === chunkCount) throw new BerthError({ code: 'network', message: `${host} closed the connection unexpectedly.` })
      const bytes = await drain(body.chunks)
      received += bytes.length
      uploads.get(id)?.push(...bytes)
      return session(id)
    },
    async completeUpload(_repository, current, wanted, body) {
      calls.push(body ? 'put with body' : 'put')
      const id = idOf(current.location)
      if (body && state.refuseMonolithic) {
        throw new BerthError({ code: 'invalid_response', status: 413, message: 'Request Entity Too Large' })
      }
      const bytes = body ? await drain(body.chunks) : []
      received += bytes.length
      const all = Uint8Array.from([...(uploads.get(id) ?? []), ...bytes])
      if (`sha256:${createHash('sha256').update(all).digest('hex')}` !== wanted)
        throw new BerthError({ code: 'invalid_input', message: 'DIGEST_INVALID' })
      stored.set(wanted, all)
      uploads.delete(id)
    },
    cancelUpload(_repository, current) {
      calls.push('cancel')
      uploads.delete(idOf(current.location))
      return Promise.resolve()
    },
    pushManifest: () => Promise.reject(new Error('not used')),
  }
  const client = { endpoint: { url: `https://${host}`, host, insecure: false }, blobs: transfer } as unknown as RegistryClient
  return Object.assign(state, {
    side: (repository: string): CopySide => ({ client, registry: host, repository }),
    committed: stored,
    uploads,
    received: () => received,
    calls,
    forget: () => uploads.clear(),
  })
}

function sourceWith(bytes: Uint8Array): MemoryRegistry {
  return memoryRegistry('source.example', new Map([[digest, bytes]]))
}

describe('copying one blob', () => {
  it('sends a large blob in chunks the journal follows, and clears the journal once complete', async () => {
    const source = sourceWith(content)
    const destination = memoryRegistry('dest.example')
    const journal = createMemoryUploadJournal()
    const result = await copyBlob({
      source: source.side('team/app'),
      destination: destination.side('mirror/app'),
      blob,
      mount: false,
      journal,
      chunkBytes: chunk,
    })
    expect(result).toEqual({ outcome: 'uploaded', bytesSent: size, bytesResumed: 0 })
    expect(destination.committed.get(digest)).toEqual(content)
    expect(destination.calls.filter((call) => call.startsWith('chunk'))).toHaveLength(5)
    expect(await journal.get(journalKey('dest.example', 'mirror/app', digest))).toBeNull()
  })

  it('after a cut, names the step, the blob and the registry; the next run sends only what is missing', async () => {
    const source = sourceWith(content)
    const destination = memoryRegistry('dest.example')
    const journal = createMemoryUploadJournal()
    const options = {
      source: source.side('team/app'),
      destination: destination.side('mirror/app'),
      blob,
      mount: false,
      journal,
      chunkBytes: chunk,
    }
    destination.failChunk = 4
    const error = await rejection(copyBlob(options))
    expect(error.code).toBe('network')
    expect(error.message).toContain(`Copying blob ${digest}`)
    expect(error.message).toContain('failed at "upload chunk 4 (bytes 6000-7999)" on dest.example')
    expect(await journal.get(journalKey('dest.example', 'mirror/app', digest))).toMatchObject({ offset: 6000, size })

    destination.failChunk = null
    const resumed = await copyBlob(options)
    expect(resumed).toEqual({ outcome: 'resumed', bytesSent: 4000, bytesResumed: 6000 })
    expect(destination.received()).toBe(size)
    expect(destination.committed.get(digest)).toEqual(content)
  })

  it('starts afresh when the registry no longer knows the upload the journal remembers', async () => {
    const source = sourceWith(content)
    const destination = memoryRegistry('dest.example')
    const journal = createMemoryUploadJournal()
    const options = {
      source: source.side('team/app'),
      destination: destination.side('mirror/app'),
      blob,
      mount: false,
      journal,
      chunkBytes: chunk,
    }
    destination.failChunk = 2
    await rejection(copyBlob(options))
    destination.failChunk = null
    destination.forget()
    expect(await copyBlob(options)).toEqual({ outcome: 'uploaded', bytesSent: size, bytesResumed: 0 })
  })

  it('refuses a corrupted blob: the upload is cancelled, never completed, and the journal forgets it', async () => {
    const damaged = Uint8Array.from(content)
    damaged[5_000] = (damaged[5_000] ?? 0) ^ 1
    const source = sourceWith(damaged)
    const destination = memoryRegistry('dest.example')
    const journal = createMemoryUploadJournal()
    const error = await rejection(
      copyBlob({
        source: source.side('team/app'),
        destination: destination.side('mirror/app'),
        blob,
        mount: false,
        journal,
        chunkBytes: chunk,
      }),
    )
    expect(error.code).toBe('digest_mismatch')
    expect(error.message).toMatch(/on source\.example: Blob .* is corrupted/)
    expect(destination.calls).toContain('cancel')
    expect(destination.calls).not.toContain('put')
    expect(destination.committed.has(digest)).toBe(false)
    expect(await journal.get(journalKey('dest.example', 'mirror/app', digest))).toBeNull()
  })

  it('refuses a corrupted small blob before the one request that would complete it can finish', async () => {
    const damaged = Uint8Array.from(content)
    damaged[0] = (damaged[0] ?? 0) ^ 1
    const destination = memoryRegistry('dest.example')
    const error = await rejection(
      copyBlob({
        source: sourceWith(damaged).side('team/app'),
        destination: destination.side('mirror/app'),
        blob,
        mount: false,
        journal: createMemoryUploadJournal(),
        chunkBytes: size,
      }),
    )
    expect(error.code).toBe('digest_mismatch')
    expect(destination.committed.has(digest)).toBe(false)
  })

  it('mounts within a registry, and streams into the upload the registry opens when it will not mount', async () => {
    const registry = memoryRegistry('registry.example', new Map([[digest, content]]))
    const journal = createMemoryUploadJournal()
    const mounted = await copyBlob({
      source: registry.side('team/base'),
      destination: registry.side('team/app'),
      blob,
      mount: true,
      journal,
      chunkBytes: size,
    })
    expect(mounted).toEqual({ outcome: 'mounted', bytesSent: 0, bytesResumed: 0 })
    const streamed = await copyBlob({
      source: registry.side('team/other'),
      destination: registry.side('team/app'),
      blob,
      mount: true,
      journal,
      chunkBytes: size,
    })
    expect(streamed).toEqual({ outcome: 'uploaded', bytesSent: size, bytesResumed: 0 })
    expect(registry.calls).toEqual(['mount from team/base', 'mount from team/other', 'put with body'])
  })

  it('goes on in chunks when a size limit refuses the blob in one request (413)', async () => {
    const destination = memoryRegistry('dest.example')
    destination.refuseMonolithic = true
    const result = await copyBlob({
      source: sourceWith(content).side('team/app'),
      destination: destination.side('mirror/app'),
      blob,
      mount: false,
      journal: createMemoryUploadJournal(),
      chunkBytes: size,
    })
    expect(result.outcome).toBe('uploaded')
    expect(destination.committed.get(digest)).toEqual(content)
    expect(destination.calls.filter((call) => call.startsWith('chunk')).length).toBeGreaterThan(1)
  })
})

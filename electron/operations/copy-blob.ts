// One blob from a source repository to a destination repository (docs/registry-notes.md "Copying"):
//
// - same registry: a cross-repository mount first (POST ?mount=&from=); where the registry refuses
//   (202 with an upload), the bytes are streamed into the upload it opened;
// - an upload this destination left unfinished (the journal knows its Location) resumes where the
//   registry says it stands (GET of the upload, `Range`), the source read from the start and hashed,
//   only the missing bytes sent;
// - otherwise a new upload: one PUT for a blob up to one chunk, else PATCH chunks (each recorded in
//   the journal) then PUT ?digest=. Either way the blob is verified before the request that
//   completes the upload can finish: a corrupted blob is refused, and its upload cancelled.
//
// A failure names the step, the blob and the registry. The caller decides what to do next: a cut
// connection leaves the journal entry, so running the copy again sends only what is missing.
import { BerthError, toErrorData } from '../../shared/errors'
import { formatBytes } from '../../shared/format'
import type { RegistryClient } from '../http/client-types'
import type { BlobTransfer, UploadSession } from '../http/registry-blobs'
import { createBlobReader, type BlobReader } from './copy-blob-reader'
import { journalKey, type UploadJournal } from './copy-upload-journal'

export interface CopySide {
  client: RegistryClient
  /** host[:port], as in references. */
  registry: string
  repository: string
}

export interface BlobDescriptor {
  digest: string
  size: number
  mediaType: string
}

export type BlobOutcome = 'mounted' | 'uploaded' | 'resumed'

export interface CopyBlobOptions {
  source: CopySide
  destination: CopySide
  blob: BlobDescriptor
  /** Try a cross-repository mount first (both sides on one registry). */
  mount: boolean
  journal: UploadJournal
  /** Blobs larger than this go in PATCH chunks of this size (the registry's minimum, if larger). */
  chunkBytes: number
  signal?: AbortSignal
  /** Bytes handed to the destination, as they go. */
  onBytes?: (count: number) => void
}

export interface CopyBlobResult {
  outcome: BlobOutcome
  /** Bytes sent to the destination by this run. */
  bytesSent: number
  /** Bytes the destination already held from an earlier, interrupted run. */
  bytesResumed: number
}

/** Default chunk: blobs up to this size go in one PUT; larger ones in chunks the journal can resume. */
export const defaultChunkBytes = 32 * 1024 * 1024

export function blobTransferOf(client: RegistryClient): BlobTransfer {
  if (client.blobs) return client.blobs
  throw new BerthError({ code: 'unsupported', message: `${client.endpoint.host}: this registry client cannot copy blobs.` })
}

/** The error of a failed step, saying which step, which blob and which registry. */
export function stepError(step: string, blob: BlobDescriptor, registry: string, error: unknown): BerthError {
  const data = toErrorData(error)
  if (data.message.startsWith('Copying blob ')) return new BerthError(data, { cause: error })
  return new BerthError(
    {
      ...data,
      message: `Copying blob ${blob.digest} (${formatBytes(blob.size)}) failed at "${step}" on ${registry}: ${data.message}`,
    },
    { cause: error },
  )
}

export async function copyBlob(options: CopyBlobOptions): Promise<CopyBlobResult> {
  const { source, destination, blob } = options
  const target = blobTransferOf(destination.client)
  const signal = options.signal ? { signal: options.signal } : {}
  const key = journalKey(destination.registry, destination.repository, blob.digest)
  let step = options.mount ? `mount from ${source.repository}` : 'look for an unfinished upload'
  const fail = (error: unknown, where = destination.registry): BerthError => stepError(step, blob, where, error)

  let session: UploadSession | null
  try {
    if (options.mount) {
      const started = await target.startUpload(destination.repository, {
        mount: { digest: blob.digest, from: source.repository },
        ...signal,
      })
      if (started.mounted) return { outcome: 'mounted', bytesSent: 0, bytesResumed: 0 }
      session = started.session
    } else {
      session = await resumable(target, options, key)
    }
    if (session === null) {
      step = 'start the upload'
      session = (await startPlain(target, destination.repository, signal)).session
    }
  } catch (error) {
    throw fail(error)
  }

  const resumedFrom = session.offset
  const setStep = (name: string): void => {
    step = name
  }
  try {
    let bytesSent: number
    try {
      bytesSent = await send(options, target, session, key, setStep)
    } catch (error) {
      // 413: a size limit (the registry's, or a proxy's) refused the blob in one request: chunks then.
      if (!(error instanceof BerthError && error.data.status === 413 && resumedFrom === 0 && blob.size <= options.chunkBytes)) throw error
      await target.cancelUpload(destination.repository, session)
      step = 'start the upload again, in chunks'
      session = (await startPlain(target, destination.repository, signal)).session
      const chunkBytes = Math.min(4 * 1024 * 1024, Math.ceil(blob.size / 2))
      bytesSent = await send({ ...options, chunkBytes }, target, session, key, setStep)
    }
    return { outcome: resumedFrom > 0 ? 'resumed' : 'uploaded', bytesSent, bytesResumed: resumedFrom }
  } catch (error) {
    const failed = error instanceof SourceError ? fail(error.error, source.registry) : fail(error)
    if (failed.code === 'digest_mismatch' || failed.code === 'cancelled') {
      await target.cancelUpload(destination.repository, session)
      await options.journal.delete(key).catch(() => undefined)
    }
    throw failed
  }
}

/** The upload an earlier run left unfinished, as the registry sees it now; null to start afresh. */
async function resumable(target: BlobTransfer, options: CopyBlobOptions, key: string): Promise<UploadSession | null> {
  const entry = await options.journal.get(key).catch(() => null)
  // Only an upload on the destination's own origin is resumed (the journal is a file: trust it no further).
  if (entry === null || entry.size !== options.blob.size || !sameOrigin(entry.location, options.destination.client.endpoint.url))
    return null
  const status = await target
    .uploadStatus(options.destination.repository, entry.location, options.signal ? { signal: options.signal } : {})
    .catch((error: unknown) => {
      if (error instanceof BerthError && error.code === 'cancelled') throw error
      return null
    })
  if (status === null || status.offset > options.blob.size) {
    await options.journal.delete(key).catch(() => undefined)
    return null
  }
  return status
}

async function startPlain(target: BlobTransfer, repository: string, signal: { signal?: AbortSignal }): Promise<{ session: UploadSession }> {
  const started = await target.startUpload(repository, signal)
  if (started.mounted) throw new BerthError({ code: 'invalid_response', message: 'The registry reported a mount that was not asked for.' })
  return started
}

/** A failure while reading the source, kept apart from the destination's view of the same broken request. */
class SourceError extends Error {
  constructor(readonly error: unknown) {
    super('source failed')
  }
}

/** Streams the bytes the destination lacks; returns how many were sent. */
async function send(
  options: CopyBlobOptions,
  target: BlobTransfer,
  start: UploadSession,
  key: string,
  setStep: (step: string) => void,
): Promise<number> {
  const { source, destination, blob } = options
  const signal = options.signal ? { signal: options.signal } : {}
  setStep(`read from ${source.registry}/${source.repository}`)
  let reader: BlobReader
  try {
    const download = await blobTransferOf(source.client).openBlob(source.repository, blob.digest, { maxBytes: blob.size, ...signal })
    reader = createBlobReader(download, { digest: blob.digest, size: blob.size, from: `${source.registry}/${source.repository}` })
  } catch (error) {
    throw new SourceError(error)
  }
  let sourceFailure: unknown = null
  let sent = 0
  /** The reader's bytes as a request body, counted as they go; a source failure is remembered as such. */
  const body = (iterable: AsyncIterable<Uint8Array>, length: number) => ({
    length,
    chunks: (async function* () {
      try {
        for await (const piece of iterable) {
          sent += piece.byteLength
          options.onBytes?.(piece.byteLength)
          yield piece
        }
      } catch (error) {
        sourceFailure = error
        throw error
      }
    })(),
  })
  const rethrow = (error: unknown): never => {
    throw sourceFailure !== null ? new SourceError(sourceFailure) : error
  }

  try {
    setStep('hash what the destination already holds')
    await reader.skip(start.offset).catch((error: unknown) => rethrow(new SourceError(error)))
    const chunk = Math.max(options.chunkBytes, start.minChunkBytes ?? 0)
    if (start.offset === 0 && blob.size <= chunk) {
      setStep('upload')
      await target
        .completeUpload(destination.repository, start, blob.digest, body(reader.take(blob.size, { last: true }), blob.size), signal)
        .catch(rethrow)
      return sent
    }
    let session = start
    let index = 0
    while (session.offset < blob.size) {
      const length = Math.min(chunk, blob.size - session.offset)
      setStep(`upload chunk ${++index} (bytes ${session.offset}-${session.offset + length - 1})`)
      session = await target.uploadChunk(destination.repository, session, body(reader.take(length), length), signal).catch(rethrow)
      if (sameOrigin(session.location, destination.client.endpoint.url)) {
        await options.journal.put(key, { location: session.location, offset: session.offset, size: blob.size }).catch(() => undefined)
      }
    }
    setStep('verify')
    await reader.verify().catch((error: unknown) => rethrow(new SourceError(error)))
    setStep('complete the upload')
    await target.completeUpload(destination.repository, session, blob.digest, undefined, signal)
    await options.journal.delete(key).catch(() => undefined)
    return sent
  } finally {
    reader.cancel()
  }
}

function sameOrigin(location: string, registryUrl: string): boolean {
  try {
    return new URL(location).origin === new URL(registryUrl).origin
  } catch {
    return false
  }
}

// A blob read from the source as it arrives, hashed on the way: the copy skips what the destination
// already holds (still hashing it), takes exact byte ranges as streamed request bodies, and only
// lets the last bytes of a blob go once the whole of it hashed to its digest and had its declared
// size. A corrupted or truncated blob therefore never completes an upload. Nothing holds more than
// the piece in hand (the transport's buffers bound the rest).
//
// The source's pieces (a TLS record, ~16 KiB, each) are handed on gathered into pieces of up to
// `gatherBytes`: every step after the reader — the request body's stream, undici's writer, one TLS
// write and one syscall — then runs once a MiB instead of once a record. Profiled on a 300 MB copy
// (README "Performance", scenario 11), those per-record steps cost more CPU than hashing and TLS.
import { createHash, type Hash } from 'node:crypto'
import { BerthError } from '../../shared/errors'

export interface BlobReader {
  /** Bytes read from the source so far. */
  readonly position: number
  /** Reads and hashes `count` bytes without handing them on (the destination holds them already). */
  skip(count: number): Promise<void>
  /**
   * The next `count` bytes, as they arrive. With `last`, the final bytes of the blob are held back
   * until the blob is verified; a mismatch makes the iterable throw instead, so the request that
   * carries them fails and the registry never completes the upload.
   */
  take(count: number, options?: { last?: boolean }): AsyncIterable<Uint8Array>
  /** After every byte was read: throws digest_mismatch unless size and digest are the expected ones. */
  verify(): Promise<void>
  /** Stops reading (the connection to the source is released). */
  cancel(): void
}

export interface BlobReaderSource {
  chunks: AsyncIterable<Uint8Array>
  cancel(): void
}

export interface BlobReaderOptions {
  digest: string
  size: number
  /** Where the bytes come from, for messages: `registry.example.com/team/app`. */
  from: string
  /** The largest piece `take` hands on (default 1 MiB); smaller source pieces are joined up to it. */
  gatherBytes?: number
}

export const defaultGatherBytes = 1024 * 1024

export function createBlobReader(source: BlobReaderSource, options: BlobReaderOptions): BlobReader {
  const algorithm = options.digest.startsWith('sha512:') ? 'sha512' : 'sha256'
  const hash: Hash = createHash(algorithm)
  const iterator = source.chunks[Symbol.asyncIterator]()
  let pending: Uint8Array | null = null
  let position = 0
  let ended = false
  let verified: Promise<void> | null = null

  const short = (): BerthError =>
    new BerthError({
      code: 'digest_mismatch',
      message:
        `${options.from} sent ${position} bytes of blob ${options.digest}, which is ${options.size} bytes long; ` + 'the copy refused it.',
      fix: 'The source registry (or a proxy) cut or altered the blob. Retry; if it persists, the blob at the source is damaged.',
    })

  /** The next piece of at most `limit` bytes, hashed; null at the end of the source. */
  async function next(limit: number): Promise<Uint8Array | null> {
    let chunk = pending
    pending = null
    if (chunk === null) {
      if (ended) return null
      const step = await iterator.next()
      if (step.done === true) {
        ended = true
        return null
      }
      chunk = step.value
    }
    if (chunk.byteLength > limit) {
      pending = chunk.subarray(limit)
      chunk = chunk.subarray(0, limit)
    }
    position += chunk.byteLength
    if (position > options.size) {
      throw new BerthError({
        code: 'digest_mismatch',
        message: `${options.from} sent more than the ${options.size} bytes of blob ${options.digest}; the copy refused it.`,
        fix: 'The source registry answered with other content than the manifest names. Check the image at the source.',
      })
    }
    hash.update(chunk)
    return chunk
  }

  const gatherBytes = Math.max(1, options.gatherBytes ?? defaultGatherBytes)

  /** Up to `limit` bytes, hashed: the source's pieces joined until `limit` or its end; short() when nothing is left. */
  async function gather(limit: number): Promise<Uint8Array> {
    const first = await next(limit)
    if (first === null) throw short()
    if (first.byteLength >= limit) return first
    const parts = [first]
    let total = first.byteLength
    while (total < limit) {
      const piece = await next(limit - total)
      if (piece === null) break
      parts.push(piece)
      total += piece.byteLength
    }
    return parts.length === 1 ? first : Buffer.concat(parts, total)
  }

  async function verifyNow(): Promise<void> {
    if (position !== options.size) throw short()
    // Anything after the declared size is a different blob, even if the first bytes hash right.
    if (pending !== null || (!ended && (await iterator.next()).done !== true)) {
      throw new BerthError({
        code: 'digest_mismatch',
        message: `${options.from} sent more than the ${options.size} bytes of blob ${options.digest}; the copy refused it.`,
      })
    }
    ended = true
    const actual = `${algorithm}:${hash.digest('hex')}`
    if (actual !== options.digest) {
      throw new BerthError({
        code: 'digest_mismatch',
        message:
          `Blob ${options.digest} from ${options.from} hashes to ${actual}: it is corrupted, and the copy refused it ` +
          '(the destination did not complete the upload).',
        fix: 'The source registry, a proxy or the network altered the content. Retry; if it persists, the blob at the source is damaged.',
      })
    }
  }

  const reader: BlobReader = {
    get position() {
      return position
    },
    async skip(count) {
      let left = count
      while (left > 0) {
        const piece = await next(left)
        if (piece === null) throw short()
        left -= piece.byteLength
      }
    },
    take(count, takeOptions = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          let left = count
          while (left > 0) {
            const piece = await gather(Math.min(left, gatherBytes))
            left -= piece.byteLength
            if (left === 0 && takeOptions.last === true) await reader.verify()
            yield piece
          }
          if (count === 0 && takeOptions.last === true) await reader.verify()
        },
      }
    },
    verify() {
      verified ??= verifyNow()
      return verified
    },
    cancel() {
      source.cancel()
    },
  }
  return reader
}

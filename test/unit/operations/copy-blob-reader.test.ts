// The blob reader of a copy: bytes skipped are hashed too, ranges come out exactly, and the last
// bytes of a blob are only handed over once the whole blob hashed to its digest with its size.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createBlobReader } from '../../../electron/operations/copy-blob-reader'
import { rejection } from '../../support/rejection'

const blob = new Uint8Array(Array.from({ length: 1000 }, (_, index) => index % 251))
const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`

/** The bytes in chunks of `size`, as a response body arrives; `cancelled` tells whether cancel() was called. */
function source(bytes: Uint8Array, size = 97): { chunks: AsyncIterable<Uint8Array>; cancel: () => void; cancelled: () => boolean } {
  let cancelled = false
  return {
    chunks: (async function* () {
      for (let at = 0; at < bytes.byteLength; at += size) yield await Promise.resolve(bytes.subarray(at, at + size))
    })(),
    cancel: () => void (cancelled = true),
    cancelled: () => cancelled,
  }
}

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of iterable) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

describe('a blob read for a copy', () => {
  it('skips what the destination holds, hands on exact ranges, and verifies the whole', async () => {
    const reader = createBlobReader(source(blob), { digest, size: blob.byteLength, from: 'lab/app' })
    await reader.skip(300)
    expect(await collect(reader.take(250))).toEqual(blob.subarray(300, 550))
    expect(await collect(reader.take(450, { last: true }))).toEqual(blob.subarray(550))
    expect(reader.position).toBe(1000)
    await expect(reader.verify()).resolves.toBeUndefined()
  })

  it('holds back the last bytes of a corrupted blob: the request carrying them fails instead', async () => {
    const corrupted = Uint8Array.from(blob)
    corrupted[10] = (corrupted[10] ?? 0) ^ 0xff
    const reader = createBlobReader(source(corrupted), { digest, size: blob.byteLength, from: 'lab/app' })
    const seen: number[] = []
    const error = await rejection(
      (async () => {
        for await (const part of reader.take(blob.byteLength, { last: true })) seen.push(part.byteLength)
      })(),
    )
    expect(error.code).toBe('digest_mismatch')
    expect(error.message).toMatch(/corrupted, and the copy refused it/)
    // Everything but the final piece went out; the final piece never did.
    expect(seen.reduce((sum, size) => sum + size, 0)).toBeLessThan(blob.byteLength)
  })

  it('refuses a blob cut short, and one longer than its descriptor', async () => {
    const short = createBlobReader(source(blob.subarray(0, 900)), { digest, size: blob.byteLength, from: 'lab/app' })
    expect((await rejection(collect(short.take(1000, { last: true })))).message).toMatch(/sent 900 bytes of blob/)
    const long = createBlobReader(source(Buffer.concat([blob, Buffer.from('extra')])), { digest, size: blob.byteLength, from: 'lab/app' })
    expect((await rejection(collect(long.take(1000, { last: true })))).message).toMatch(/more than the 1000 bytes/)
  })

  it("joins the source's small pieces into pieces of up to gatherBytes, never past a range's end", async () => {
    const reader = createBlobReader(source(blob), { digest, size: blob.byteLength, from: 'lab/app', gatherBytes: 200 })
    const sizes = async (iterable: AsyncIterable<Uint8Array>): Promise<number[]> => {
      const out: number[] = []
      for await (const part of iterable) out.push(part.byteLength)
      return out
    }
    // 97-byte pieces: 97 + 97 + 6 of the third, then its other 91 + 97 + 12 …
    expect(await sizes(reader.take(450))).toEqual([200, 200, 50])
    const rest = createBlobReader(source(blob), { digest, size: blob.byteLength, from: 'lab/app', gatherBytes: 200 })
    await rest.skip(450)
    expect(await collect(rest.take(550, { last: true }))).toEqual(blob.subarray(450))
    // The default gathers up to 1 MiB: a 1,000-byte blob in 97-byte pieces goes on as one piece.
    const whole = createBlobReader(source(blob), { digest, size: blob.byteLength, from: 'lab/app' })
    expect(await sizes(whole.take(1000, { last: true }))).toEqual([1000])
  })

  it('lets the source go when cancelled', () => {
    const body = source(blob)
    createBlobReader(body, { digest, size: blob.byteLength, from: 'lab/app' }).cancel()
    expect(body.cancelled()).toBe(true)
  })
})

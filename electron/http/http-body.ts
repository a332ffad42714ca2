// Response bodies are read with a cap enforced while streaming: a registry (or whatever answers in
// its place) must not make us buffer more than the caller asked for.
import { BerthError } from '../../shared/errors'

export function oversizeError(host: string, maxBytes: number): BerthError {
  return new BerthError({
    code: 'invalid_response',
    message: `${host} answered more than ${maxBytes} bytes; Berth stopped reading.`,
    fix: 'This is not what a registry sends here: check the registry address, or a proxy in between.',
  })
}

type DestroyableBody = AsyncIterable<Uint8Array> & {
  destroy(error?: Error): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

/** Closes a body we will not read; the abort it causes is expected, not an error to report. */
export function discardBody(body: DestroyableBody): void {
  body.on('error', () => undefined)
  body.destroy()
}

/**
 * Reads at most `maxBytes` from `body`; throws invalid_response as soon as it would exceed them.
 * `progress` hears the running total (the body deadline of a body of unknown length grows with it).
 */
export async function readCapped(
  body: DestroyableBody,
  maxBytes: number,
  host: string,
  progress?: (receivedBytes: number) => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of body) {
    total += chunk.byteLength
    if (total > maxBytes) {
      discardBody(body)
      throw oversizeError(host, maxBytes)
    }
    chunks.push(chunk)
    progress?.(total)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

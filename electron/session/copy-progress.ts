// The running count of a copy, for a progress bar: items, blobs and bytes done of how many, the
// blobs in flight, and the speed over the last few seconds. Reports go out at most ten times a
// second (a thousand small chunks are not a thousand events), and at once when the phase changes.
import type { CopyPhase, CopyPlan, CopyProgress } from '../../shared/copy'
import type { RunProgress } from '../operations/copy-run'

export interface CopyProgressTracker extends RunProgress {
  startItem(reference: string): void
  finishItem(): void
  finish(): void
  snapshot(): CopyProgress
}

const reportEveryMs = 100
const rateWindowMs = 5_000

export function createCopyProgress(
  plan: CopyPlan,
  onProgress: ((progress: CopyProgress) => void) | undefined,
  now: () => number = Date.now,
): CopyProgressTracker {
  /** Blobs to mount or send, and of those the ones whose bytes are sent (with their sizes). */
  const pending = new Set<string>()
  const sent = new Map<string, number>()
  for (const item of plan.items) {
    for (const blob of item.blobs) {
      if (blob.state !== 'present') pending.add(blob.digest)
      if (blob.state === 'missing') sent.set(blob.digest, blob.size)
    }
  }
  const bytesTotal = [...sent.values()].reduce((sum, size) => sum + size, 0)
  const finished = new Set<string>()
  const active = new Set<string>()
  const samples: { at: number; bytes: number }[] = [{ at: now(), bytes: 0 }]
  let phase: CopyPhase = 'blobs'
  let item: string | null = null
  let itemsDone = 0
  let bytesDone = 0
  /** Bytes an earlier run had already sent (a resumed blob): done, but not part of the speed. */
  let bytesEarlier = 0
  let lastReport = 0

  function rate(): number {
    const current = now()
    while (samples.length > 2 && current - (samples[1]?.at ?? current) > rateWindowMs) samples.shift()
    const first = samples[0]
    if (first === undefined || current - first.at < 250) return 0
    return Math.round(((bytesDone - first.bytes) * 1000) / (current - first.at))
  }

  const snapshot = (): CopyProgress => ({
    phase,
    item,
    itemsDone,
    itemsTotal: plan.items.length,
    blobsDone: finished.size,
    blobsTotal: pending.size,
    bytesDone: bytesDone + bytesEarlier,
    bytesTotal,
    bytesPerSecond: rate(),
    active: [...active],
  })

  function report(force: boolean): void {
    if (onProgress === undefined) return
    const current = now()
    if (!force && current - lastReport < reportEveryMs) return
    lastReport = current
    try {
      onProgress(snapshot())
    } catch {
      // A listener's failure must not fail the copy.
    }
  }

  return {
    snapshot,
    startItem(reference) {
      item = reference
      phase = 'blobs'
      report(true)
    },
    finishItem() {
      itemsDone++
      report(true)
    },
    finish() {
      phase = 'done'
      item = null
      active.clear()
      report(true)
    },
    phase(next) {
      if (next === phase) return
      phase = next
      report(true)
    },
    blobStarted(digest) {
      active.add(digest)
      report(false)
    },
    blobBytes(count) {
      bytesDone += count
      samples.push({ at: now(), bytes: bytesDone })
      if (samples.length > 4096) samples.splice(0, samples.length - 2048)
      report(false)
    },
    blobFinished(digest, _outcome, bytes) {
      active.delete(digest)
      if (pending.has(digest)) finished.add(digest)
      const size = sent.get(digest)
      if (size !== undefined && bytes < size) bytesEarlier += size - bytes
      report(false)
    },
  }
}

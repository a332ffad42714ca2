// A copy's progress: blobs and bytes out of the plan's missing ones, the blobs in flight, the speed
// over the last seconds, at most ten reports a second but every change of phase at once.
import { describe, expect, it } from 'vitest'
import type { CopyPlan, CopyProgress } from '../../../shared/copy'
import { createCopyProgress } from '../../../electron/session/copy-progress'

function planWith(blobs: { digest: string; size: number; state: 'present' | 'mount' | 'missing' }[]): CopyPlan {
  const item = { blobs: blobs.map((blob) => ({ ...blob, mediaType: 'layer' })) } as unknown as CopyPlan['items'][number]
  return { items: [item, item] } as unknown as CopyPlan
}

describe('copy progress', () => {
  it('counts blobs and bytes still to move, once each however many images share them', () => {
    let now = 1_000
    const reports: CopyProgress[] = []
    const progress = createCopyProgress(
      planWith([
        { digest: 'a', size: 1_000, state: 'missing' },
        { digest: 'b', size: 3_000, state: 'missing' },
        { digest: 'c', size: 500, state: 'present' },
      ]),
      (report) => reports.push(report),
      () => now,
    )
    progress.startItem('1.0')
    progress.blobStarted('a')
    progress.blobBytes(600)
    progress.blobBytes(400)
    now += 1_000
    progress.blobFinished('a', 'uploaded', 1_000)
    expect(progress.snapshot()).toMatchObject({
      phase: 'blobs',
      item: '1.0',
      blobsDone: 1,
      blobsTotal: 2,
      bytesDone: 1_000,
      bytesTotal: 4_000,
      bytesPerSecond: 1_000,
      active: [],
    })
    progress.phase('tags')
    progress.finish()
    // Chunk reports inside 100 ms are folded; each change of phase is sent at once.
    expect(reports.map((report) => report.phase)).toEqual(['blobs', 'blobs', 'tags', 'done'])
    expect(reports.at(-1)).toMatchObject({ phase: 'done', item: null })
  })
})

// Counts while listings page in: every listing guard started inside the call reports its pages, only
// entries of the waited-for kind are summed (GitLab lists groups and projects on the way), reports are
// spaced out, and nothing outside the call is reported.
import { describe, expect, it } from 'vitest'
import { startListingGuard } from '../../../electron/http/listing-guard'
import { defaultListingLimits } from '../../../electron/http/http-limits'
import { reportListingProgress, type ListingCount } from '../../../electron/session/listing-progress'

function listing(entry: readonly [string, string], pages: number[]): Promise<void> {
  const guard = startListingGuard({ what: 'a test listing', entry, limits: defaultListingLimits })
  return (async () => {
    try {
      for (const items of pages) {
        await Promise.resolve()
        guard.addPage(100, items)
      }
    } finally {
      guard.finish()
    }
  })()
}

describe('reportListingProgress', () => {
  it('reports the first page at once and sums the listings of the waited-for entries', async () => {
    const reports: ListingCount[] = []
    const answer = await reportListingProgress(
      'repositories',
      (count) => reports.push(count),
      async () => {
        await listing(['entry', 'entries'], [100, 100])
        await Promise.all([listing(['repository', 'repositories'], [50, 20]), listing(['repository', 'repositories'], [7])])
        return 'done'
      },
      0,
    )
    expect(answer).toBe('done')
    expect(reports[0]).toEqual({ items: 50, pages: 1 })
    expect(reports.at(-1)).toEqual({ items: 77, pages: 3 })
  })

  it('spaces reports out while pages arrive quickly', async () => {
    const reports: ListingCount[] = []
    await reportListingProgress(
      'tags',
      (count) => reports.push(count),
      () => listing(['tag', 'tags'], Array<number>(50).fill(10)),
      60_000,
    )
    expect(reports).toEqual([{ items: 10, pages: 1 }])
  })

  it('reports nothing of listings started outside the call, even while it runs', async () => {
    const reports: ListingCount[] = []
    let release = (): void => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const inside = reportListingProgress(
      'tags',
      (count) => reports.push(count),
      () => gate,
      0,
    )
    await listing(['tag', 'tags'], [5, 5])
    release()
    await inside
    expect(reports).toEqual([])
  })

  it('a listener that throws does not fail the listing', async () => {
    await expect(
      reportListingProgress(
        'tags',
        () => {
          throw new Error('listener bug')
        },
        () => listing(['tag', 'tags'], [1, 2]),
        0,
      ),
    ).resolves.toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatMs, quantile, summarize } from '../../../bench/stats'
import { repeat } from '../../../bench/repeat'
import { evenSample } from '../../../bench/skopeo-peer'
import { classifyRequest } from '../../../bench/request-counter'
import { formatTable, verdictOf } from '../../../bench/report'

describe('bench statistics', () => {
  it('takes the middle value as the median of an odd number of samples', () => {
    expect(summarize([5, 1, 3]).median).toBe(3)
  })

  it('averages the two middle values as the median of an even number of samples', () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5)
  })

  it('reports min, max and interpolated quartiles', () => {
    const s = summarize([10, 20, 30, 40, 50])
    expect([s.min, s.q1, s.median, s.q3, s.max]).toEqual([10, 20, 30, 40, 50])
    expect(quantile([1, 2], 0.25)).toBe(1.25)
  })

  it('keeps the samples in the order they were measured', () => {
    expect(summarize([3, 1, 2]).samples).toEqual([3, 1, 2])
  })

  it('refuses an empty or non-finite sample set rather than inventing a figure', () => {
    expect(() => summarize([])).toThrow(RangeError)
    expect(() => summarize([1, Number.NaN])).toThrow(RangeError)
    expect(() => quantile([1], 2)).toThrow(RangeError)
  })

  it('orders min ≤ q1 ≤ median ≤ q3 ≤ max for any samples', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (samples) => {
        const s = summarize(samples)
        return s.min <= s.q1 && s.q1 <= s.median && s.median <= s.q3 && s.q3 <= s.max
      }),
    )
  })

  it('formats small figures with a decimal, large ones in seconds', () => {
    expect(formatMs(42.25)).toBe('42.3 ms')
    expect(formatMs(1234.4)).toBe('1,234 ms')
    expect(formatMs(26_400)).toBe('26.4 s')
  })
})

describe('repetitions under a budget', () => {
  it('runs every repetition when they fit the budget', async () => {
    let clock = 0
    const runs = await repeat((i) => Promise.resolve(((clock += 10), i)), { reps: 5, budgetMs: 1000, now: () => clock })
    expect(runs).toEqual([0, 1, 2, 3, 4])
  })

  it('stops before a repetition that would end past the budget, but not below the minimum', async () => {
    let clock = 0
    const runs = await repeat((i) => Promise.resolve(((clock += 40), i)), { reps: 5, minReps: 2, budgetMs: 100, now: () => clock })
    expect(runs).toEqual([0, 1])
  })

  it('runs the minimum even when the first repetition alone exceeds the budget', async () => {
    let clock = 0
    const runs = await repeat((i) => Promise.resolve(((clock += 500), i)), { reps: 5, minReps: 2, budgetMs: 100, now: () => clock })
    expect(runs).toHaveLength(2)
  })
})

describe('the skopeo sample', () => {
  it('spreads the sample evenly and includes the first and last tag', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => i)
    const sample = evenSample(tags, 50)
    expect(sample).toHaveLength(50)
    expect(sample[0]).toBe(0)
    expect(sample[49]).toBe(999)
    expect(new Set(sample).size).toBe(50)
  })

  it('returns everything when the sample is as large as the list', () => {
    expect(evenSample([1, 2, 3], 10)).toEqual([1, 2, 3])
  })
})

describe('request classification', () => {
  it.each([
    ['GET', '/v2/', 'ping'],
    ['GET', '/v2/perf/many/tags/list', 'tags'],
    ['GET', '/v2/perf/many/tags/list?n=100&last=a', 'tags'],
    ['HEAD', '/v2/perf/many/manifests/tag-0001', 'head-manifest'],
    ['GET', '/v2/perf/many/manifests/sha256:abc', 'get-manifest'],
    ['GET', '/v2/perf/many/blobs/sha256:abc', 'get-blob'],
    ['GET', '/jwt/auth?service=s&scope=repository:perf/many:pull', 'token'],
    ['DELETE', '/v2/perf/many/manifests/sha256:abc', 'other'],
  ] as const)('classifies %s %s as %s', (method, path, kind) => {
    expect(classifyRequest(method, path)).toBe(kind)
  })
})

describe('verdicts and the table', () => {
  it('passes a time at or under its limit and a ratio at or over its minimum', () => {
    expect(verdictOf(1500, { maxMs: 1500, text: '' })).toBe('pass')
    expect(verdictOf(1501, { maxMs: 1500, text: '' })).toBe('miss')
    expect(verdictOf(49.9, { minRatio: 50, text: '' })).toBe('miss')
    expect(verdictOf(3, undefined)).toBe('—')
  })

  it('prints one line per measurement with its median, spread and verdict', () => {
    const table = formatTable(
      [{ id: 'cold', label: 'cold', summary: summarize([900, 1000, 1100]), target: { maxMs: 1500, text: '≤ 1.5 s' } }],
      [{ id: 'r', label: 'ratio', value: 120, target: { minRatio: 50, text: '≥ 50×' } }],
    )
    const lines = table.split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[2]).toMatch(/cold\s+3\s+1,000 ms\s+900 ms – 1,100 ms.*≤ 1\.5 s\s+pass/)
    expect(lines[3]).toMatch(/ratio\s+120\.0×.*pass/)
  })
})

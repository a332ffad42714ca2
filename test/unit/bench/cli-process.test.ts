import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseCpuReport, rotation, tallyListing } from '../../../bench/cli-process'
import { formatRatio, formatTable, verdictOf } from '../../../bench/report'
import { summarize } from '../../../bench/stats'

describe('interleaved start-up rounds', () => {
  it('runs every command once per round, starting one further along each round', () => {
    expect([0, 1, 2, 3].map((round) => rotation(3, round))).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 1, 2],
    ])
  })

  it('is a permutation for any count and round', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(100), (count, round) => {
        expect([...rotation(count, round)].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i))
      }),
    )
  })
})

describe('the child CPU report', () => {
  it('turns microseconds into milliseconds and KiB into MiB, from the last line', () => {
    const text = 'noise\n{"userMicros":412345,"systemMicros":87655,"maxRssKiB":102400,"uptimeMs":1234.5}\n'
    expect(parseCpuReport(text)).toEqual({ cpuMs: 500, userMs: 412.3, systemMs: 87.7, maxRssMiB: 100 })
  })

  it('refuses a missing or malformed report instead of recording zero CPU', () => {
    expect(() => parseCpuReport('')).toThrow(/no CPU report/)
    expect(() => parseCpuReport('{"userMicros":1}')).toThrow()
  })
})

describe('the listing a CLI run printed', () => {
  it('counts rows and the rows with digest, size and date', () => {
    const rows = [
      { tag: 'a', digest: 'sha256:1', size: 10, created: '2026-01-01T00:00:00.000Z', extra: true },
      { tag: 'b', digest: 'sha256:2', size: 10, created: null },
      { tag: 'c', digest: null, size: null, created: null },
    ]
    expect(tallyListing(JSON.stringify(rows))).toEqual({ rows: 3, complete: 1 })
  })

  it('refuses output that is not the documented rows', () => {
    expect(() => tallyListing('{"error":{}}')).toThrow()
    expect(() => tallyListing('not json')).toThrow()
  })
})

describe('ratios where less is better', () => {
  it('passes a ratio at or under its maximum', () => {
    expect(verdictOf(4, { maxRatio: 4, text: '' })).toBe('pass')
    expect(verdictOf(4.01, { maxRatio: 4, text: '' })).toBe('miss')
    expect(verdictOf(1.31, { maxRatio: 1.3, text: '' })).toBe('miss')
  })

  it('prints small ratios with two decimals, so the figure shows what decided the verdict', () => {
    expect(formatRatio(1.284)).toBe('1.28×')
    expect(formatRatio(19.34)).toBe('19.3×')
    const table = formatTable(
      [{ id: 'x', label: 'x', summary: summarize([1]) }],
      [{ id: 'r', label: 'start-up ratio', value: 1.31, target: { maxRatio: 1.3, text: '≤ 1.3×' } }],
    )
    expect(table.split('\n')[3]).toMatch(/start-up ratio\s+1\.31×.*≤ 1\.3×\s+miss/)
  })
})

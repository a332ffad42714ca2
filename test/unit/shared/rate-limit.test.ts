// Docker Hub's pull quota in words, and how close to running out it is.
import { describe, expect, it } from 'vitest'
import { describePullQuota, formatWindow, quotaLevel } from '../../../shared/rate-limit'

describe('the pull quota in words', () => {
  it.each([
    [{ limit: 100, remaining: 97, windowSeconds: 21600 }, '97 of 100 pulls left per 6 hours'],
    [{ remaining: 5 }, '5 pulls left'],
    [{ limit: 200, windowSeconds: 3600 }, 'limit 200 pulls per hour'],
    [{ limit: 1000, remaining: 1000, windowSeconds: 86400 }, '1,000 of 1,000 pulls left per day'],
    [{}, 'pull quota unknown'],
  ])('%j → %s', (quota, text) => {
    expect(describePullQuota(quota)).toBe(text)
  })

  it('is low under a fifth left and out at none', () => {
    expect(quotaLevel({ limit: 100, remaining: 20 })).toBe('ok')
    expect(quotaLevel({ limit: 100, remaining: 19 })).toBe('low')
    expect(quotaLevel({ limit: 100, remaining: 0 })).toBe('out')
    expect(quotaLevel({ limit: 100 })).toBe('ok')
  })

  it('formats windows in the largest whole unit', () => {
    expect([formatWindow(21600), formatWindow(3600), formatWindow(120), formatWindow(90)]).toEqual([
      '6 hours',
      'hour',
      '2 minutes',
      '90 seconds',
    ])
  })
})

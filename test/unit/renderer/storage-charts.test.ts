// The storage view's pictures as numbers: the shared split, images grouped by digest, the biggest
// images, the time chart's axis and thinning (10,000 tags draw at most a few hundred marks, and every
// image is still named by one mark), and the byte axis' ticks.
import { describe, expect, it } from 'vitest'
import type { TagUsage } from '../../../shared/usage'
import {
  biggestImages,
  byteTicks,
  dateAxisOf,
  imagesOf,
  niceCeiling,
  sharedSplit,
  timeChart,
} from '../../../renderer/src/model/storage-charts'

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`

function tag(name: string, n: number, bytes: number, uniqueBytes: number, date: string | null = null): TagUsage {
  return {
    tag: name,
    digest: digest(n),
    bytes,
    uniqueBytes,
    sharedBytes: bytes - uniqueBytes,
    date,
    dateSource: date ? 'built' : null,
  }
}

describe('the storage pictures', () => {
  it('splits what is stored into what one tag alone uses and what tags share', () => {
    const tags = [tag('a', 1, 100, 60), tag('b', 2, 100, 60)]
    expect(sharedSplit({ totalBytes: 160, tags })).toEqual({ storedBytes: 160, uniqueBytes: 120, sharedBytes: 40, sumOfTagBytes: 200 })
  })

  it('groups tags on one image: they share all of it, so none of it is unique', () => {
    const images = imagesOf([tag('1.0', 1, 100, 0), tag('latest', 1, 100, 0), tag('0.9', 2, 80, 30)])
    expect(images.map((image) => [image.tags, image.uniqueBytes, image.sharedBytes])).toEqual([
      [['1.0', 'latest'], 0, 100],
      [['0.9'], 30, 50],
    ])
    expect(biggestImages(images, 1).map((image) => image.tags[0])).toEqual(['1.0'])
  })

  it('says which date the time axis shows', () => {
    const built = imagesOf([tag('a', 1, 1, 1, '2025-01-01T00:00:00Z')])
    expect(dateAxisOf(built)).toBe('built')
    const pushed = imagesOf([{ ...tag('b', 2, 1, 1, '2025-01-01T00:00:00Z'), dateSource: 'pushed' }])
    expect(dateAxisOf(pushed)).toBe('pushed')
    expect(dateAxisOf([...built, ...pushed])).toBe('mixed')
    expect(dateAxisOf(imagesOf([tag('c', 3, 1, 1)]))).toBe('none')
  })

  it('thins 10,000 images into a few hundred marks that still name every image, and leaves the undated out', () => {
    const start = Date.UTC(2024, 0, 1)
    const tags: TagUsage[] = []
    for (let i = 0; i < 10_000; i++) {
      const date = new Date(start + i * 3_600_000).toISOString()
      tags.push(tag(`nightly-${i}`, i, 200_000_000 + (i % 50) * 1_000_000, 1_000_000, date))
    }
    tags.push(tag('undated', 20_000, 5, 5))
    const chart = timeChart(imagesOf(tags), { width: 700, height: 160 })
    expect(chart.dated).toBe(10_000)
    expect(chart.undated).toBe(1)
    expect(chart.marks.length).toBeLessThan(1_000)
    expect(chart.marks.reduce((sum, mark) => sum + mark.images.length, 0)).toBe(10_000)
    for (const mark of chart.marks) {
      expect(mark.x).toBeGreaterThanOrEqual(0)
      expect(mark.x).toBeLessThanOrEqual(700)
      expect(mark.y).toBeGreaterThanOrEqual(0)
      expect(mark.y).toBeLessThanOrEqual(160)
    }
    // The y axis starts at 0 and ends at a round figure above the largest image.
    expect(chart.maxBytes).toBe(250_000_000)
  })

  it('draws a single image on a readable span, and nothing without dates', () => {
    const one = timeChart(imagesOf([tag('a', 1, 10, 10, '2025-05-05T10:00:00Z')]), { width: 100, height: 100 })
    expect(one.marks).toHaveLength(1)
    expect(one.maxTime - one.minTime).toBeGreaterThan(0)
    expect(one.firstTime).toBe(Date.parse('2025-05-05T10:00:00Z'))
    expect(one.lastTime).toBe(one.firstTime)
    expect(timeChart(imagesOf([tag('a', 1, 10, 10)]), { width: 100, height: 100 }).marks).toEqual([])
  })

  it('rounds the byte axis up and ticks it in even steps', () => {
    expect(niceCeiling(1_830)).toBe(2_000)
    expect(niceCeiling(230_000_000)).toBe(250_000_000)
    expect(byteTicks(2_000)).toEqual([0, 500, 1_000, 1_500, 2_000])
    expect(byteTicks(250_000_000)).toEqual([0, 50_000_000, 100_000_000, 150_000_000, 200_000_000, 250_000_000])
    expect(byteTicks(0)).toEqual([0])
  })
})

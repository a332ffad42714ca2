// What the storage view's pictures draw (issue 21 §5), as pure functions: how much of a repository is
// shared, its biggest images, and its images' sizes over time, thinned when dense so 10,000 tags draw
// a few hundred marks. The components only lay these out.
import type { RepositoryUsage, TagDateSource, TagUsage } from '../../../shared/usage'

export interface SharedSplit {
  /** Every blob the tags reach, each once (the repository's `totalBytes`). */
  storedBytes: number
  /** Of those, what exactly one tag reaches (the tags' `uniqueBytes` added up). */
  uniqueBytes: number
  /** The rest: reached by two or more tags. */
  sharedBytes: number
  /** The tags' `bytes` added up: what the repository would hold if nothing were shared. */
  sumOfTagBytes: number
}

export function sharedSplit(usage: Pick<RepositoryUsage, 'totalBytes' | 'tags'>): SharedSplit {
  let uniqueBytes = 0
  let sumOfTagBytes = 0
  for (const tag of usage.tags) {
    uniqueBytes += tag.uniqueBytes
    sumOfTagBytes += tag.bytes
  }
  // Never negative, even if a failure left the figures short of each other.
  uniqueBytes = Math.min(uniqueBytes, usage.totalBytes)
  return { storedBytes: usage.totalBytes, uniqueBytes, sharedBytes: usage.totalBytes - uniqueBytes, sumOfTagBytes }
}

/** One image (digest) and the tags on it: tags on one image share all of it. */
export interface ImageEntry {
  digest: string
  tags: string[]
  bytes: number
  /** What deleting this image's only tag frees; 0 when several tags point at it. */
  uniqueBytes: number
  sharedBytes: number
  date: string | null
  dateSource: TagDateSource | null
}

export function imagesOf(tags: readonly TagUsage[]): ImageEntry[] {
  const byDigest = new Map<string, ImageEntry>()
  for (const tag of tags) {
    const known = byDigest.get(tag.digest)
    if (known) {
      known.tags.push(tag.tag)
      known.uniqueBytes = 0
      known.sharedBytes = known.bytes
      continue
    }
    byDigest.set(tag.digest, {
      digest: tag.digest,
      tags: [tag.tag],
      bytes: tag.bytes,
      uniqueBytes: tag.uniqueBytes,
      sharedBytes: tag.sharedBytes,
      date: tag.date,
      dateSource: tag.dateSource,
    })
  }
  return [...byDigest.values()]
}

/** The `count` biggest images, largest first (then by first tag). */
export function biggestImages(images: readonly ImageEntry[], count: number): ImageEntry[] {
  return [...images].sort((a, b) => b.bytes - a.bytes || compareText(a.tags[0] ?? '', b.tags[0] ?? '')).slice(0, count)
}

/** Which date the time axis shows: push dates, build dates, or both kinds mixed. */
export type DateAxis = 'pushed' | 'built' | 'mixed' | 'none'

export function dateAxisOf(images: readonly ImageEntry[]): DateAxis {
  let pushed = false
  let built = false
  for (const image of images) {
    if (image.dateSource === 'pushed') pushed = true
    else if (image.dateSource === 'built') built = true
  }
  return pushed && built ? 'mixed' : pushed ? 'pushed' : built ? 'built' : 'none'
}

export interface PlotArea {
  width: number
  height: number
}

/** A mark on the time chart: one image, or several close together (thinned). */
export interface TimeMark {
  x: number
  y: number
  /** The images it stands for, the largest first. */
  images: ImageEntry[]
  time: number
}

export interface TimeChart {
  marks: TimeMark[]
  /** The axis' ends (a single day is widened to be readable). */
  minTime: number
  maxTime: number
  /** The earliest and latest image's date. */
  firstTime: number
  lastTime: number
  maxBytes: number
  /** Images drawn (all of `marks`' images). */
  dated: number
  /** Images without a date: not drawn. */
  undated: number
}

/** Marks closer than this many pixels are drawn as one. */
const cellPx = 6

/**
 * Places every dated image on `area` (x: time, y: bytes from 0), then merges images whose marks fall
 * in the same few-pixel cell into one mark: a dense run of nightly tags stays readable and cheap to
 * draw, and each mark still names every image it stands for.
 */
export function timeChart(images: readonly ImageEntry[], area: PlotArea): TimeChart {
  const dated: { image: ImageEntry; time: number }[] = []
  let undated = 0
  for (const image of images) {
    const time = image.date === null ? Number.NaN : Date.parse(image.date)
    if (Number.isFinite(time)) dated.push({ image, time })
    else undated++
  }
  if (dated.length === 0) return { marks: [], minTime: 0, maxTime: 0, firstTime: 0, lastTime: 0, maxBytes: 0, dated: 0, undated }
  let minTime = Infinity
  let maxTime = -Infinity
  let maxBytes = 0
  for (const { image, time } of dated) {
    minTime = Math.min(minTime, time)
    maxTime = Math.max(maxTime, time)
    maxBytes = Math.max(maxBytes, image.bytes)
  }
  const firstTime = minTime
  const lastTime = maxTime
  // A single day (or a single image) still gets a readable span.
  if (maxTime - minTime < dayMs) {
    minTime -= dayMs / 2
    maxTime += dayMs / 2
  }
  const yTop = niceCeiling(maxBytes)
  const cells = new Map<string, TimeMark>()
  for (const { image, time } of dated) {
    const x = ((time - minTime) / (maxTime - minTime)) * area.width
    const y = area.height - (yTop === 0 ? 0 : (image.bytes / yTop) * area.height)
    const key = `${Math.round(x / cellPx)}:${Math.round(y / cellPx)}`
    const mark = cells.get(key)
    if (mark) mark.images.push(image)
    else cells.set(key, { x, y, images: [image], time })
  }
  const marks = [...cells.values()]
  for (const mark of marks) {
    mark.images.sort((a, b) => b.bytes - a.bytes)
    // The mark sits where its largest image is.
    const first = mark.images[0]
    if (first && mark.images.length > 1) mark.y = area.height - (yTop === 0 ? 0 : (first.bytes / yTop) * area.height)
  }
  marks.sort((a, b) => a.x - b.x || a.y - b.y)
  return { marks, minTime, maxTime, firstTime, lastTime, maxBytes: yTop, dated: dated.length, undated }
}

const dayMs = 86_400_000

/** A round number at or above `value` (1, 2 or 5 × a power of ten, in bytes' decimal units). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 0
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/** Tick values for a byte axis from 0 to `top` (a nice ceiling): 4 or 5 steps. */
export function byteTicks(top: number): number[] {
  if (top <= 0) return [0]
  const leading = top / 10 ** Math.floor(Math.log10(top))
  // 250 → 50s and 500 → 100s read better in fifths; 100 and 200 in quarters.
  const steps = leading === 2.5 || leading === 5 ? 5 : 4
  return Array.from({ length: steps + 1 }, (_, i) => (top / steps) * i)
}

/** Up to `count` evenly spaced times between the ends, for the time axis' labels. */
export function timeTicks(minTime: number, maxTime: number, count: number): number[] {
  if (count < 2 || maxTime <= minTime) return [minTime]
  return Array.from({ length: count }, (_, i) => minTime + ((maxTime - minTime) / (count - 1)) * i)
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

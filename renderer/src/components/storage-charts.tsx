// The storage view's pictures (issue 21 §5): how much is shared (a figure and a stacked bar), the
// biggest images (bars split into unique and shared), and each image's size over time (an SVG
// scatter). Drawn as plain SVG and divs, no chart library: three simple shapes do not pay for a
// dependency, and the marks take the theme's tokens (light and dark) from CSS. Every picture is an
// image to assistive technology with its numbers in its label; the same figures are in the table
// below it. The time chart is one tab stop: arrow keys move between its marks, each with a tooltip.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { formatBytes } from '../../../shared/format'
import {
  biggestImages,
  byteTicks,
  dateAxisOf,
  timeChart,
  timeTicks,
  type DateAxis,
  type ImageEntry,
  type SharedSplit,
  type TimeMark,
} from '../model/storage-charts'
import { RegistryText } from './registry-text'
import './storage-charts.css'

const percent = (part: number, whole: number): string => (whole <= 0 ? '0%' : `${Math.round((part / whole) * 100)}%`)
const width = (part: number, whole: number): string => (whole <= 0 ? '0%' : `${(part / whole) * 100}%`)
/** A part too small to see still shows as a sliver: "none" and "a few bytes" must not look alike. */
const part = (bytes: number, whole: number): { width: string; minWidth: number } => ({
  width: width(bytes, whole),
  minWidth: bytes > 0 ? 2 : 0,
})

/** "How much is shared": the stored bytes split into what one tag alone uses and what tags share. */
export function SharedFigure({ split }: { split: SharedSplit }) {
  const { storedBytes, uniqueBytes, sharedBytes, sumOfTagBytes } = split
  const saved = Math.max(0, sumOfTagBytes - storedBytes)
  const label =
    `${formatBytes(sharedBytes)} of ${formatBytes(storedBytes)} stored (${percent(sharedBytes, storedBytes)}) ` +
    'is shared by two or more tags; ' +
    `${formatBytes(uniqueBytes)} (${percent(uniqueBytes, storedBytes)}) is used by one tag only.`
  return (
    <section className="storage-chart" aria-label="How much is shared">
      <h3 className="storage-chart-title">How much is shared</h3>
      <p className="storage-shared-figure">
        <strong>{percent(sharedBytes, storedBytes)}</strong> of what the tags store is shared by two or more of them
        {saved > 0 ? ` — counted per tag it would be ${formatBytes(sumOfTagBytes)}, ${formatBytes(saved)} more.` : '.'}
      </p>
      <div className="storage-stack" role="img" aria-label={label}>
        <span className="storage-stack-part unique" style={part(uniqueBytes, storedBytes)} />
        <span className="storage-stack-part shared" style={part(sharedBytes, storedBytes)} />
      </div>
      <p className="storage-legend" aria-hidden="true">
        <span className="storage-swatch unique" /> one tag only {formatBytes(uniqueBytes)}
        <span className="storage-swatch shared" /> shared {formatBytes(sharedBytes)}
      </p>
    </section>
  )
}

/** The registry's "how much is shared": every repository's rows added up against what is stored once. */
export function RegistrySharedFigure({
  totalBytes,
  sumOfRepositoryBytes,
  sharedAcrossRepositoriesBytes,
}: {
  totalBytes: number
  sumOfRepositoryBytes: number
  sharedAcrossRepositoriesBytes: number
}) {
  const exclusive = Math.max(0, totalBytes - sharedAcrossRepositoriesBytes)
  const label =
    `${formatBytes(totalBytes)} stored: ${formatBytes(exclusive)} (${percent(exclusive, totalBytes)}) used by one repository only, ` +
    `${formatBytes(sharedAcrossRepositoriesBytes)} (${percent(sharedAcrossRepositoriesBytes, totalBytes)}) shared by two or more; ` +
    `the repositories add up to ${formatBytes(sumOfRepositoryBytes)}.`
  return (
    <div className="storage-chart">
      <div className="storage-stack" role="img" aria-label={label}>
        <span className="storage-stack-part unique" style={part(exclusive, totalBytes)} />
        <span className="storage-stack-part shared" style={part(sharedAcrossRepositoriesBytes, totalBytes)} />
      </div>
      <p className="storage-legend" aria-hidden="true">
        <span className="storage-swatch unique" /> one repository only {formatBytes(exclusive)}
        <span className="storage-swatch shared" /> shared across repositories {formatBytes(sharedAcrossRepositoriesBytes)}
      </p>
    </div>
  )
}

interface ImagePickProps {
  selected: string | null
  onSelect: (tag: string) => void
}

const topCount = 8

/** The biggest images, largest first, each bar split into what its tag alone uses and what it shares. */
export function BiggestImages({ images, selected, onSelect }: { images: readonly ImageEntry[] } & ImagePickProps) {
  const top = useMemo(() => biggestImages(images, topCount), [images])
  const largest = top[0]?.bytes ?? 0
  if (top.length === 0) return null
  return (
    <section className="storage-chart" aria-label="Biggest images">
      <h3 className="storage-chart-title">
        Biggest images{images.length > top.length ? ` (${top.length} of ${images.length.toLocaleString('en')})` : ''}
      </h3>
      <ol className="storage-biggest">
        {top.map((image) => {
          const name = image.tags.length > 1 ? `${image.tags[0] ?? ''} +${image.tags.length - 1}` : (image.tags[0] ?? '')
          const tip = `${image.tags.join(', ')}: ${formatBytes(image.bytes)}, ${formatBytes(image.uniqueBytes)} unique, ${formatBytes(
            image.sharedBytes,
          )} shared${image.date ? `; ${image.dateSource === 'pushed' ? 'pushed' : 'built'} ${image.date.slice(0, 10)}` : ''}`
          return (
            <li key={image.digest}>
              <button
                type="button"
                className={image.tags.includes(selected ?? '\u0000') ? 'storage-bar-row selected' : 'storage-bar-row'}
                onClick={() => onSelect(image.tags[0] ?? '')}
                aria-label={tip}
                data-tip={tip}
              >
                <span className="storage-bar-name mono" dir="auto">
                  <RegistryText text={name} />
                </span>
                <span className="storage-bar-track" aria-hidden="true">
                  <span className="storage-bar exclusive" style={{ width: width(image.uniqueBytes, largest) }} />
                  <span className="storage-bar shared" style={{ width: width(image.sharedBytes, largest) }} />
                </span>
                <span className="storage-bar-figure" aria-hidden="true">
                  {formatBytes(image.bytes)} ·{' '}
                  {image.tags.length > 1 ? `${image.tags.length} tags share it` : `${formatBytes(image.uniqueBytes)} unique`}
                </span>
                <span className="storage-tip" role="tooltip" aria-hidden="true">
                  {tip}
                </span>
              </button>
            </li>
          )
        })}
      </ol>
      <p className="storage-legend" aria-hidden="true">
        <span className="storage-swatch exclusive" /> unique to the tag <span className="storage-swatch shared" /> shared with other tags
      </p>
    </section>
  )
}

const axisText: Record<DateAxis, string> = {
  pushed: 'push date',
  built: 'build date (the registry gives no push date)',
  mixed: 'push date where the registry gives one, else build date',
  none: 'date',
}

const margin = { top: 10, right: 14, bottom: 24, left: 62 }
const chartHeight = 200
const dateLabel = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
const monthLabel = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', timeZone: 'UTC' })
const hourLabel = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
})

function useWidth(fallback: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null)
  const [measured, setMeasured] = useState(fallback)
  useEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.round(entry?.contentRect.width ?? 0)
      if (next > 0) setMeasured(next)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [ref, measured]
}

function markText(mark: TimeMark): string {
  const [first, ...rest] = mark.images
  if (!first) return ''
  const when = first.date ? `${first.dateSource === 'pushed' ? 'pushed' : 'built'} ${dateLabel.format(new Date(first.date))}` : ''
  const tags = first.tags.length > 1 ? `${first.tags.join(', ')}` : (first.tags[0] ?? '')
  const more = rest.length > 0 ? ` (+${rest.length} more image${rest.length === 1 ? '' : 's'} here)` : ''
  return `${tags}: ${formatBytes(first.bytes)}, ${when}${more}`
}

/** Each image's size (y, from 0) by its push or build date (x). Marks closer than a few pixels merge. */
export function SizeOverTime({ images, selected, onSelect }: { images: readonly ImageEntry[] } & ImagePickProps) {
  const [wrap, outerWidth] = useWidth(760)
  const plot = { width: Math.max(120, outerWidth - margin.left - margin.right), height: chartHeight - margin.top - margin.bottom }
  const plotWidth = plot.width
  const plotHeight = plot.height
  const chart = useMemo(() => timeChart(images, { width: plotWidth, height: plotHeight }), [images, plotWidth, plotHeight])
  const axis = useMemo(() => dateAxisOf(images), [images])
  const [active, setActive] = useState<number | null>(null)
  const [focused, setFocused] = useState(false)
  const tipId = useId()
  const activeMark = active === null ? undefined : chart.marks[active]

  useEffect(() => setActive(null), [chart])

  if (chart.marks.length === 0) {
    return (
      <section className="storage-chart" aria-label="Size over time">
        <h3 className="storage-chart-title">Size over time</h3>
        <p className="storage-note">
          No image states a date: the registry gives no push date and the configs no build date
          {chart.undated > 0 ? ` (${chart.undated.toLocaleString('en')} undated)` : ''}.
        </p>
      </section>
    )
  }
  const first = new Date(chart.firstTime)
  const last = new Date(chart.lastTime)
  const spanDays = (chart.maxTime - chart.minTime) / 86_400_000
  // Ticks a few days apart or more read as dates; closer ones (a day's nightly builds) as hours, UTC.
  const format = spanDays > 120 ? monthLabel : spanDays > 4 ? dateLabel : hourLabel
  const ticksX = timeTicks(chart.minTime, chart.maxTime, Math.max(2, Math.min(6, Math.floor(plot.width / 120))))
  const ticksY = byteTicks(chart.maxBytes)
  const xOf = (time: number): number => ((time - chart.minTime) / (chart.maxTime - chart.minTime)) * plot.width
  const yOf = (bytes: number): number => plot.height - (chart.maxBytes === 0 ? 0 : (bytes / chart.maxBytes) * plot.height)
  const smallest = images.reduce((m, i) => (i.date ? Math.min(m, i.bytes) : m), Infinity)
  const largest = images.reduce((m, i) => (i.date ? Math.max(m, i.bytes) : m), 0)
  const label =
    `Size per image over time by ${axisText[axis]}: ${chart.dated.toLocaleString('en')} images from ${dateLabel.format(first)} to ` +
    `${dateLabel.format(last)}, ${formatBytes(smallest)} to ${formatBytes(largest)}` +
    (chart.marks.length < chart.dated ? `, drawn as ${chart.marks.length.toLocaleString('en')} marks (close ones merged)` : '') +
    (chart.undated > 0 ? `; ${chart.undated.toLocaleString('en')} undated images not drawn` : '') +
    '. Arrow keys move between images, Enter selects one.'

  const move = (event: KeyboardEvent<SVGSVGElement>): void => {
    const count = chart.marks.length
    const at = active ?? -1
    const next =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? Math.min(count - 1, at + 1)
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? count - 1
              : null
    if (next !== null) {
      event.preventDefault()
      setActive(next)
      return
    }
    if ((event.key === 'Enter' || event.key === ' ') && activeMark) {
      event.preventDefault()
      onSelect(activeMark.images[0]?.tags[0] ?? '')
    }
  }

  return (
    <section className="storage-chart" aria-label="Size over time">
      <h3 className="storage-chart-title">
        Size over time{' '}
        <span className="storage-chart-axis">
          x: {axisText[axis]}
          {format === hourLabel ? ', UTC' : ''} · y: size
        </span>
      </h3>
      <div className="storage-time" ref={wrap}>
        <svg
          className="storage-time-svg"
          width={outerWidth}
          height={chartHeight}
          role="img"
          aria-label={label}
          aria-describedby={activeMark ? tipId : undefined}
          tabIndex={0}
          onKeyDown={move}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false)
            setActive(null)
          }}
          onMouseLeave={() => (focused ? undefined : setActive(null))}
        >
          <g transform={`translate(${margin.left},${margin.top})`}>
            {ticksY.map((value) => (
              <g key={value} className="storage-grid">
                <line x1={0} x2={plot.width} y1={yOf(value)} y2={yOf(value)} />
                <text x={-8} y={yOf(value)} dy="0.32em" textAnchor="end">
                  {formatBytes(value)}
                </text>
              </g>
            ))}
            {ticksX.map((time, i) => (
              <text
                key={time}
                className="storage-axis-label"
                x={xOf(time)}
                y={plot.height + 17}
                textAnchor={i === 0 ? 'start' : i === ticksX.length - 1 ? 'end' : 'middle'}
              >
                {format.format(new Date(time))}
              </text>
            ))}
            {chart.marks.map((mark, i) => {
              const isSelected = mark.images.some((image) => image.tags.includes(selected ?? '\u0000'))
              const merged = mark.images.length > 1
              return (
                <circle
                  key={`${mark.x}:${mark.y}`}
                  className={`storage-mark${merged ? ' merged' : ''}${isSelected ? ' selected' : ''}${i === active ? ' active' : ''}`}
                  cx={mark.x}
                  cy={mark.y}
                  r={merged ? 4.5 : 3.5}
                  onMouseEnter={() => setActive(i)}
                  onClick={() => onSelect(mark.images[0]?.tags[0] ?? '')}
                />
              )
            })}
          </g>
        </svg>
        {activeMark ? (
          <div
            id={tipId}
            className="storage-time-tip"
            role="tooltip"
            style={{
              left: Math.min(outerWidth - 220, Math.max(0, margin.left + activeMark.x - 110)),
              top: margin.top + activeMark.y + (activeMark.y > plot.height / 2 ? -58 : 12),
            }}
          >
            {markText(activeMark)}
          </div>
        ) : null}
      </div>
      {chart.undated > 0 ? (
        <p className="storage-note">
          {chart.undated.toLocaleString('en')} image{chart.undated === 1 ? '' : 's'} without a date (none pushed, none built that the config
          states) not drawn.
        </p>
      ) : null}
    </section>
  )
}

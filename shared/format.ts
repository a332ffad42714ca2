// Human formatting shared by the CLI and the renderer, so both say the same thing the same way.

const units = ['B', 'kB', 'MB', 'GB', 'TB'] as const

/** Decimal units, as registries and `docker images` report sizes. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${units[unit]}`
}

/** One formatter for every call: building one costs more than formatting (a table renders ~50 dates at once). */
let relativeFormat: Intl.RelativeTimeFormat | null = null

const relativeSteps: [number, Intl.RelativeTimeFormatUnit][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Number.POSITIVE_INFINITY, 'year'],
]

/** "3 days ago"; `now` is injectable so tests are deterministic. */
export function formatRelativeDate(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return 'unknown'
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return 'unknown'
  let delta = (time - now.getTime()) / 1000
  for (const [size, unit] of relativeSteps) {
    if (Math.abs(delta) < size) {
      relativeFormat ??= new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
      return relativeFormat.format(Math.round(delta), unit)
    }
    delta /= size
  }
  return 'unknown'
}

export function formatPlatform(platform: { os: string; architecture: string; variant?: string | undefined }): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

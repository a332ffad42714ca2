// "3 days ago" for table cells, remembered per date for the current minute. shared/format.ts builds
// an Intl.RelativeTimeFormat on every call; a table re-rendering its visible rows while 10,000
// details stream in would do that thousands of times a second for a handful of distinct answers.
import { formatRelativeDate } from '../../../shared/format'

const minuteMs = 60_000
let minute = -1
const remembered = new Map<string, string>()

export function relativeDate(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return formatRelativeDate(iso)
  const current = Math.floor(now / minuteMs)
  if (current !== minute) {
    // Texts are relative to now: a new minute may change them, so start over.
    minute = current
    remembered.clear()
  }
  let text = remembered.get(iso)
  if (text === undefined) {
    text = formatRelativeDate(iso, new Date(now))
    remembered.set(iso, text)
  }
  return text
}

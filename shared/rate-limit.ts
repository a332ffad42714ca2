// A registry's pull quota (Docker Hub's `ratelimit-limit` / `ratelimit-remaining` headers,
// docs/registry-notes.md "Docker Hub quota") in words, the same in the app and `berth --verbose`.

export interface PullQuota {
  limit?: number
  remaining?: number
  windowSeconds?: number
}

/** "97 of 100 pulls left per 6 hours"; "97 pulls left" without a limit; "limit 100 pulls per 6 hours" without a count. */
export function describePullQuota(quota: PullQuota): string {
  const window = quota.windowSeconds !== undefined && quota.windowSeconds > 0 ? ` per ${formatWindow(quota.windowSeconds)}` : ''
  if (quota.remaining !== undefined) {
    const of = quota.limit !== undefined ? ` of ${quota.limit.toLocaleString('en')}` : ''
    return `${quota.remaining.toLocaleString('en')}${of} pulls left${window}`
  }
  if (quota.limit !== undefined) return `limit ${quota.limit.toLocaleString('en')} pulls${window}`
  return 'pull quota unknown'
}

/** How close to the limit: 'low' under a fifth left, 'out' at none, else 'ok' (and 'ok' when unknown). */
export function quotaLevel(quota: PullQuota): 'ok' | 'low' | 'out' {
  if (quota.remaining === undefined) return 'ok'
  if (quota.remaining <= 0) return 'out'
  if (quota.limit !== undefined && quota.limit > 0 && quota.remaining / quota.limit < 0.2) return 'low'
  return 'ok'
}

/** 21600 → "6 hours", 3600 → "hour", 90 → "90 seconds". */
export function formatWindow(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const count = seconds / size
      return count === 1 ? name : `${count} ${name}s`
    }
  }
  return `${seconds} seconds`
}

// Docker Hub's remaining pulls, beside the tag count of a registry that reports a quota
// (capabilities.rateLimit). Refreshed when the tag list arrives and when details finish loading.
import { useEffect } from 'react'
import { describePullQuota, quotaLevel } from '../../../shared/rate-limit'
import { registryById, useRegistries } from '../stores/registries'
import { useRateLimits } from '../stores/rate-limit'
import { useTags } from '../stores/tags'
import './rate-limit-badge.css'

export function RateLimitBadge({ registryId }: { registryId: string }) {
  const reports = useRegistries((s) => registryById(s.registries, registryId)?.capabilities.rateLimit === true)
  const quota = useRateLimits((s) => s.byRegistry[registryId])
  const status = useTags((s) => s.status)
  const settled = useTags((s) => s.status === 'ready' && s.loaded >= s.tags.length)
  useEffect(() => {
    if (reports && (status === 'ready' || status === 'error')) void useRateLimits.getState().refresh(registryId)
  }, [reports, registryId, status, settled])
  if (!reports) return null
  if (quota === undefined || quota === null) {
    return (
      <span className="rate-limit unknown" title="Docker Hub reports the pull quota in the headers of manifest requests; none seen yet.">
        Pull quota: not reported yet
      </span>
    )
  }
  const level = quotaLevel(quota)
  const seen = new Date(quota.seenAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  return (
    <span
      className={`rate-limit ${level}`}
      role="status"
      aria-label={`Docker Hub pull quota: ${describePullQuota(quota)}`}
      title={`As Docker Hub last reported it, at ${seen}. Manifest GETs count as pulls; Berth checks digests with HEAD, which does not.`}
    >
      <span className="rate-limit-label">Pull quota</span>
      {describePullQuota(quota)}
    </span>
  )
}

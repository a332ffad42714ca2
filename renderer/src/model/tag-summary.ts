// How a tag's details read in a table cell: short digests, platform lists, kind and date source.
import { formatPlatform } from '../../../shared/format'
import type { DateSource, TagDetails } from '../../../shared/types'

/** "sha256:0123456789ab" — 12 hex digits, as `docker images` shows. */
export function shortDigest(digest: string): string {
  const at = digest.indexOf(':')
  return at >= 0 ? `${digest.slice(0, at + 1)}${digest.slice(at + 1, at + 13)}` : digest.slice(0, 12)
}

/** "linux/amd64, linux/arm64 +1 attestation"; a plain image's own platform; "" when unknown. */
export function platformSummary(d: Pick<TagDetails, 'platforms' | 'attestations' | 'platform'>, max = 3): string {
  const listed = d.platforms.length > 0 ? d.platforms : d.platform ? [d.platform] : []
  const names = listed.map(formatPlatform).filter((p) => p !== '')
  const shown = names.slice(0, max).join(', ')
  const parts = [shown]
  if (names.length > max) parts.push(`+${names.length - max} more`)
  if (d.attestations > 0) parts.push(`+${d.attestations} attestation${d.attestations === 1 ? '' : 's'}`)
  return parts.filter((p) => p !== '').join(' ')
}

export function kindLabel(d: Pick<TagDetails, 'kind' | 'artifactType'>): string {
  switch (d.kind) {
    case 'image':
      return 'image'
    case 'index':
      return 'index'
    case 'artifact':
      return 'artifact'
    case 'schema1':
      return 'schema 1'
    default:
      return 'unknown'
  }
}

export function dateSourceLabel(source: DateSource): string {
  switch (source) {
    case 'config':
      return 'build date (image config)'
    case 'annotation':
      return 'org.opencontainers.image.created annotation'
    case 'pushed':
      return 'push date (registry API)'
    default:
      return 'date unknown'
  }
}

/** One letter badge for the date column, so the source is visible without hovering. */
export function dateSourceShort(source: DateSource): string {
  switch (source) {
    case 'config':
      return 'built'
    case 'annotation':
      return 'annot.'
    case 'pushed':
      return 'pushed'
    default:
      return ''
  }
}

/** The date a row shows: the build date, else the push date. */
export function displayDate(d: Pick<TagDetails, 'created' | 'pushed' | 'createdSource'>): { iso: string | null; source: DateSource } {
  if (d.created) return { iso: d.created, source: d.createdSource }
  if (d.pushed) return { iso: d.pushed, source: 'pushed' }
  return { iso: null, source: 'unknown' }
}

/** The registry host for pull commands: scheme and default port stripped. */
export function registryHost(url: string): string {
  try {
    const u = new URL(url)
    return u.host
  } catch {
    return url.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '')
  }
}

// Choosing platforms of a multi-platform image: `berth inspect --platform`, `berth tags --platform`,
// the details panel's platform rows and the table's platform filter. Matching follows what OCI
// image-index consumers do (containerd's platforms.Normalize and Only): os and architecture must
// match, the variant only when the selector names one, and the spellings that mean the same CPU
// compare equal (`aarch64` is arm64, arm64 without a variant is v8, arm without one v7, amd64/v1 is
// plain amd64). Pure: no Node, no zod.
import { formatPlatform } from './format'
import type { TagDetails } from './types'

/** os/architecture[/variant] of a platform image, as an index entry or an image config names it. */
export interface PlatformName {
  os: string
  architecture: string
  variant?: string
}

/** `linux/amd64`, `linux/arm64/v8`: what --platform, the filter and links accept. */
export const platformSelectorPattern = /^[a-z0-9][a-z0-9._-]{0,31}\/[a-z0-9][a-z0-9._-]{0,31}(?:\/[a-z0-9][a-z0-9._-]{0,31})?$/i

/** `os/arch[/variant]` → a selector (lower case), or null when the text is not one. */
export function parsePlatformSelector(text: string): PlatformName | null {
  const trimmed = text.trim()
  if (!platformSelectorPattern.test(trimmed)) return null
  const [os = '', architecture = '', variant] = trimmed.toLowerCase().split('/')
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

const architectureAliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' }
const defaultVariants: Record<string, string> = { arm64: 'v8', arm: 'v7' }

/** The canonical spelling: lower case, aliases resolved, the implied variant spelled out (amd64's v1 dropped). */
export function normalizePlatform(platform: { os: string; architecture: string; variant?: string | undefined }): PlatformName {
  const os = platform.os.toLowerCase()
  const rawArchitecture = platform.architecture.toLowerCase()
  const architecture = architectureAliases[rawArchitecture] ?? rawArchitecture
  let variant = (platform.variant ?? '').toLowerCase()
  if (rawArchitecture === 'armhf' && variant === '') variant = 'v7'
  if (rawArchitecture === 'armel' && variant === '') variant = 'v6'
  if (architecture === 'arm64' && variant === '8') variant = 'v8'
  if (architecture === 'arm' && /^[5-8]$/.test(variant)) variant = `v${variant}`
  if (architecture === 'amd64' && variant === 'v1') variant = ''
  if (variant === '') variant = defaultVariants[architecture] ?? ''
  return variant === '' ? { os, architecture } : { os, architecture, variant }
}

/** Whether `platform` is what `selector` asks for: os and architecture, and the variant when the selector names one. */
export function platformSatisfies(
  platform: { os: string; architecture: string; variant?: string | undefined },
  selector: { os: string; architecture: string; variant?: string | undefined },
): boolean {
  const have = normalizePlatform(platform)
  const want = normalizePlatform(selector)
  if (have.os !== want.os || have.architecture !== want.architecture) return false
  // Normalizing filled in arm's implied variant: compare variants only when the selector wrote one.
  return selector.variant === undefined || selector.variant === '' || have.variant === want.variant
}

/**
 * The one entry of `entries` that `selector` picks. None: a `not_found` message naming what there
 * is. Several (`linux/arm` over v6 and v7): an `ambiguous` message naming them, for the caller to
 * ask for a variant, since quietly taking one is what this module exists to stop.
 */
export function pickPlatform<T>(
  entries: readonly T[],
  platformOf: (entry: T) => PlatformName | null,
  selector: PlatformName,
): { ok: true; entry: T } | { ok: false; reason: 'not_found' | 'ambiguous'; offered: string[] } {
  const named = entries.flatMap((entry) => {
    const platform = platformOf(entry)
    return platform === null ? [] : [{ entry, platform }]
  })
  const matches = named.filter((candidate) => platformSatisfies(candidate.platform, selector))
  const first = matches[0]
  if (first !== undefined && matches.length === 1) return { ok: true, entry: first.entry }
  if (first === undefined) return { ok: false, reason: 'not_found', offered: named.map((candidate) => formatPlatform(candidate.platform)) }
  return { ok: false, reason: 'ambiguous', offered: matches.map((candidate) => formatPlatform(candidate.platform)) }
}

/** A tag's details offer `selector`: an index with an image for it, or a single image of it (attestations are not platforms). */
export function offersPlatform(details: Pick<TagDetails, 'platforms' | 'platform'>, selector: PlatformName): boolean {
  if (details.platforms.length > 0) return details.platforms.some((entry) => platformSatisfies(entry, selector))
  return details.platform !== undefined && platformSatisfies(details.platform, selector)
}

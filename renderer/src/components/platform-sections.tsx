// The details panel of an index: its entries as rows, each platform opening that platform's image
// (manifest, config, layers, history, size), and the bar that says which platform is shown with the
// way back to the index. Build attestations are listed as what they are, never as platforms.
import { formatBytes, formatPlatform, formatRelativeDate } from '../../../shared/format'
import type { IndexEntrySummary, Inspection, PlatformImage } from '../../../shared/types'
import { shortDigest } from '../model/tag-summary'
import { DateValue, DigestField, Field, MediaTypeField, Section, SizeField } from './details-sections'
import { ChevronRightIcon } from './icons'
import './platform-sections.css'

/** `linux/arm64/v8`, or what stands in for an entry the index and its config leave unnamed. */
export function entryName(entry: IndexEntrySummary): string {
  return entry.platform ? formatPlatform(entry.platform) : 'unknown platform'
}

export function IndexPlatformsSection({ inspection, onOpen }: { inspection: Inspection; onOpen: (platform: string) => void }) {
  const entries = inspection.manifests
  if (entries.length === 0) return null
  const platforms = entries.filter((e) => e.kind === 'platform')
  const attestations = entries.filter((e) => e.kind === 'attestation')
  const shown = inspection.platformImage?.digest ?? null
  const nameOf = (digest: string | null) => {
    const subject = digest === null ? undefined : platforms.find((e) => e.digest === digest)
    return subject ? entryName(subject) : digest ? shortDigest(digest) : 'the index'
  }
  return (
    <Section title="Platforms" count={platforms.length}>
      {shown === null ? (
        <p className="muted small platform-hint">An index has no configuration or layers of its own: open a platform to see its image.</p>
      ) : null}
      <table className="mini-table platform-table">
        <thead>
          <tr>
            <th>Platform</th>
            <th className="num">Size</th>
            <th className="num">Layers</th>
            <th>Built</th>
          </tr>
        </thead>
        <tbody>
          {platforms.map((entry) => {
            const name = entryName(entry)
            const current = entry.digest === shown
            return (
              <tr
                key={entry.digest}
                className={current ? 'platform-row current' : 'platform-row'}
                aria-current={current ? 'true' : undefined}
              >
                <td>
                  {entry.platform && !current ? (
                    <button
                      type="button"
                      className="platform-open"
                      dir="auto"
                      title={`Show the ${name} image: its manifest, configuration, layers and history`}
                      onClick={() => onOpen(name)}
                    >
                      {name}
                    </button>
                  ) : (
                    <span className="platform-name" dir="auto">
                      {name}
                      {current ? <span className="muted small"> · shown</span> : null}
                    </span>
                  )}
                  <span className="platform-digest mono muted" title={entry.digest}>
                    {shortDigest(entry.digest)}
                  </span>
                </td>
                <td className="num">{formatBytes(entry.size)}</td>
                <td className="num">{entry.layerCount ?? '—'}</td>
                <td title={entry.created ?? undefined}>
                  {entry.created ? formatRelativeDate(entry.created) : <span className="muted">unknown</span>}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {attestations.length > 0 ? (
        <ul className="platform-attestations muted small">
          {attestations.map((entry) => (
            <li key={entry.digest}>
              <span className="kind-badge ref-attestation">Attestation</span> build attestation for {nameOf(entry.attests)} ·{' '}
              <span className="mono" title={entry.digest}>
                {shortDigest(entry.digest)}
              </span>{' '}
              · {formatBytes(entry.size)} · not a platform, not counted in the size
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  )
}

/** Under the header while a platform of the index is shown: which one, and the way back. */
export function PlatformBar({ platform, onBack }: { platform: string; onBack: () => void }) {
  return (
    <div className="platform-bar" role="region" aria-label="Platform shown">
      <button type="button" className="button ghost platform-back" onClick={onBack} title="Back to the index and all its platforms">
        <span className="platform-back-icon" aria-hidden="true">
          <ChevronRightIcon />
        </span>
        All platforms
      </button>
      <span className="platform-bar-text" title={`Showing the ${platform} image of this index`}>
        Showing <strong className="mono">{platform}</strong> of this index
      </span>
    </div>
  )
}

export function PlatformOverviewSection({ image, platform }: { image: PlatformImage; platform: string }) {
  return (
    <Section title={`Platform ${platform}`}>
      <dl className="fields">
        <DigestField label="Digest" value={image.digest} />
        <DigestField label="Config" value={image.configDigest} />
        <MediaTypeField value={image.mediaType} />
        <SizeField bytes={image.size} note="compressed layers + config of this platform" />
        <Field label="Built">
          <DateValue iso={image.created} source="config" />
        </Field>
      </dl>
    </Section>
  )
}

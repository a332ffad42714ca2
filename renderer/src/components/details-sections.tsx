// Sections of the details panel. Everything from the registry is rendered as text.
import type { ReactNode } from 'react'
import { formatBytes, formatPlatform, formatRelativeDate } from '../../../shared/format'
import type { HistoryEntry, ImageConfigInfo, Inspection, Layer, BuildAttestation, Referrer, TagDetails } from '../../../shared/types'
import { ReferrerFactsView } from './referrer-facts'
import { dateSourceLabel, shortDigest } from '../model/tag-summary'
import { copyText } from './copy-menu'
import { KindBadge } from './kind-badge'
import { CopyIcon } from './icons'
import './details-sections.css'

export function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className="section">
      <h3 className="section-title">
        {title}
        {count !== undefined ? <span className="count"> {count}</span> : null}
      </h3>
      {children}
    </section>
  )
}

export function Digest({ value }: { value: string }) {
  return (
    <span className="digest-full">
      <span className="mono" title={value}>
        {value}
      </span>
      <button type="button" className="copy-inline visible" aria-label="Copy digest" onClick={() => void copyText(value, 'digest')}>
        <CopyIcon />
      </button>
    </span>
  )
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  )
}

/** The fields an image and one platform of an index both show, in their order. */
export function DigestField({ label, value }: { label: string; value: string }) {
  return (
    <Field label={label}>
      <Digest value={value} />
    </Field>
  )
}

export function MediaTypeField({ value }: { value: string }) {
  return (
    <Field label="Media type">
      <span className="mono" dir="auto">
        {value}
      </span>
    </Field>
  )
}

export function SizeField({ bytes, note }: { bytes: number | null; note: string }) {
  return (
    <Field label="Size">
      {formatBytes(bytes)} <span className="muted">· {note}</span>
    </Field>
  )
}

export function DateValue({ iso, source }: { iso: string | null | undefined; source?: string }) {
  if (!iso) return <span className="muted">unknown{source ? ` (${source})` : ''}</span>
  return (
    <span title={iso}>
      {formatRelativeDate(iso)} <span className="muted mono">{iso}</span>
      {source ? <span className="muted"> · {source}</span> : null}
    </span>
  )
}

export function OverviewSection({ inspection }: { inspection: Inspection }) {
  const d = inspection.details
  return (
    <Section title="Overview">
      <dl className="fields">
        <DigestField label="Digest" value={d.digest} />
        {d.configDigest ? <DigestField label="Config" value={d.configDigest} /> : null}
        <Field label="Type">
          <span className="kind-field">
            <KindBadge details={d} detailClassName="kind-detail" withType />
          </span>
        </Field>
        <MediaTypeField value={d.mediaType} />
        <SizeField bytes={d.size} note={d.sizeNote} />
        <Field label="Built">
          <DateValue iso={d.created} source={dateSourceLabel(d.createdSource)} />
        </Field>
        {d.pushed ? (
          <Field label="Pushed">
            <DateValue iso={d.pushed} source="registry API" />
          </Field>
        ) : null}
      </dl>
    </Section>
  )
}

export function PlatformsSection({ details }: { details: TagDetails }) {
  if (details.kind !== 'index' && details.platforms.length <= 1) return null
  return (
    <Section title="Platforms" count={details.platforms.length}>
      <table className="mini-table">
        <thead>
          <tr>
            <th>Platform</th>
            <th>Digest</th>
            <th className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {details.platforms.map((p) => (
            <tr key={p.digest}>
              <td dir="auto">{formatPlatform(p)}</td>
              <td className="mono" title={p.digest}>
                {shortDigest(p.digest)}
              </td>
              <td className="num">{formatBytes(p.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {details.attestations > 0 ? (
        <p className="muted small">
          + {details.attestations} build attestation manifest{details.attestations === 1 ? '' : 's'} (provenance/SBOM), not counted as
          platforms or in the size.
        </p>
      ) : null}
    </Section>
  )
}

export function SharedTagsSection({ tags, current, onOpen }: { tags: string[]; current: string; onOpen: (tag: string) => void }) {
  const others = tags.filter((t) => t !== current)
  if (others.length === 0) return null
  return (
    <Section title="Other tags on this digest" count={others.length}>
      <div className="chips">
        {others.map((t) => (
          <button key={t} type="button" className="chip mono" dir="auto" onClick={() => onOpen(t)}>
            {t}
          </button>
        ))}
      </div>
    </Section>
  )
}

function Words({ value }: { value: string[] | null }) {
  if (!value || value.length === 0) return <span className="muted">—</span>
  return (
    <code className="mono wrap" dir="ltr">
      {JSON.stringify(value)}
    </code>
  )
}

export function ConfigSection({ config, annotations }: { config: ImageConfigInfo | null; annotations: Record<string, string> }) {
  const annotationEntries = Object.entries(annotations)
  if (!config && annotationEntries.length === 0) return null
  return (
    <>
      {config ? (
        <Section title="Configuration">
          <dl className="fields">
            <Field label="Entrypoint">
              <Words value={config.entrypoint} />
            </Field>
            <Field label="Cmd">
              <Words value={config.cmd} />
            </Field>
            <Field label="Workdir">
              {config.workingDir ? <span className="mono">{config.workingDir}</span> : <span className="muted">—</span>}
            </Field>
            <Field label="User">
              {config.user ? <span className="mono">{config.user}</span> : <span className="muted">root (default)</span>}
            </Field>
            <Field label="Ports">
              {config.exposedPorts.length > 0 ? (
                <span className="mono">{config.exposedPorts.join(', ')}</span>
              ) : (
                <span className="muted">—</span>
              )}
            </Field>
          </dl>
          {config.env.length > 0 ? <KeyValueList title="Environment" entries={config.env.map(splitEnv)} /> : null}
          {Object.keys(config.labels).length > 0 ? <KeyValueList title="Labels" entries={Object.entries(config.labels)} /> : null}
        </Section>
      ) : null}
      {annotationEntries.length > 0 ? (
        <Section title="Annotations" count={annotationEntries.length}>
          <KeyValueList entries={annotationEntries} />
        </Section>
      ) : null}
    </>
  )
}

function splitEnv(line: string): [string, string] {
  const at = line.indexOf('=')
  return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)]
}

function KeyValueList({ title, entries }: { title?: string; entries: [string, string][] }) {
  return (
    <div className="kv">
      {title ? <h4 className="kv-title">{title}</h4> : null}
      <dl className="kv-list">
        {entries.map(([k, v], i) => (
          <div key={`${k}-${i}`} className="kv-row">
            <dt className="mono" dir="auto">
              {k}
            </dt>
            <dd className="mono wrap" dir="auto">
              {v}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

export function LayersSection({ layers }: { layers: Layer[] }) {
  if (layers.length === 0) return null
  const total = layers.reduce((sum, l) => sum + l.size, 0)
  return (
    <Section title="Layers" count={layers.length}>
      <ol className="layer-list">
        {layers.map((l, i) => (
          <li key={`${l.digest}-${i}`} className="layer">
            <span className="layer-index">{i + 1}</span>
            <span className="mono layer-digest" title={`${l.digest}\n${l.mediaType}`}>
              {shortDigest(l.digest)}
            </span>
            <span className="layer-bar" aria-hidden="true">
              <span style={{ width: `${total > 0 ? Math.max(2, (l.size / total) * 100) : 0}%` }} />
            </span>
            <span className="num">{formatBytes(l.size)}</span>
          </li>
        ))}
      </ol>
    </Section>
  )
}

const referrerLabels: Record<Referrer['kind'], string> = {
  signature: 'Signature',
  sbom: 'SBOM',
  attestation: 'Attestation',
  other: 'Artifact',
}

export function ReferrersSection({ referrers, buildAttestations = [] }: { referrers: Referrer[]; buildAttestations?: BuildAttestation[] }) {
  return (
    <Section title="Referrers" count={referrers.length + buildAttestations.length}>
      {referrers.length === 0 && buildAttestations.length === 0 ? (
        <p className="muted small">No signatures, SBOMs or attestations refer to this manifest.</p>
      ) : (
        <ul className="referrers">
          {referrers.map((r) => (
            <li key={r.digest} className="referrer-item">
              <div className="referrer">
                <span className={`kind-badge ref-${r.kind}`}>{referrerLabels[r.kind]}</span>
                <span className="mono referrer-type" dir="auto" title={r.artifactType ?? r.mediaType}>
                  {r.artifactType ?? r.mediaType}
                </span>
                <span className="mono muted" title={r.digest}>
                  {shortDigest(r.digest)}
                </span>
                <span className="muted small">
                  {r.source === 'api' ? 'referrers API' : r.source === 'tag-schema' ? 'tag schema' : 'cosign tag'}
                </span>
              </div>
              <ReferrerFactsView facts={r.facts ?? []} />
            </li>
          ))}
          {buildAttestations.map((a) => (
            <li key={a.digest} className="referrer-item">
              <div className="referrer">
                <span className="kind-badge ref-attestation">Attestation</span>
                <span className="referrer-type" title={a.subject ?? undefined}>
                  buildx, for {a.subject ? shortDigest(a.subject) : 'the index'}
                </span>
                <span className="mono muted" title={a.digest}>
                  {shortDigest(a.digest)}
                </span>
                <span className="muted small">in the index</span>
              </div>
              <ReferrerFactsView facts={a.facts} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

export function HistorySection({ history }: { history: HistoryEntry[] }) {
  if (history.length === 0) return null
  return (
    <details className="section">
      <summary>
        History <span className="count">{history.length}</span>
      </summary>
      <ol className="history">
        {history.map((h, i) => (
          <li key={i} className={h.emptyLayer ? 'history-entry empty' : 'history-entry'}>
            <code className="mono wrap" dir="auto">
              {h.createdBy ?? h.comment ?? '(no command recorded)'}
            </code>
            {h.created ? <span className="muted small">{formatRelativeDate(h.created)}</span> : null}
          </li>
        ))}
      </ol>
    </details>
  )
}

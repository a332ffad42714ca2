// What a referrer's documents say, under its row in the details panel: a provenance's builder,
// source and commit; an SBOM's format and package count; and the document itself one click away.
// Registry content: rendered as text only, long values wrap.
import type { ReferrerFacts } from '../../../shared/types'
import './referrer-facts.css'

export function ReferrerFactsView({ facts }: { facts: readonly ReferrerFacts[] }) {
  if (facts.length === 0) return null
  return (
    <div className="referrer-facts">
      {facts.map((f) => (
        <div key={f.digest} className="referrer-document">
          <dl className="facts-list">
            {f.provenance ? (
              <>
                <dt>Provenance</dt>
                <dd>SLSA {f.provenance.slsaVersion}</dd>
                <dt>Builder</dt>
                <dd className="mono wrap" dir="auto">
                  {f.provenance.builder ?? 'not stated'}
                </dd>
                <dt>Source</dt>
                <dd className="mono wrap" dir="auto">
                  {f.provenance.sourceRepository ?? 'not stated'}
                </dd>
                <dt>Commit</dt>
                <dd className="mono wrap" dir="auto">
                  {f.provenance.sourceCommit ?? 'not stated'}
                </dd>
              </>
            ) : null}
            {f.sbom ? (
              <>
                <dt>SBOM</dt>
                <dd>
                  {f.sbom.format}
                  {f.sbom.version ? ` (${f.sbom.version})` : ''}
                </dd>
                <dt>Packages</dt>
                <dd>{f.sbom.packageCount.toLocaleString('en')}</dd>
                {f.sbom.name ? (
                  <>
                    <dt>Describes</dt>
                    <dd className="mono wrap" dir="auto">
                      {f.sbom.name}
                    </dd>
                  </>
                ) : null}
              </>
            ) : null}
            {!f.provenance && !f.sbom && f.predicateType ? (
              <>
                <dt>Predicate</dt>
                <dd className="mono wrap" dir="auto">
                  {f.predicateType}
                </dd>
              </>
            ) : null}
          </dl>
          {f.problem ? (
            <p className="facts-problem small" dir="auto">
              {f.problem}
            </p>
          ) : null}
          {f.raw !== '' ? (
            <details className="facts-raw">
              <summary>Raw JSON{f.rawTruncated ? ' (first 256 KiB)' : ''}</summary>
              <pre className="code-block" dir="ltr">
                {f.raw}
              </pre>
            </details>
          ) : null}
        </div>
      ))}
    </div>
  )
}

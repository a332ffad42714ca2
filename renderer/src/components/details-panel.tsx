// The details of one tag, from `inspect`: identity, size and date with their meaning, platforms,
// layers, config, history, referrers, and the other tags on the same digest.
import { useCallback, useEffect, useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import { artifactOfDetails } from '../../../shared/artifact-kind'
import type { Inspection } from '../../../shared/types'
import { verifiedDetailsOf } from '../model/tag-rows'
import { useTags } from '../stores/tags'
import { inspectTag } from '../stores/actions/inspect-tag'
import { useView } from '../stores/view'
import { useDialogs } from '../stores/dialogs'
import { registryById, useRegistries } from '../stores/registries'
import { ErrorView } from './error-view'
import { CopyMenu } from './copy-menu'
import { TagCopyActions } from './copy-actions'
import { LinkMenu } from './link-menu'
import {
  ConfigSection,
  HistorySection,
  LayersSection,
  OverviewSection,
  PlatformsSection,
  ReferrersSection,
  SharedTagsSection,
} from './details-sections'
import { CloseIcon } from './icons'
import { RegistryText } from './registry-text'
import { SignaturesSection } from './signature-views'
import { IndexPlatformsSection, PlatformBar, PlatformOverviewSection } from './platform-sections'
import './details-panel.css'

type LoadState = { status: 'loading' } | { status: 'ready'; inspection: Inspection } | { status: 'error'; error: BerthErrorData }

export function DetailsPanel({ registryId, repository, tag }: { registryId: string; repository: string; tag: string }) {
  const [state, setState] = useState<LoadState>({ status: 'loading' })
  // The platform of an index shown instead of the index itself; another tag starts at its index again.
  const [chosen, setChosen] = useState<{ repository: string; tag: string; platform: string } | null>(null)
  const platform = chosen !== null && chosen.repository === repository && chosen.tag === tag ? chosen.platform : null
  const update = useView((s) => s.update)
  const openDialog = useDialogs((s) => s.open)
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  // Until inspect answers, the table's verified row already says what the tag holds (for the copy menu).
  const row = useTags((s) => (s.repository === repository ? verifiedDetailsOf(s.rows.get(tag)) : null))
  const shown = state.status === 'ready' ? state.inspection.details : row

  const load = useCallback(async () => {
    setState({ status: 'loading' })
    const result = await inspectTag(registryId, repository, tag, platform ?? undefined)
    setState(result.ok ? { status: 'ready', inspection: result.value } : { status: 'error', error: result.error })
  }, [registryId, repository, tag, platform])

  useEffect(() => {
    void load()
  }, [load])

  const close = () => update({ tag: null })
  return (
    <aside className="details" aria-label={`Details of ${tag}`}>
      <header className="details-header">
        <div className="details-title">
          <span className="details-kicker">Tag</span>
          <h2 className="mono" dir="auto" title={tag}>
            <RegistryText text={tag} />
          </h2>
        </div>
        <div className="details-actions">
          <LinkMenu
            compact
            registryUrl={registry?.url}
            targets={[
              { what: 'this tag', place: { repository, tag } },
              ...(state.status === 'ready'
                ? [{ what: 'this digest', place: { repository, digest: state.inspection.details.digest } }]
                : []),
            ]}
          />
          <CopyMenu
            registryId={registryId}
            registryUrl={registry?.url ?? ''}
            repository={repository}
            tag={tag}
            digest={state.status === 'ready' ? state.inspection.details.digest : null}
            artifact={shown ? artifactOfDetails(shown) : null}
          />
          <button
            type="button"
            className="button danger-outline"
            onClick={() => openDialog({ kind: 'delete', registryId, repository, tags: [tag] })}
          >
            Delete…
          </button>
          <button type="button" className="icon-button" aria-label="Close details" title="Close (Esc)" onClick={close}>
            <CloseIcon />
          </button>
        </div>
      </header>
      {platform !== null ? <PlatformBar platform={platform} onBack={() => setChosen(null)} /> : null}
      <TagCopyActions
        registryId={registryId}
        repository={repository}
        tag={tag}
        details={state.status === 'ready' ? state.inspection.details : null}
      />
      <div className="details-body">
        {state.status === 'loading' ? <DetailsSkeleton /> : null}
        {state.status === 'error' ? <ErrorView error={state.error} onRetry={() => void load()} /> : null}
        {state.status === 'ready' && platform !== null && state.inspection.platformImage ? (
          <>
            <PlatformOverviewSection image={state.inspection.platformImage} platform={platform} />
            <LayersSection layers={state.inspection.layers} />
            <IndexPlatformsSection inspection={state.inspection} onOpen={(p) => setChosen({ repository, tag, platform: p })} />
            <ConfigSection config={state.inspection.config} annotations={state.inspection.platformImage.annotations} />
            <HistorySection history={state.inspection.config?.history ?? []} />
            <details className="section raw">
              <summary>Manifest JSON of {platform}</summary>
              <pre className="code-block" dir="ltr">
                {state.inspection.platformImage.manifestJson}
              </pre>
            </details>
          </>
        ) : state.status === 'ready' ? (
          <>
            <OverviewSection inspection={state.inspection} />
            <SignaturesSection registryId={registryId} repository={repository} digest={state.inspection.details.digest} />
            {state.inspection.manifests.length > 0 ? (
              <IndexPlatformsSection inspection={state.inspection} onOpen={(p) => setChosen({ repository, tag, platform: p })} />
            ) : (
              <PlatformsSection details={state.inspection.details} />
            )}
            <SharedTagsSection tags={state.inspection.tagsSharingDigest} current={tag} onOpen={(t) => update({ tag: t })} />
            <ConfigSection config={state.inspection.config} annotations={state.inspection.annotations} />
            <LayersSection layers={state.inspection.layers} />
            <ReferrersSection referrers={state.inspection.referrers} buildAttestations={state.inspection.buildAttestations ?? []} />
            <HistorySection history={state.inspection.config?.history ?? []} />
            <details className="section raw">
              <summary>Manifest JSON</summary>
              <pre className="code-block" dir="ltr">
                {state.inspection.manifestJson}
              </pre>
            </details>
          </>
        ) : null}
      </div>
    </aside>
  )
}

function DetailsSkeleton() {
  return (
    <div className="details-skeleton" aria-label="Loading details">
      {[90, 60, 75, 40, 85, 55].map((w, i) => (
        <span key={i} className="skeleton skeleton-text" style={{ width: `${w}%` }} />
      ))}
    </div>
  )
}

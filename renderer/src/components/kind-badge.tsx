// What a row holds, as a badge: an image's shape (image, index), or what an artifact is — "Helm
// chart demo 0.1.0 (app 1.2.3)", "SBOM SPDX", "WebAssembly", "OCI artifact <type>" — so a chart or an
// SBOM is not taken for an image (shared/artifact-kind.ts).
import { artifactBadge, artifactLabel, artifactOfDetails } from '../../../shared/artifact-kind'
import type { TagDetails } from '../../../shared/types'
import { kindLabel } from '../model/tag-summary'
import './kind-badge.css'

type BadgeDetails = Pick<TagDetails, 'kind' | 'mediaType' | 'artifactType' | 'artifact'>

/** The type cell's tooltip: what it is in full ("Helm chart demo 0.1.0 (app 1.2.3)") and its media type. */
export function kindTitle(details: BadgeDetails): string {
  const artifact = artifactOfDetails(details)
  const type = details.artifactType ?? details.mediaType
  return artifact === null || artifact.kind === 'image' ? type : `${artifactLabel(artifact)} — ${type}`
}

interface KindBadgeProps {
  details: BadgeDetails
  /** The class of the text after the badge (the table's is smaller than the details panel's). */
  detailClassName: string
  /** Also the artifactType, when the badge's text does not already say it (the details panel). */
  withType?: boolean
  /** A plain image as muted text, not a pill: in a table of images, only what differs should stand out. */
  plainImage?: boolean
}

export function KindBadge({ details, detailClassName, withType = false, plainImage = false }: KindBadgeProps) {
  const artifact = artifactOfDetails(details)
  if (artifact === null || artifact.kind === 'image') {
    if (plainImage && details.kind === 'image') return <span className="kind-plain">{kindLabel(details)}</span>
    return (
      <>
        <span className={`kind-badge kind-${details.kind}`}>{kindLabel(details)}</span>
        {details.kind === 'artifact' && details.artifactType ? (
          <span className={`${detailClassName} mono`} dir="auto">
            {details.artifactType}
          </span>
        ) : null}
      </>
    )
  }
  const { label, detail } = artifactBadge(artifact)
  // Media types read as code; a chart's name and versions as text.
  const mono = artifact.kind === 'artifact' || artifact.kind === 'attestation'
  return (
    <>
      <span className={`kind-badge kind-artifact artifact-${artifact.kind}`} title={artifactLabel(artifact)}>
        {label}
      </span>
      {detail !== '' ? (
        <span className={`${detailClassName}${mono ? ' mono' : ''}`} dir="auto">
          {detail}
        </span>
      ) : null}
      {withType && details.artifactType && details.artifactType !== detail ? (
        <span className={`${detailClassName} mono muted`} dir="auto">
          {details.artifactType}
        </span>
      ) : null}
    </>
  )
}

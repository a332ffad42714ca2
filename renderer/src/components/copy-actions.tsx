// "Add tag…" and "Copy to…" for the selected tags (toolbar) or the open tag (details panel). They
// open only on images the registry confirmed in this load: a cached or unchecked digest may have
// moved, and a copy must send the image the user saw.
import { useMemo } from 'react'
import type { TagDetails } from '../../../shared/types'
import { selectedImages, sourceImageOf, whyNotCopyable, type CopySourceImage } from '../model/copy-form'
import { useDialogs } from '../stores/dialogs'
import { useTags } from '../stores/tags'
import './copy-actions.css'

interface CopyActionsProps {
  registryId: string
  repository: string
  images: CopySourceImage[]
  /** Why the images cannot be copied yet (shown as the buttons' title), or null. */
  blocked: string | null
  className?: string
}

export function CopyActions({ registryId, repository, images, blocked, className }: CopyActionsProps) {
  const openDialog = useDialogs((s) => s.open)
  const disabled = blocked !== null || images.length === 0
  const count = images.length > 1 ? ` ${images.length.toLocaleString('en')}` : ''
  return (
    <div className={className ? `copy-actions ${className}` : 'copy-actions'} role="group" aria-label="Tag and copy">
      <button
        type="button"
        className="button"
        disabled={disabled}
        title={blocked ?? 'Add tags to this image in the same repository (T)'}
        onClick={() => openDialog({ kind: 'add-tag', registryId, repository, images })}
      >
        Add tag…
      </button>
      <button
        type="button"
        className="button"
        disabled={disabled}
        title={blocked ?? 'Copy to another repository or registry, with every platform (C)'}
        onClick={() => openDialog({ kind: 'copy', registryId, repository, images })}
      >
        Copy{count} to…
      </button>
    </div>
  )
}

/** The toolbar's: for the selected tags, once the registry confirmed each of them in this load. */
export function SelectionCopyActions({
  registryId,
  repository,
  tags,
}: {
  registryId: string
  repository: string
  tags: readonly string[]
}) {
  const rows = useTags((s) => s.rows)
  const state = useMemo(() => selectedImages(tags, rows), [tags, rows])
  return <CopyActions registryId={registryId} repository={repository} images={state.images} blocked={whyNotCopyable(tags.length, state)} />
}

/** The details panel's: for the open tag, from the details its inspect just read from the registry. */
export function TagCopyActions({
  registryId,
  repository,
  tag,
  details,
}: {
  registryId: string
  repository: string
  tag: string
  /** null while loading, or when the tag could not be read. */
  details: TagDetails | null
}) {
  const images = useMemo(() => (details === null ? [] : [sourceImageOf(tag, details)]), [tag, details])
  return (
    <CopyActions
      className="details-strip"
      registryId={registryId}
      repository={repository}
      images={images}
      blocked={details === null ? 'The tag’s details are not read yet.' : null}
    />
  )
}

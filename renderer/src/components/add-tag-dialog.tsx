// "Add tag…": more tags on the selected images in the same repository. The exact manifest bytes are
// written under each new tag (no blob is read or sent); the plan says which tags are new, already
// there, or point at another image — those move only once the user ticked the overwrite.
import { useId, useState } from 'react'
import type { CopySourceImage } from '../model/copy-form'
import { shortDigest } from '../model/tag-summary'
import { useCopy } from '../stores/copy'
import { CopyFlow } from './copy-flow'
import { TagFields } from './copy-dialog'
import { RegistryText } from './registry-text'

interface AddTagDialogProps {
  registryId: string
  repository: string
  images: CopySourceImage[]
  onClose: () => void
}

export function AddTagDialog({ registryId, repository, images, onClose }: AddTagDialogProps) {
  useState(() => useCopy.getState().open('tag', { registryId, repository, images }))
  const plan = useCopy((s) => s.plan)
  const busy = useCopy((s) => s.step.kind === 'planning')
  const errors = useCopy((s) => s.errors)
  const ids = useId()
  const single = images.length === 1 ? images[0] : undefined
  return (
    <CopyFlow formTitle={single ? `Add a tag to ${single.tag}` : `Add tags to ${images.length} images`} onClose={onClose}>
      <form
        className="form copy-form"
        onSubmit={(e) => {
          e.preventDefault()
          void plan()
        }}
      >
        <p className="copy-source muted">
          {single ? (
            <>
              The image{' '}
              <span className="mono" title={single.digest}>
                {shortDigest(single.digest)}
              </span>{' '}
              in{' '}
            </>
          ) : (
            'Images in '
          )}
          <span className="mono" dir="auto">
            <RegistryText text={repository} />
          </span>
          : the tags are written in the same repository, no blob is read or sent.
        </p>
        <TagFields images={images} ids={ids} disabled={busy} label="New tags" placeholder={single ? 'e.g. production' : 'none'} />
        {errors.form ? (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <button type="submit" hidden />
      </form>
    </CopyFlow>
  )
}

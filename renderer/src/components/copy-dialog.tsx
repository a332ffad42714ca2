// "Copy to…": the selected images (by the digest the registry confirmed) to any configured registry
// — or one added here with the registry dialog — a repository there, existing or new, and tags (by
// default the same names). Every platform, or chosen ones (a subset makes a new index with another
// digest: said before anything is copied); signatures, SBOMs and attestations on request. Then the
// plan, the progress and the result (copy-flow.tsx).
import { useId, useState } from 'react'
import { platformChoices, type CopySourceImage } from '../model/copy-form'
import { shortDigest } from '../model/tag-summary'
import { useCopy } from '../stores/copy'
import { CopyFlow } from './copy-flow'
import { DestinationFields, NameInput, PlanForm, PlatformFieldset, ReferrersCheckbox, SourceLine, useAddRegistry } from './copy-destination'
import { RegistryText } from './registry-text'

interface CopyDialogProps {
  registryId: string
  repository: string
  images: CopySourceImage[]
  onClose: () => void
}

export function CopyDialog({ registryId, repository, images, onClose }: CopyDialogProps) {
  // Set up before the first render reads the store, so it never shows an earlier dialog's form.
  useState(() => useCopy.getState().open('copy', { registryId, repository, images }))
  const setForm = useCopy((s) => s.setForm)
  const addingRegistry = useAddRegistry((id) => setForm({ registryId: id }))
  const what = images.length === 1 ? (images[0]?.tag ?? '') : `${images.length} images`
  if (addingRegistry.dialog) return addingRegistry.dialog
  return (
    <CopyFlow formTitle={`Copy ${what} to…`} onClose={onClose}>
      <CopyForm sourceRegistryId={registryId} sourceRepository={repository} images={images} onAddRegistry={addingRegistry.add} />
    </CopyFlow>
  )
}

function CopyForm({
  sourceRegistryId,
  sourceRepository,
  images,
  onAddRegistry,
}: {
  sourceRegistryId: string
  sourceRepository: string
  images: CopySourceImage[]
  onAddRegistry: () => void
}) {
  const form = useCopy((s) => s.form)
  const errors = useCopy((s) => s.errors)
  const setForm = useCopy((s) => s.setForm)
  const busy = useCopy((s) => s.step.kind === 'planning')
  const ids = useId()
  const choices = platformChoices(images)

  return (
    <PlanForm className="form copy-form">
      <SourceLine registryId={sourceRegistryId} repository={sourceRepository}>
        {images.length === 1 && images[0] ? (
          <>
            {': '}
            <span className="mono" dir="auto">
              <RegistryText text={images[0].tag} />
            </span>{' '}
            at{' '}
            <span className="mono" title={images[0].digest}>
              {shortDigest(images[0].digest)}
            </span>
            , as the registry confirmed it
          </>
        ) : (
          `: ${images.length} images, each by the digest the registry confirmed`
        )}
      </SourceLine>
      <DestinationFields
        ids={ids}
        form={form}
        errors={errors}
        disabled={busy}
        sameAsSource={form.registryId === sourceRegistryId ? sourceRepository : null}
        onAddRegistry={onAddRegistry}
        onChange={setForm}
      />
      <TagFields images={images} ids={ids} disabled={busy} />
      {choices.length > 0 ? <PlatformFields choices={choices} images={images} disabled={busy} /> : null}
      <ReferrersCheckbox checked={form.referrers} disabled={busy} onChange={(checked) => setForm({ referrers: checked })} />
      {errors.form ? (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      ) : null}
    </PlanForm>
  )
}

/** One field per source image: its tags at the destination, its own name by default. */
export function TagFields({
  images,
  ids,
  disabled,
  placeholder = '',
  label = 'Tags',
}: {
  images: readonly CopySourceImage[]
  ids: string
  disabled: boolean
  placeholder?: string
  label?: string
}) {
  const form = useCopy((s) => s.form)
  const errors = useCopy((s) => s.errors)
  const setForm = useCopy((s) => s.setForm)
  const setTags = (index: number, text: string) => setForm({ tags: form.tags.map((tags, i) => (i === index ? text : tags)) })
  if (images.length === 1) {
    const error = errors.tags[0] ?? null
    return (
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-tags-0`}>
          {label}
        </label>
        <NameInput
          id={`${ids}-tags-0`}
          value={form.tags[0] ?? ''}
          disabled={disabled}
          placeholder={placeholder}
          invalid={error !== null}
          onValue={(value) => setTags(0, value)}
        />
        {error !== null ? (
          <span className="field-error">{error}</span>
        ) : (
          <span className="field-hint">Several tags: separate them with spaces.</span>
        )}
      </div>
    )
  }
  return (
    <div className="field" role="group" aria-labelledby={`${ids}-tags`}>
      <span className="field-label" id={`${ids}-tags`}>
        {label} <span className="field-hint">— several per image: separate them with spaces</span>
      </span>
      <div className="copy-tag-rows">
        {images.map((image, index) => {
          const error = errors.tags[index] ?? null
          return (
            <div key={`${index}-${image.tag}`} className="copy-tag-row">
              <span className="mono copy-tag-source" dir="auto" title={image.digest}>
                <RegistryText text={image.tag} /> <span className="muted">{shortDigest(image.digest)}</span>
              </span>
              <span className="muted" aria-hidden="true">
                →
              </span>
              <NameInput
                aria-label={`Tags for ${image.tag}`}
                value={form.tags[index] ?? ''}
                disabled={disabled}
                placeholder={placeholder}
                invalid={error !== null}
                onValue={(value) => setTags(index, value)}
              />
              {error !== null ? <span className="field-error copy-tag-error">{error}</span> : null}
            </div>
          )
        })}
      </div>
    </div>
  )
}

function PlatformFields({ choices, images, disabled }: { choices: string[]; images: readonly CopySourceImage[]; disabled: boolean }) {
  const form = useCopy((s) => s.form)
  const errors = useCopy((s) => s.errors)
  const setForm = useCopy((s) => s.setForm)
  const chosen = form.platforms
  const subset = chosen !== null && chosen.length < choices.length
  const digests = images.filter((image) => image.kind === 'index').map((image) => shortDigest(image.digest))
  return (
    <PlatformFieldset
      name="copy-platforms"
      everyLabel={`Every platform (${choices.length}): the digest stays the same`}
      choices={choices}
      chosen={chosen}
      disabled={disabled}
      error={errors.platforms}
      onChange={(platforms) => setForm({ platforms })}
    >
      {subset ? (
        <p className="copy-note warn" role="note">
          A subset makes a new index: the image at the destination gets another digest than {digests.join(', ')}, and signatures of the
          original index do not apply to it.
        </p>
      ) : null}
    </PlatformFieldset>
  )
}

// "Copy to…": the selected images (by the digest the registry confirmed) to any configured registry
// — or one added here with the registry dialog — a repository there, existing or new, and tags (by
// default the same names). Every platform, or chosen ones (a subset makes a new index with another
// digest: said before anything is copied); signatures, SBOMs and attestations on request. Then the
// plan, the progress and the result (copy-flow.tsx).
import { useEffect, useId, useState } from 'react'
import type { RegistryView } from '../../../shared/types'
import { platformChoices, type CopySourceImage } from '../model/copy-form'
import { registryHost, shortDigest } from '../model/tag-summary'
import { useCopy } from '../stores/copy'
import { registryById, useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { CopyFlow } from './copy-flow'
import { RegistryDialog } from './registry-dialog'
import { RegistryText } from './registry-text'

const addRegistryValue = '\u0000add'
/** The datalist offers this many repositories at most: the field filters them as the user types. */
const maxOffered = 2_000

interface CopyDialogProps {
  registryId: string
  repository: string
  images: CopySourceImage[]
  onClose: () => void
}

export function CopyDialog({ registryId, repository, images, onClose }: CopyDialogProps) {
  // Set up before the first render reads the store, so it never shows an earlier dialog's form.
  useState(() => useCopy.getState().open('copy', { registryId, repository, images }))
  const [addingRegistry, setAddingRegistry] = useState(false)
  const setForm = useCopy((s) => s.setForm)
  const what = images.length === 1 ? (images[0]?.tag ?? '') : `${images.length} images`
  if (addingRegistry) {
    return (
      <RegistryDialog
        registryId={null}
        onClose={() => setAddingRegistry(false)}
        onAdded={(view: RegistryView) => setForm({ registryId: view.id })}
      />
    )
  }
  return (
    <CopyFlow formTitle={`Copy ${what} to…`} onClose={onClose}>
      <CopyForm sourceRegistryId={registryId} sourceRepository={repository} images={images} onAddRegistry={() => setAddingRegistry(true)} />
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
  const plan = useCopy((s) => s.plan)
  const busy = useCopy((s) => s.step.kind === 'planning')
  const registries = useRegistries((s) => s.registries)
  const source = registryById(registries, sourceRegistryId)
  const ids = useId()
  const choices = platformChoices(images)

  return (
    <form
      className="form copy-form"
      onSubmit={(e) => {
        e.preventDefault()
        void plan()
      }}
    >
      <p className="copy-source muted">
        From{' '}
        <span className="mono" dir="auto">
          <RegistryText text={`${source ? registryHost(source.url) : sourceRegistryId}/${sourceRepository}`} />
        </span>
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
      </p>
      <div className="copy-destination">
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-registry`}>
            Registry
          </label>
          <select
            id={`${ids}-registry`}
            className="select"
            value={form.registryId}
            disabled={busy}
            aria-invalid={errors.registry !== undefined}
            onChange={(e) => (e.target.value === addRegistryValue ? onAddRegistry() : setForm({ registryId: e.target.value }))}
          >
            {form.registryId === '' ? <option value="">Choose…</option> : null}
            {registries.map((registry) => (
              <option key={registry.id} value={registry.id}>
                {registry.name} — {registryHost(registry.url)}
              </option>
            ))}
            <option value={addRegistryValue}>Add a registry…</option>
          </select>
          {errors.registry ? <span className="field-error">{errors.registry}</span> : null}
        </div>
        <RepositoryField
          registryId={form.registryId}
          value={form.repository}
          error={errors.repository}
          disabled={busy}
          sameAsSource={form.registryId === sourceRegistryId ? sourceRepository : null}
          onChange={(value) => setForm({ repository: value })}
        />
      </div>
      <TagFields images={images} ids={ids} disabled={busy} />
      {choices.length > 0 ? <PlatformFields choices={choices} images={images} disabled={busy} /> : null}
      <label className="checkbox">
        <input type="checkbox" checked={form.referrers} disabled={busy} onChange={(e) => setForm({ referrers: e.target.checked })} />
        <span>
          Include signatures, SBOMs and attestations
          <span className="field-hint block">Referrers of each image (OCI 1.1 and cosign’s sha256-….sig/.att tags) go with it.</span>
        </span>
      </label>
      {errors.form ? (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      {/* Enter in a field plans, as the primary button does. */}
      <button type="submit" hidden />
    </form>
  )
}

export function RepositoryField({
  registryId,
  value,
  error,
  disabled,
  sameAsSource,
  onChange,
}: {
  registryId: string
  value: string
  error: string | undefined
  disabled: boolean
  /** The source repository when the destination registry is the source's. */
  sameAsSource: string | null
  onChange: (value: string) => void
}) {
  const entry = useRepositories((s) => (registryId === '' ? undefined : s.byRegistry[registryId]))
  const listId = useId()
  const fieldId = useId()
  useEffect(() => {
    if (registryId !== '') void useRepositories.getState().load(registryId)
  }, [registryId])
  const listing = entry?.listing
  const name = value.trim()
  const known = listing?.repositories.includes(name) ?? false
  const hint =
    name === ''
      ? listing?.catalog === 'available'
        ? 'An existing repository, or a new name.'
        : 'The repository path, existing or new.'
      : name === sameAsSource
        ? 'The repository the images are in: only tags with other names are added.'
        : entry?.status === 'loading'
          ? 'Looking at the registry’s repositories…'
          : known
            ? 'An existing repository.'
            : listing?.catalog === 'available'
              ? 'A new repository: the copy creates it.'
              : 'This registry does not list its repositories: the copy creates it if it is new.'
  return (
    <div className="field">
      <label className="field-label" htmlFor={fieldId}>
        Repository
      </label>
      <input
        id={fieldId}
        className="input mono"
        value={value}
        list={listId}
        disabled={disabled}
        placeholder="team/app"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-invalid={error !== undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={listId}>
        {(listing?.repositories ?? []).slice(0, maxOffered).map((repository) => (
          <option key={repository} value={repository} />
        ))}
      </datalist>
      {error ? <span className="field-error">{error}</span> : <span className="field-hint">{hint}</span>}
    </div>
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
        <input
          id={`${ids}-tags-0`}
          className="input mono"
          value={form.tags[0] ?? ''}
          disabled={disabled}
          placeholder={placeholder}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-invalid={error !== null}
          onChange={(e) => setTags(0, e.target.value)}
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
              <input
                className="input mono"
                aria-label={`Tags for ${image.tag}`}
                value={form.tags[index] ?? ''}
                disabled={disabled}
                placeholder={placeholder}
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                aria-invalid={error !== null}
                onChange={(e) => setTags(index, e.target.value)}
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
    <fieldset className="field copy-platforms" disabled={disabled}>
      <legend className="field-label">Platforms</legend>
      <label className="radio">
        <input type="radio" name="copy-platforms" checked={chosen === null} onChange={() => setForm({ platforms: null })} />
        <span>Every platform ({choices.length}): the digest stays the same</span>
      </label>
      <label className="radio">
        <input
          type="radio"
          name="copy-platforms"
          checked={chosen !== null}
          onChange={() => setForm({ platforms: chosen ?? [...choices] })}
        />
        <span>Only some platforms</span>
      </label>
      {chosen !== null ? (
        <div className="copy-platform-list">
          {choices.map((platform) => (
            <label key={platform} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(platform)}
                onChange={(e) =>
                  setForm({
                    platforms: e.target.checked
                      ? choices.filter((p) => p === platform || chosen.includes(p))
                      : chosen.filter((p) => p !== platform),
                  })
                }
              />
              <span className="mono">{platform}</span>
            </label>
          ))}
        </div>
      ) : null}
      {subset ? (
        <p className="copy-note warn" role="note">
          A subset makes a new index: the image at the destination gets another digest than {digests.join(', ')}, and signatures of the
          original index do not apply to it.
        </p>
      ) : null}
      {errors.platforms ? <span className="field-error">{errors.platforms}</span> : null}
    </fieldset>
  )
}

// The parts of the copy and mirror forms that are the same in both: the form that plans on Enter,
// the source line, the destination registry (with "Add a registry…") and repository, the platform
// choice and the referrers option. Each dialog keeps its own form in the copy store and passes its
// values and setter, so these parts hold no state of their own.
import { useEffect, useId, useState, type InputHTMLAttributes, type ReactElement, type ReactNode } from 'react'
import type { RegistryView } from '../../../shared/types'
import { registryHost } from '../model/tag-summary'
import { useCopy } from '../stores/copy'
import { registryById, useRegistries } from '../stores/registries'
import { useRepositories } from '../stores/repositories'
import { RegistryDialog } from './registry-dialog'
import { RegistryText } from './registry-text'

const addRegistryValue = '\u0000add'
/** The datalist offers this many repositories at most: the field filters them as the user types. */
const maxOffered = 2_000

/**
 * "Add a registry…" in the destination select: the registry dialog stands in for the form until it
 * closes, and the registry added becomes the destination.
 */
export function useAddRegistry(onAdded: (registryId: string) => void): { dialog: ReactElement | null; add: () => void } {
  const [adding, setAdding] = useState(false)
  const dialog = adding ? (
    <RegistryDialog registryId={null} onClose={() => setAdding(false)} onAdded={(view: RegistryView) => onAdded(view.id)} />
  ) : null
  return { dialog, add: () => setAdding(true) }
}

/** The form of a copy or mirror dialog: submitting it (Enter in a field, or the primary button) plans. */
export function PlanForm({ className, children }: { className: string; children: ReactNode }) {
  const plan = useCopy((s) => s.plan)
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault()
        void plan()
      }}
    >
      {children}
      {/* Enter in a field plans, as the primary button does. */}
      <button type="submit" hidden />
    </form>
  )
}

/** "From registry/repository", then what the dialog takes from it. */
export function SourceLine({ registryId, repository, children }: { registryId: string; repository: string; children: ReactNode }) {
  const registries = useRegistries((s) => s.registries)
  const source = registryById(registries, registryId)
  return (
    <p className="copy-source muted">
      From{' '}
      <span className="mono" dir="auto">
        <RegistryText text={`${source ? registryHost(source.url) : registryId}/${repository}`} />
      </span>
      {children}
    </p>
  )
}

/** The destination: a configured registry (or one added from the select) and a repository there. */
export function DestinationFields({
  ids,
  form: { registryId, repository },
  errors,
  disabled,
  sameAsSource,
  onAddRegistry,
  onChange,
}: {
  ids: string
  form: { registryId: string; repository: string }
  errors: { registry?: string; repository?: string }
  disabled: boolean
  /** The source repository when the destination registry is the source's (null: no such hint). */
  sameAsSource: string | null
  onAddRegistry: () => void
  onChange: (patch: { registryId: string } | { repository: string }) => void
}) {
  const registries = useRegistries((s) => s.registries)
  return (
    <div className="copy-destination">
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-registry`}>
          Registry
        </label>
        <select
          id={`${ids}-registry`}
          className="select"
          value={registryId}
          disabled={disabled}
          aria-invalid={errors.registry !== undefined}
          onChange={(e) => (e.target.value === addRegistryValue ? onAddRegistry() : onChange({ registryId: e.target.value }))}
        >
          {registryId === '' ? <option value="">Choose…</option> : null}
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
        registryId={registryId}
        value={repository}
        error={errors.repository}
        disabled={disabled}
        sameAsSource={sameAsSource}
        onChange={(value) => onChange({ repository: value })}
      />
    </div>
  )
}

/** A field for names, tags and patterns: monospaced, never spell-checked, capitalised or completed by the browser. */
export function NameInput({
  invalid,
  onValue,
  ...attributes
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'className' | 'onChange' | 'aria-invalid'> & {
  invalid: boolean
  onValue: (value: string) => void
}) {
  return (
    <input
      {...attributes}
      className="input mono"
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      aria-invalid={invalid}
      onChange={(e) => onValue(e.target.value)}
    />
  )
}

function RepositoryField({
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
      <NameInput
        id={fieldId}
        value={value}
        list={listId}
        disabled={disabled}
        placeholder="team/app"
        invalid={error !== undefined}
        onValue={onChange}
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

/**
 * Every platform, or only the ticked ones among `choices`. What a subset means differs between the
 * dialogs, so each says it in `children` (shown after the list).
 */
export function PlatformFieldset({
  name,
  everyLabel,
  choices,
  chosen,
  disabled,
  error,
  onChange,
  children,
}: {
  /** The radio group's name. */
  name: string
  everyLabel: string
  choices: readonly string[]
  /** null: every platform. */
  chosen: string[] | null
  disabled: boolean
  error: string | undefined
  onChange: (platforms: string[] | null) => void
  children?: ReactNode
}) {
  return (
    <fieldset className="field copy-platforms" disabled={disabled}>
      <legend className="field-label">Platforms</legend>
      <label className="radio">
        <input type="radio" name={name} checked={chosen === null} onChange={() => onChange(null)} />
        <span>{everyLabel}</span>
      </label>
      <label className="radio">
        <input type="radio" name={name} checked={chosen !== null} onChange={() => onChange(chosen ?? [...choices])} />
        <span>Only some platforms</span>
      </label>
      {chosen !== null && choices.length > 0 ? (
        <div className="copy-platform-list">
          {choices.map((platform) => (
            <label key={platform} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(platform)}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? choices.filter((p) => p === platform || chosen.includes(p)) : chosen.filter((p) => p !== platform),
                  )
                }
              />
              <span className="mono">{platform}</span>
            </label>
          ))}
        </div>
      ) : null}
      {children}
      {error ? <span className="field-error">{error}</span> : null}
    </fieldset>
  )
}

export function ReferrersCheckbox({
  checked,
  disabled,
  onChange,
}: {
  checked: boolean
  disabled: boolean
  onChange: (checked: boolean) => void
}) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span>
        Include signatures, SBOMs and attestations
        <span className="field-hint block">Referrers of each image (OCI 1.1 and cosign’s sha256-….sig/.att tags) go with it.</span>
      </span>
    </label>
  )
}

// "Mirror repository…": every tag of a repository, or those a regular expression matches and that
// were pushed (or else built) recently, to any configured registry — or one added here — under
// the same names, as `berth sync` does (the same planCopy/startCopy sync, the same selection). The
// form counts the matching tags as they are typed; then the plan, the progress over all tags and
// the per-tag result (copy-flow.tsx).
import { useId, useMemo, useState } from 'react'
import type { RegistryView, TagDetails } from '../../../shared/types'
import { mirrorCount, mirrorPlatformChoices, whyNotADuration, whyNotATagPattern, type MirrorSourceTags } from '../model/mirror-form'
import { detailsOf } from '../model/tag-rows'
import { registryHost } from '../model/tag-summary'
import { useCopy } from '../stores/copy'
import { registryById, useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { RepositoryField } from './copy-dialog'
import { CopyFlow } from './copy-flow'
import { RegistryDialog } from './registry-dialog'
import { RegistryText } from './registry-text'
import './mirror-dialog.css'

const addRegistryValue = '\u0000add'

function plural(count: number, one: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : `${one}s`}`
}

interface MirrorDialogProps {
  registryId: string
  repository: string
  onClose: () => void
}

export function MirrorDialog({ registryId, repository, onClose }: MirrorDialogProps) {
  // Set up before the first render reads the store, so it never shows an earlier dialog's form.
  useState(() => useCopy.getState().openMirror({ registryId, repository }))
  const [addingRegistry, setAddingRegistry] = useState(false)
  const setMirror = useCopy((s) => s.setMirror)
  if (addingRegistry) {
    return (
      <RegistryDialog
        registryId={null}
        onClose={() => setAddingRegistry(false)}
        onAdded={(view: RegistryView) => setMirror({ registryId: view.id })}
      />
    )
  }
  return (
    <CopyFlow formTitle={`Mirror ${repository} to…`} onClose={onClose}>
      <MirrorFormView sourceRegistryId={registryId} sourceRepository={repository} onAddRegistry={() => setAddingRegistry(true)} />
    </CopyFlow>
  )
}

/** The details the table has read for this repository (cached or checked): enough for counts and platform names. */
function useSourceDetails(registryId: string, repository: string): ReadonlyMap<string, TagDetails> {
  const rows = useTags((s) => (s.registryId === registryId && s.repository === repository ? s.rows : null))
  return useMemo(() => {
    const details = new Map<string, TagDetails>()
    for (const [tag, row] of rows ?? []) {
      const read = detailsOf(row)
      if (read !== null) details.set(tag, read)
    }
    return details
  }, [rows])
}

function MirrorFormView({
  sourceRegistryId,
  sourceRepository,
  onAddRegistry,
}: {
  sourceRegistryId: string
  sourceRepository: string
  onAddRegistry: () => void
}) {
  const form = useCopy((s) => s.mirror)
  const errors = useCopy((s) => s.mirrorErrors)
  const setMirror = useCopy((s) => s.setMirror)
  const plan = useCopy((s) => s.plan)
  const busy = useCopy((s) => s.step.kind === 'planning')
  const listed = useCopy((s) => s.sourceTags)
  const registries = useRegistries((s) => s.registries)
  const source = registryById(registries, sourceRegistryId)
  const details = useSourceDetails(sourceRegistryId, sourceRepository)
  const ids = useId()
  const sourceTags: MirrorSourceTags = useMemo(() => ({ tags: listed.status === 'ready' ? listed.tags : [], details }), [listed, details])
  // What is typed is judged as it is typed; the button checks it all again.
  const patternProblem = whyNotATagPattern(form.tagPattern)
  const ageProblem = whyNotADuration(form.newerThan)
  const count = listed.status === 'ready' ? mirrorCount(sourceTags, form, Date.now()) : null
  const choices = mirrorPlatformChoices(sourceTags)

  return (
    <form
      className="form copy-form mirror-form"
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
        {listed.status === 'ready'
          ? `: ${plural(listed.tags.length, 'tag')}, each copied byte for byte under the same name`
          : listed.status === 'loading'
            ? ': listing its tags…'
            : `: its tags could not be listed (${listed.error.message})`}
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
            onChange={(e) => (e.target.value === addRegistryValue ? onAddRegistry() : setMirror({ registryId: e.target.value }))}
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
          sameAsSource={null}
          onChange={(value) => setMirror({ repository: value })}
        />
      </div>
      <div className="mirror-selection">
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-pattern`}>
            Tags matching
          </label>
          <input
            id={`${ids}-pattern`}
            className="input mono"
            value={form.tagPattern}
            disabled={busy}
            placeholder="every tag; e.g. ^v1\."
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={patternProblem !== null}
            aria-describedby={`${ids}-pattern-note`}
            onChange={(e) => setMirror({ tagPattern: e.target.value })}
          />
          {patternProblem !== null ? (
            <span id={`${ids}-pattern-note`} className="field-error" role="alert">
              {patternProblem}
            </span>
          ) : (
            <span id={`${ids}-pattern-note`} className="field-hint" role="status" aria-label="Matching tags">
              {count === null
                ? 'A regular expression, case-insensitive, anywhere in the tag (anchor with ^…$).'
                : `${count.matching.toLocaleString('en')} of ${count.total.toLocaleString('en')} tags match${
                    form.referrers && count.matching < count.total && form.tagPattern === ''
                      ? ' (signature and SBOM tags go with their images)'
                      : ''
                  }.`}
            </span>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-age`}>
            Newer than
          </label>
          <input
            id={`${ids}-age`}
            className="input mono"
            value={form.newerThan}
            disabled={busy}
            placeholder="any age; e.g. 30d"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={ageProblem !== null}
            onChange={(e) => setMirror({ newerThan: e.target.value })}
          />
          {ageProblem !== null ? (
            <span className="field-error" role="alert">
              {ageProblem}
            </span>
          ) : (
            <span className="field-hint">
              {count?.age
                ? count.age.known === count.matching
                  ? `${count.age.recent.toLocaleString('en')} of them pushed (or else built) within ${form.newerThan.trim()}.`
                  : `Of the ${plural(count.age.known, 'tag')} whose dates are read, ${count.age.recent.toLocaleString('en')} ` +
                    'are that recent; the plan reads every date.'
                : 'Pushed, or else built, within 12h, 7d, 2w, 1month…'}
            </span>
          )}
        </div>
      </div>
      <MirrorPlatforms choices={choices} disabled={busy} />
      <label className="checkbox">
        <input type="checkbox" checked={form.referrers} disabled={busy} onChange={(e) => setMirror({ referrers: e.target.checked })} />
        <span>
          Include signatures, SBOMs and attestations
          <span className="field-hint block">Referrers of each image (OCI 1.1 and cosign’s sha256-….sig/.att tags) go with it.</span>
        </span>
      </label>
      {/* Enter in a field plans, as the primary button does. */}
      <button type="submit" hidden />
    </form>
  )
}

function MirrorPlatforms({ choices, disabled }: { choices: string[]; disabled: boolean }) {
  const form = useCopy((s) => s.mirror)
  const errors = useCopy((s) => s.mirrorErrors)
  const setMirror = useCopy((s) => s.setMirror)
  const chosen = form.platforms
  const ids = useId()
  return (
    <fieldset className="field copy-platforms" disabled={disabled}>
      <legend className="field-label">Platforms</legend>
      <label className="radio">
        <input type="radio" name={`${ids}-platforms`} checked={chosen === null} onChange={() => setMirror({ platforms: null })} />
        <span>Every platform: each image keeps its digest</span>
      </label>
      <label className="radio">
        <input
          type="radio"
          name={`${ids}-platforms`}
          checked={chosen !== null}
          onChange={() => setMirror({ platforms: chosen ?? [...choices] })}
        />
        <span>Only some platforms</span>
      </label>
      {chosen !== null ? (
        <>
          {choices.length > 0 ? (
            <div className="copy-platform-list">
              {choices.map((platform) => (
                <label key={platform} className="checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.includes(platform)}
                    onChange={(e) =>
                      setMirror({
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
          <div className="field mirror-more-platforms">
            <label className="field-label" htmlFor={`${ids}-more`}>
              {choices.length > 0 ? 'Other platforms' : 'Platforms to mirror'}
            </label>
            <input
              id={`${ids}-more`}
              className="input mono"
              value={form.morePlatforms}
              placeholder="linux/arm64/v8 linux/amd64"
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              aria-invalid={errors.platforms !== undefined}
              onChange={(e) => setMirror({ morePlatforms: e.target.value })}
            />
          </div>
          <p className="copy-note warn" role="note">
            A subset makes a new index for each multi-platform image: its digest at the destination differs from the source’s, and
            signatures of the original index do not apply to it. A single-platform image of another platform is left out (the plan names
            it).
          </p>
        </>
      ) : null}
      {errors.platforms ? <span className="field-error">{errors.platforms}</span> : null}
    </fieldset>
  )
}

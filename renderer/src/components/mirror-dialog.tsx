// "Mirror repository…": every tag of a repository, or those a regular expression matches and that
// were pushed (or else built) recently, to any configured registry — or one added here — under
// the same names, as `berth sync` does (the same planCopy/startCopy sync, the same selection). The
// form counts the matching tags as they are typed; then the plan, the progress over all tags and
// the per-tag result (copy-flow.tsx).
import { useId, useMemo, useState } from 'react'
import type { TagDetails } from '../../../shared/types'
import { mirrorCount, mirrorPlatformChoices, whyNotADuration, whyNotATagPattern, type MirrorSourceTags } from '../model/mirror-form'
import { detailsOf } from '../model/tag-rows'
import { useCopy } from '../stores/copy'
import { useTags } from '../stores/tags'
import { DestinationFields, NameInput, PlanForm, PlatformFieldset, ReferrersCheckbox, SourceLine, useAddRegistry } from './copy-destination'
import { CopyFlow } from './copy-flow'
import './mirror-dialog.css'

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
  const setMirror = useCopy((s) => s.setMirror)
  const addingRegistry = useAddRegistry((id) => setMirror({ registryId: id }))
  if (addingRegistry.dialog) return addingRegistry.dialog
  return (
    <CopyFlow formTitle={`Mirror ${repository} to…`} onClose={onClose}>
      <MirrorFormView sourceRegistryId={registryId} sourceRepository={repository} onAddRegistry={addingRegistry.add} />
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
  const busy = useCopy((s) => s.step.kind === 'planning')
  const listed = useCopy((s) => s.sourceTags)
  const details = useSourceDetails(sourceRegistryId, sourceRepository)
  const ids = useId()
  const sourceTags: MirrorSourceTags = useMemo(() => ({ tags: listed.status === 'ready' ? listed.tags : [], details }), [listed, details])
  // What is typed is judged as it is typed; the button checks it all again.
  const patternProblem = whyNotATagPattern(form.tagPattern)
  const ageProblem = whyNotADuration(form.newerThan)
  const count = listed.status === 'ready' ? mirrorCount(sourceTags, form, Date.now()) : null
  const choices = mirrorPlatformChoices(sourceTags)

  return (
    <PlanForm className="form copy-form mirror-form">
      <SourceLine registryId={sourceRegistryId} repository={sourceRepository}>
        {listed.status === 'ready'
          ? `: ${plural(listed.tags.length, 'tag')}, each copied byte for byte under the same name`
          : listed.status === 'loading'
            ? ': listing its tags…'
            : `: its tags could not be listed (${listed.error.message})`}
      </SourceLine>
      <DestinationFields
        ids={ids}
        form={form}
        errors={errors}
        disabled={busy}
        sameAsSource={null}
        onAddRegistry={onAddRegistry}
        onChange={setMirror}
      />
      <div className="mirror-selection">
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-pattern`}>
            Tags matching
          </label>
          <NameInput
            id={`${ids}-pattern`}
            value={form.tagPattern}
            disabled={busy}
            placeholder="every tag; e.g. ^v1\."
            invalid={patternProblem !== null}
            aria-describedby={`${ids}-pattern-note`}
            onValue={(value) => setMirror({ tagPattern: value })}
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
          <NameInput
            id={`${ids}-age`}
            value={form.newerThan}
            disabled={busy}
            placeholder="any age; e.g. 30d"
            invalid={ageProblem !== null}
            onValue={(value) => setMirror({ newerThan: value })}
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
      <ReferrersCheckbox checked={form.referrers} disabled={busy} onChange={(checked) => setMirror({ referrers: checked })} />
    </PlanForm>
  )
}

function MirrorPlatforms({ choices, disabled }: { choices: string[]; disabled: boolean }) {
  const form = useCopy((s) => s.mirror)
  const errors = useCopy((s) => s.mirrorErrors)
  const setMirror = useCopy((s) => s.setMirror)
  const chosen = form.platforms
  const ids = useId()
  return (
    <PlatformFieldset
      name={`${ids}-platforms`}
      everyLabel="Every platform: each image keeps its digest"
      choices={choices}
      chosen={chosen}
      disabled={disabled}
      error={errors.platforms}
      onChange={(platforms) => setMirror({ platforms })}
    >
      {chosen !== null ? (
        <>
          <div className="field mirror-more-platforms">
            <label className="field-label" htmlFor={`${ids}-more`}>
              {choices.length > 0 ? 'Other platforms' : 'Platforms to mirror'}
            </label>
            <NameInput
              id={`${ids}-more`}
              value={form.morePlatforms}
              placeholder="linux/arm64/v8 linux/amd64"
              invalid={errors.platforms !== undefined}
              onValue={(value) => setMirror({ morePlatforms: value })}
            />
          </div>
          <p className="copy-note warn" role="note">
            A subset makes a new index for each multi-platform image: its digest at the destination differs from the source’s, and
            signatures of the original index do not apply to it. A single-platform image of another platform is left out (the plan names
            it).
          </p>
        </>
      ) : null}
    </PlatformFieldset>
  )
}

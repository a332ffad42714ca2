// The frame the copy, add-tag and mirror dialogs share: the form (each dialog its own), then the
// plan (copy-steps.tsx, or mirror-steps.tsx's per-tag table), the progress and the result, with the
// buttons of each step. The plan is confirmed as shown:
// its destination digests go with the copy, and a tag that points elsewhere moves only once the
// user ticked the overwrite.
import { useState, type ReactNode } from 'react'
import { useCopy } from '../stores/copy'
import { useView } from '../stores/view'
import { useTags } from '../stores/tags'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import { conflictsOf, planUpToDate, PlanView, ProgressView, ResultView, resultTitle } from './copy-steps'
import { MirrorPlanView, MirrorResultView, mirrorResultTitle } from './mirror-steps'
import './copy-dialog.css'

interface CopyFlowProps {
  /** The dialog's title while the form shows. */
  formTitle: string
  /** The form itself. */
  children: ReactNode
  onClose: () => void
}

export function CopyFlow({ formTitle, children, onClose }: CopyFlowProps) {
  const step = useCopy((s) => s.step)
  const kind = useCopy((s) => s.kind)
  const plan = useCopy((s) => s.plan)
  const edit = useCopy((s) => s.edit)
  const start = useCopy((s) => s.start)
  const cancel = useCopy((s) => s.cancel)
  const close = useCopy((s) => s.close)
  const [force, setForce] = useState(false)
  const retag = kind === 'tag'
  const mirror = kind === 'mirror'

  const replan = () => {
    setForce(false)
    void plan()
  }
  const dismiss = () => {
    close()
    onClose()
  }

  let title = formTitle
  let body: ReactNode = children
  let actions: ReactNode
  switch (step.kind) {
    case 'form':
    case 'planning':
      body = (
        <>
          {children}
          {step.kind === 'form' && step.error ? <ErrorView error={step.error} onRetry={() => void plan()} compact /> : null}
        </>
      )
      actions = (
        <>
          <button type="button" className="button" onClick={dismiss}>
            Cancel
          </button>
          <button type="button" className="button primary" disabled={step.kind === 'planning'} onClick={() => void plan()}>
            {step.kind === 'planning'
              ? mirror
                ? 'Comparing every tag with the destination…'
                : 'Looking at the destination…'
              : retag
                ? 'Review tags…'
                : mirror
                  ? 'Review mirror…'
                  : 'Review copy…'}
          </button>
        </>
      )
      break
    case 'plan': {
      const conflicts = conflictsOf(step.plan)
      const skipped = force ? 0 : step.plan.items.filter((item) => !item.writable).length
      const upToDate = planUpToDate(step.plan)
      const writing = step.plan.items.length - skipped
      const where = `${step.plan.destination.registry}/${step.plan.destination.repository}`
      title = retag ? `Add tags in ${step.plan.destination.repository}` : mirror ? `Mirror to ${where}` : `Copy to ${where}`
      body = mirror ? (
        <MirrorPlanView plan={step.plan} request={step.request} force={force} onForce={setForce} />
      ) : (
        <PlanView plan={step.plan} images={step.images} force={force} onForce={setForce} />
      )
      actions = (
        <>
          <button
            type="button"
            className="button push-left"
            onClick={() => {
              setForce(false)
              edit()
            }}
          >
            Back
          </button>
          <button type="button" className="button" onClick={dismiss}>
            Cancel
          </button>
          <button
            type="button"
            className={conflicts.length > 0 && force ? 'button danger' : 'button primary'}
            disabled={step.plan.items.length === 0 || upToDate || writing === 0}
            onClick={() => void start(force)}
          >
            {step.plan.items.length === 0
              ? 'Nothing to mirror'
              : upToDate
                ? 'Already up to date'
                : writing === 0
                  ? 'Tick the overwrite to go on'
                  : mirror
                    ? mirrorLabel(step.plan.items.length, writing, conflicts.length > 0 && force)
                    : confirmLabel(retag, step.plan.items.length, writing, conflicts.length > 0 && force)}
          </button>
        </>
      )
      break
    }
    case 'running':
      title = retag
        ? 'Adding tags…'
        : `${mirror ? 'Mirroring' : 'Copying'} to ${step.plan.destination.registry}/${step.plan.destination.repository}…`
      body = <ProgressView progress={step.progress} images={step.images} cancelling={step.cancelling} />
      actions = (
        <>
          <button
            type="button"
            className="button"
            onClick={dismiss}
            title="Close this dialog: the copy goes on, and Berth says when it ends"
          >
            Run in background
          </button>
          <button type="button" className="button danger-outline" disabled={step.cancelling} onClick={cancel}>
            {step.cancelling ? 'Cancelling…' : mirror ? 'Cancel mirror' : 'Cancel copy'}
          </button>
        </>
      )
      break
    case 'done':
      title = mirror ? mirrorResultTitle(step.result) : resultTitle(step.result, retag)
      body = mirror ? <MirrorResultView result={step.result} /> : <ResultView result={step.result} images={step.images} />
      actions = (
        <>
          {!step.result.complete ? (
            <button type="button" className="button push-left" onClick={replan} title="Plan again: what arrived is skipped">
              Plan again
            </button>
          ) : null}
          {!retag && step.result.totals.copied + step.result.totals.upToDate > 0 ? (
            <OpenDestination
              registryId={step.request.destination.registryId}
              repository={step.request.destination.repository}
              onOpen={dismiss}
            />
          ) : null}
          <button type="button" className="button primary" onClick={dismiss}>
            Close
          </button>
        </>
      )
      break
    case 'failed':
      title = retag ? 'Adding tags failed' : mirror ? 'Mirror failed' : 'Copy failed'
      body = <ErrorView error={step.error} compact />
      actions = (
        <>
          <button type="button" className="button push-left" onClick={replan}>
            Plan again
          </button>
          <button type="button" className="button primary" onClick={dismiss}>
            Close
          </button>
        </>
      )
      break
  }
  return (
    <Modal title={title} onClose={dismiss} wide>
      <div className={`copy-dialog step-${step.kind}`}>{body}</div>
      <div className="dialog-actions">{actions}</div>
    </Modal>
  )
}

function confirmLabel(retag: boolean, total: number, writing: number, overwriting: boolean): string {
  const verb = overwriting ? (retag ? 'Overwrite and tag' : 'Overwrite and copy') : retag ? 'Add tags' : 'Copy'
  if (writing === total) return total === 1 || retag ? verb : `${verb} ${total} images`
  return `${verb} ${writing} of ${total}`
}

function mirrorLabel(total: number, writing: number, overwriting: boolean): string {
  const verb = overwriting ? 'Overwrite and mirror' : 'Mirror'
  const tags = (count: number): string => `${count.toLocaleString('en')} ${count === 1 ? 'tag' : 'tags'}`
  return writing === total ? `${verb} ${tags(total)}` : `${verb} ${writing} of ${tags(total)}`
}

/** Shows the destination repository in the main view, unless it is the one on screen. */
function OpenDestination({ registryId, repository, onOpen }: { registryId: string; repository: string; onOpen: () => void }) {
  const onScreen = useTags((s) => s.registryId === registryId && s.repository === repository)
  const update = useView((s) => s.update)
  if (onScreen) return null
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        update({ registryId, repository, tag: null })
        onOpen()
      }}
    >
      Open {repository}
    </button>
  )
}

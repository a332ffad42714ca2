// "Use in CI / Kubernetes…": pull credentials for one registry (from its menu) or one image (from a
// tag: the image filled in by the digest the registry confirmed). The preview always shows the
// variables form, generated here (shared/ci-auth.ts); copying with a real secret is done by main,
// which puts the text on the clipboard and clears it after 60 s: the secret never reaches this page.
// In web mode only the variables form is offered, and the CLI is named for the real one.
import { useEffect, useMemo, useState } from 'react'
import type { BerthErrorData } from '../../../shared/errors'
import type { CiAuthInfo, CiCredentialChoice } from '../../../shared/ci-auth-api'
import { leastPrivilegeAdvice } from '../../../shared/ci-auth-api'
import { generateCiAuth } from '../../../shared/ci-auth'
import {
  ciAuthFormatLabels,
  ciAuthFormats,
  ciTargetFor,
  defaultSecretName,
  isSecretFormat,
  type CiAuthFormat,
} from '../../../shared/ci-auth-input'
import { copyCiSecret, copyCiText, forgetCiCredential, loadCiAuthInfo } from '../stores/actions/ci-auth'
import { registryById, useRegistries } from '../stores/registries'
import { CredentialPicker, type CredentialPick } from './ci-auth-credential'
import { ErrorView } from './error-view'
import { Modal } from './modal'
import './ci-auth-dialog.css'

interface CiAuthDialogProps {
  registryId: string
  /** From a tag: the image, by a digest the registry confirmed. */
  image?: { repository: string; digest: string; tag?: string | undefined } | undefined
  onClose: () => void
}

type InfoState = { kind: 'loading' } | { kind: 'ready'; info: CiAuthInfo } | { kind: 'error'; error: BerthErrorData }

export function CiAuthDialog({ registryId, image, onClose }: CiAuthDialogProps) {
  const registry = useRegistries((s) => registryById(s.registries, registryId))
  const target = useMemo(() => (registry ? ciTargetFor(registry.url, registry.kind) : null), [registry])
  const [state, setState] = useState<InfoState>({ kind: 'loading' })
  const [format, setFormat] = useState<CiAuthFormat>(image ? 'image-pull-secrets' : 'kubectl')
  const [name, setName] = useState(() => (target ? defaultSecretName(target) : 'registry-pull'))
  const [namespace, setNamespace] = useState('')
  const [pick, setPick] = useState<CredentialPick>({ kind: 'variables' })
  const [copying, setCopying] = useState(false)
  const [copyError, setCopyError] = useState<BerthErrorData | null>(null)

  const load = async () => {
    setState({ kind: 'loading' })
    const result = await loadCiAuthInfo(registryId)
    setState(result.ok ? { kind: 'ready', info: result.value } : { kind: 'error', error: result.error })
  }
  useEffect(() => {
    void load()
  }, [registryId])

  // The credential main holds for this dialog: dropped when the dialog closes or another is pasted.
  const [held, setHeld] = useState<Extract<CredentialPick, { kind: 'held' }> | null>(null)
  const heldId = held?.held.credentialId ?? null
  useEffect(() => (heldId === null ? undefined : () => forgetCiCredential(heldId)), [heldId])
  const choose = (next: CredentialPick) => {
    if (next.kind === 'held') setHeld(next)
    setPick(next)
  }

  const preview = useMemo(() => {
    if (target === null) return null
    try {
      const output = generateCiAuth({ target, format, name, namespace, image, credential: { kind: 'variables' } })
      return { ok: true as const, output }
    } catch (error) {
      return { ok: false as const, message: error instanceof Error ? error.message : String(error) }
    }
  }, [target, format, name, namespace, image])

  const choice: CiCredentialChoice | null =
    pick.kind === 'variables' ? null : pick.kind === 'held' ? { kind: 'held', credentialId: pick.held.credentialId } : { kind: pick.kind }
  const realCopy = choice !== null && isSecretFormat(format) && state.kind === 'ready' && state.info.realValues.available

  const copy = async () => {
    if (!preview?.ok) return
    setCopyError(null)
    if (!realCopy || choice === null || !isSecretFormat(format)) return copyCiText(preview.output.text, preview.output.label)
    setCopying(true)
    const result = await copyCiSecret(registryId, format, name, namespace, choice)
    setCopying(false)
    if (!result.ok) setCopyError(result.error)
  }

  const title = image
    ? `Use ${image.repository}${image.tag ? `:${image.tag}` : ''} in CI / Kubernetes`
    : `Use ${registry?.name ?? registryId} in CI / Kubernetes`
  return (
    <Modal
      title={title}
      description={
        <>
          Pull credentials for <span className="mono">{target?.host ?? registryId}</span>
          {target?.dockerHub ? ' (Docker Hub)' : ''}, written the way each client looks them up.
        </>
      }
      onClose={onClose}
      busy={copying}
      wide
    >
      <div className="form ci-auth">
        <div className="ci-auth-formats" role="radiogroup" aria-label="Output">
          {ciAuthFormats.map((each) => (
            <button
              key={each}
              type="button"
              role="radio"
              aria-checked={format === each}
              className="button small"
              onClick={() => setFormat(each)}
            >
              {ciAuthFormatLabels[each]}
            </button>
          ))}
        </div>
        <div className="ci-auth-names">
          <label className="field">
            <span className="field-label">Secret name</span>
            <input className="input mono" value={name} onChange={(e) => setName(e.target.value.trim())} />
          </label>
          <label className="field">
            <span className="field-label">Namespace</span>
            <input
              className="input mono"
              placeholder="kubectl’s current one"
              value={namespace}
              onChange={(e) => setNamespace(e.target.value.trim())}
            />
          </label>
        </div>
        {state.kind === 'loading' ? <p className="muted">Reading what this registry offers…</p> : null}
        {state.kind === 'error' ? <ErrorView error={state.error} onRetry={() => void load()} compact /> : null}
        {state.kind === 'ready' ? (
          <CredentialPicker
            info={state.info}
            pick={pick}
            held={held}
            onPick={choose}
            suggestedProject={projectOf(image?.repository)}
            cliCommand={cliFor(state.info, format, target && name !== defaultSecretName(target) ? name : '', namespace, image)}
          />
        ) : null}
        {preview?.ok === false ? (
          <p className="field-error" role="alert">
            {preview.message}
          </p>
        ) : null}
        {preview?.ok ? (
          <>
            <pre className="code-block ci-auth-preview" dir="ltr" aria-label={`${preview.output.label} preview`}>
              {preview.output.text}
            </pre>
            <p className="field-hint">{hintFor(format, pick, realCopy)}</p>
          </>
        ) : null}
        {copyError ? <ErrorView error={copyError} compact /> : null}
        <details className="ci-auth-advice">
          <summary>Which credential should CI or a cluster use?</summary>
          <ul>
            {leastPrivilegeAdvice.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={copying}>
          Close
        </button>
        <button type="button" className="button primary" disabled={!preview?.ok || copying} onClick={() => void copy()}>
          {realCopy ? 'Copy with the real secret' : 'Copy'}
        </button>
      </div>
    </Modal>
  )
}

function hintFor(format: CiAuthFormat, pick: CredentialPick, realCopy: boolean): string {
  if (!isSecretFormat(format)) return 'This output holds no secret: it names the variables or the pull Secret.'
  if (realCopy) {
    return `The preview shows variables; Copy puts the same text with ${pick.kind === 'variables' ? '' : 'the real secret of '}${
      pick.kind === 'held' ? pick.held.username : pick.kind === 'variables' ? '' : pick.username
    } on the clipboard, cleared after 60 s.`
  }
  return 'Set CI_DEPLOY_USER and CI_DEPLOY_PASSWORD where this runs (GitLab sets them from a deploy token named gitlab-deploy-token).'
}

/** The `berth ci-auth` line that prints what the dialog shows, with the real values. */
function cliFor(info: CiAuthInfo, format: CiAuthFormat, name: string, namespace: string, image: CiAuthDialogProps['image']): string {
  const base = info.realValues.available ? '' : info.realValues.cli.replace(/ --format \S+$/, '')
  const flags = [`--format ${format}`]
  if (name !== '') flags.push(`--name ${name}`)
  if (namespace !== '') flags.push(`--namespace ${namespace}`)
  if (image && format === 'image-pull-secrets') flags.push(`--image ${image.repository}@${image.digest}`)
  return `${base} ${flags.join(' ')}`
}

/** group/project of a GitLab image path (group/project[/image]): the likeliest owner of a deploy token. */
function projectOf(repository: string | undefined): string {
  if (!repository) return ''
  const parts = repository.split('/')
  return parts.length >= 2 ? parts.slice(0, 2).join('/') : repository
}

// Every pull command for the selected tag (shared/pull-commands.ts) in one dropdown, for the tool that
// fits what it holds (docker for images, helm for charts, oras for other artifacts); each copy is
// confirmed by a toast, because a silent clipboard write looks like nothing happened.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { artifactLabel, type ArtifactInfo } from '../../../shared/artifact-kind'
import { helmVersionForTag, pullCommands, type PullCommand } from '../../../shared/pull-commands'
import { registryHost } from '../model/tag-summary'
import { showToast } from '../stores/toasts'
import { useDialogs } from '../stores/dialogs'
import { ChevronDownIcon, CopyIcon } from './icons'
import './copy-menu.css'

export async function copyText(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    showToast({ kind: 'success', title: `Copied ${what}`, detail: text })
  } catch (error) {
    showToast({ kind: 'error', title: 'Could not copy to the clipboard', detail: error instanceof Error ? error.message : String(error) })
  }
}

interface CopyMenuProps {
  /** With it, the menu also opens "Use in CI / Kubernetes…" for this image (once its digest is confirmed). */
  registryId?: string
  registryUrl: string
  repository: string
  tag: string | null
  digest: string | null
  /** What the tag holds (shared/artifact-kind.ts); null until the registry said: only the plain references then. */
  artifact: ArtifactInfo | null
}

function commandsFor(
  registryUrl: string,
  repository: string,
  tag: string,
  digest: string | null,
  artifact: ArtifactInfo | null,
): PullCommand[] {
  return pullCommands({
    registryHost: registryHost(registryUrl),
    repository,
    tag,
    ...(digest !== null ? { digest } : {}),
    artifact,
    // helm and oras do not fall back to plain HTTP by themselves: the command must say it.
    plainHttp: registryUrl.startsWith('http:'),
  })
}

export function CopyMenu({ registryId, registryUrl, repository, tag, digest, artifact }: CopyMenuProps) {
  const openDialog = useDialogs((s) => s.open)
  const disabled = tag === null || registryUrl === ''
  const commands = disabled ? [] : commandsFor(registryUrl, repository, tag, digest, artifact)
  // Pull secrets are for images a cluster runs; a chart or an SBOM is not pulled by the kubelet.
  const mayBeImage = artifact === null || artifact.kind === 'image'
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="button"
          disabled={disabled}
          title={disabled ? 'Select one tag to copy its pull commands' : undefined}
        >
          <CopyIcon /> Copy <ChevronDownIcon />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu copy-menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="menu-label">Copy to clipboard</DropdownMenu.Label>
          {artifact !== null && artifact.kind !== 'image' && !disabled ? (
            <div className="menu-note copy-kind" dir="auto">
              {artifactLabel(artifact)}
            </div>
          ) : null}
          {commands.map((c) => (
            <DropdownMenu.Item key={c.id} className="menu-item copy-item" onSelect={() => void copyText(c.command, c.label)}>
              <span className="copy-label">{c.label}</span>
              <span className="copy-command mono" dir="auto">
                {c.command}
              </span>
            </DropdownMenu.Item>
          ))}
          {artifact === null && !disabled ? (
            <div className="menu-note">Pull commands appear once the registry has said what this tag holds (an image, a Helm chart…).</div>
          ) : digest === null && !disabled ? (
            <div className="menu-note">By-digest commands appear once the registry has confirmed the tag’s digest.</div>
          ) : null}
          {artifact?.kind === 'helm-chart' && tag !== null && helmVersionForTag(tag) === null && !disabled ? (
            <div className="menu-note">Helm pulls a chart by version, and this tag is not one: by digest only.</div>
          ) : null}
          {registryId !== undefined && !disabled && mayBeImage ? (
            <>
              <DropdownMenu.Separator className="menu-separator" />
              <DropdownMenu.Item
                className="menu-item"
                disabled={digest === null}
                onSelect={() => {
                  if (digest !== null)
                    openDialog({ kind: 'ci-auth', registryId, image: { repository, digest, ...(tag !== null ? { tag } : {}) } })
                }}
              >
                Use in CI / Kubernetes…
              </DropdownMenu.Item>
            </>
          ) : null}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}

/**
 * What Ctrl/Cmd+C on a selected row copies: the first command that fits what the tag holds (`docker
 * pull`, `helm pull`, `oras pull`), or its plain reference while that is not known.
 */
export function primaryPullCommand(
  registryUrl: string,
  repository: string,
  tag: string,
  artifact: ArtifactInfo | null,
): PullCommand | null {
  return commandsFor(registryUrl, repository, tag, null, artifact)[0] ?? null
}

// Every pull command for the selected tag (shared/pull-commands.ts) in one dropdown; each copy is
// confirmed by a toast, because a silent clipboard write looks like nothing happened.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { pullCommands } from '../../../shared/pull-commands'
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
}

export function CopyMenu({ registryId, registryUrl, repository, tag, digest }: CopyMenuProps) {
  const openDialog = useDialogs((s) => s.open)
  const disabled = tag === null || registryUrl === ''
  const commands = disabled ? [] : pullCommands({ registryHost: registryHost(registryUrl), repository, tag, digest: digest ?? undefined })
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
          {commands.map((c) => (
            <DropdownMenu.Item key={c.id} className="menu-item copy-item" onSelect={() => void copyText(c.command, c.label)}>
              <span className="copy-label">{c.label}</span>
              <span className="copy-command mono" dir="auto">
                {c.command}
              </span>
            </DropdownMenu.Item>
          ))}
          {digest === null && !disabled ? (
            <div className="menu-note">By-digest commands appear once the registry has confirmed the tag’s digest.</div>
          ) : null}
          {registryId !== undefined && !disabled ? (
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

/** The plain `docker pull` line, for Ctrl/Cmd+C on a selected row. */
export function dockerPullCommand(registryUrl: string, repository: string, tag: string): string | null {
  return pullCommands({ registryHost: registryHost(registryUrl), repository, tag }).find((c) => c.id === 'docker')?.command ?? null
}

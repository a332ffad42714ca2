// "Copy link": the view (toolbar) or a tag and its digest (details panel) as links someone else can
// open (model/share-links.ts). Each copy is confirmed by a toast, like the pull commands beside it.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { shareLinks, webBaseOf, type LinkPlace } from '../model/share-links'
import { copyText } from './copy-menu'
import { ChevronDownIcon, LinkIcon } from './icons'
// The same menu rows as the pull commands: a label over a one-line value.
import './copy-menu.css'

export interface LinkTarget {
  /** "this view", "this tag", "this digest": the group heading says what the link opens. */
  what: string
  place: LinkPlace
}

/** `compact`: the icon alone (the details panel's header is narrow); its accessible name stays "Copy link". */
export function LinkMenu({
  registryUrl,
  targets,
  compact = false,
}: {
  registryUrl: string | undefined
  targets: readonly LinkTarget[]
  compact?: boolean
}) {
  const webBase = webBaseOf(window.location, window.berth !== undefined)
  const groups = targets
    .map((target) => ({ what: target.what, links: shareLinks(registryUrl, target.place, webBase) }))
    .filter((group) => group.links.length > 0)
  const disabled = groups.length === 0
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="button"
          disabled={disabled}
          aria-label="Copy link"
          title={disabled ? 'This registry has no address a link can name' : 'Copy a link that opens this view'}
        >
          <LinkIcon />
          {compact ? null : ' Copy link '}
          <ChevronDownIcon />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu copy-menu" align="end" sideOffset={4}>
          {groups.map((group) => (
            <DropdownMenu.Group key={group.what}>
              <DropdownMenu.Label className="menu-label">Link to {group.what}</DropdownMenu.Label>
              {group.links.map((link) => (
                <DropdownMenu.Item
                  key={link.id}
                  className="menu-item copy-item"
                  data-link={link.id}
                  onSelect={() => void copyText(link.url, link.label.toLowerCase())}
                >
                  <span className="copy-label">{link.label}</span>
                  <span className="copy-command mono" dir="ltr">
                    {link.url}
                  </span>
                </DropdownMenu.Item>
              ))}
            </DropdownMenu.Group>
          ))}
          <div className="menu-note">
            A Berth link opens in the Berth app of anyone who can reach this registry.
            {webBase !== null ? ' A link for this browser opens in another tab while this berth web runs.' : ''}
          </div>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}

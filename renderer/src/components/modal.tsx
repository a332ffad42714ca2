// The frame every dialog shares: Radix handles focus trapping, Escape and aria wiring.
import * as Dialog from '@radix-ui/react-dialog'
import type { ReactNode } from 'react'
import { CloseIcon } from './icons'
import './modal.css'

interface ModalProps {
  title: string
  description?: ReactNode
  onClose: () => void
  /** While busy, Escape and outside clicks do not close (a request is in flight). */
  busy?: boolean
  wide?: boolean
  children: ReactNode
}

export function Modal({ title, description, onClose, busy = false, wide = false, children }: ModalProps) {
  return (
    <Dialog.Root open onOpenChange={(open) => !open && !busy && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className={wide ? 'dialog wide' : 'dialog'}>
          <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          {description ? (
            <Dialog.Description className="dialog-description">{description}</Dialog.Description>
          ) : (
            <Dialog.Description className="visually-hidden">{title}</Dialog.Description>
          )}
          {children}
          <Dialog.Close asChild>
            <button type="button" className="icon-button dialog-close" aria-label="Close" disabled={busy}>
              <CloseIcon />
            </button>
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

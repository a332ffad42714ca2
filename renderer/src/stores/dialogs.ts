// Which modal is open. One at a time: Radix dialogs trap focus, and two would fight over it.
import { create } from 'zustand'

export type DialogState =
  /** `address`: a new registry pre-filled with the address a link named. */
  | { kind: 'registry'; registryId: string | null; address?: string }
  | { kind: 'import-logins' }
  | { kind: 'add-repository'; registryId: string }
  | { kind: 'delete'; registryId: string; repository: string; tags: string[] }
  /** `selection` null = the whole repository. */
  | { kind: 'cleanup'; registryId: string; repository: string; selection: string[] | null }
  | { kind: 'remove-registry'; registryId: string }

interface DialogStore {
  dialog: DialogState | null
  open: (dialog: DialogState) => void
  close: () => void
}

export const useDialogs = create<DialogStore>()((set) => ({
  dialog: null,
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null }),
}))

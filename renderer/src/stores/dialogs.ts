// Which modal is open. One at a time: Radix dialogs trap focus, and two would fight over it.
import { create } from 'zustand'
import type { CopySourceImage } from '../model/copy-form'

export type DialogState =
  /** `address`: a new registry pre-filled with the address a link named. */
  | { kind: 'registry'; registryId: string | null; address?: string }
  | { kind: 'import-logins' }
  | { kind: 'add-repository'; registryId: string }
  | { kind: 'delete'; registryId: string; repository: string; tags: string[] }
  /** `selection` null = the whole repository. */
  | { kind: 'cleanup'; registryId: string; repository: string; selection: string[] | null }
  | { kind: 'remove-registry'; registryId: string }
  /** Pull credentials for CI and Kubernetes; from a tag, `image` carries the digest the registry confirmed. */
  | { kind: 'ci-auth'; registryId: string; image?: { repository: string; digest: string; tag?: string } }
  /** The registry's audit log: deletes, copies, tag writes, GitLab cleanups. */
  | { kind: 'audit'; registryId: string }
  | { kind: 'shortcuts' }
  /** What the registry (`repository` null) or one repository uses on disk. */
  | { kind: 'storage'; registryId: string; repository: string | null }
  /** More tags in the same repository, or a copy elsewhere: `images` carry the digests the registry confirmed. */
  | { kind: 'add-tag'; registryId: string; repository: string; images: CopySourceImage[] }
  | { kind: 'copy'; registryId: string; repository: string; images: CopySourceImage[] }
  /** A whole repository (or the tags a pattern and an age pick) to another repository or registry, as `berth sync`. */
  | { kind: 'mirror'; registryId: string; repository: string }
  /** The public keys that verify cosign signatures on a registry (`berth keys`). */
  | { kind: 'signature-keys'; registryId: string }

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

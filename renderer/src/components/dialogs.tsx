import { useDialogs } from '../stores/dialogs'
import { AddTagDialog } from './add-tag-dialog'
import { AuditDialog } from './audit-dialog'
import { CiAuthDialog } from './ci-auth-dialog'
import { CleanupDialog } from './cleanup-dialog'
import { CopyDialog } from './copy-dialog'
import { DeleteDialog } from './delete-dialog'
import { ImportLoginsDialog } from './import-logins-dialog'
import { MirrorDialog } from './mirror-dialog'
import { RegistryDialog } from './registry-dialog'
import { ShortcutsDialog } from './shortcuts-dialog'
import { SignatureKeysDialog } from './signature-keys-dialog'
import { StorageView } from './storage-view'
import { AddRepositoryDialog, RemoveRegistryDialog } from './simple-dialogs'

export function Dialogs() {
  const dialog = useDialogs((s) => s.dialog)
  const close = useDialogs((s) => s.close)
  if (dialog === null) return null
  switch (dialog.kind) {
    case 'registry':
      return <RegistryDialog registryId={dialog.registryId} initialAddress={dialog.address} onClose={close} />
    case 'import-logins':
      return <ImportLoginsDialog onClose={close} />
    case 'add-repository':
      return <AddRepositoryDialog registryId={dialog.registryId} onClose={close} />
    case 'remove-registry':
      return <RemoveRegistryDialog registryId={dialog.registryId} onClose={close} />
    case 'delete':
      return <DeleteDialog registryId={dialog.registryId} repository={dialog.repository} tags={dialog.tags} onClose={close} />
    case 'cleanup':
      return <CleanupDialog registryId={dialog.registryId} repository={dialog.repository} selection={dialog.selection} onClose={close} />
    case 'ci-auth':
      return <CiAuthDialog registryId={dialog.registryId} image={dialog.image} onClose={close} />
    case 'audit':
      return <AuditDialog registryId={dialog.registryId} onClose={close} />
    case 'shortcuts':
      return <ShortcutsDialog onClose={close} />
    case 'storage':
      return <StorageView registryId={dialog.registryId} repository={dialog.repository} onClose={close} />
    case 'add-tag':
      return <AddTagDialog registryId={dialog.registryId} repository={dialog.repository} images={dialog.images} onClose={close} />
    case 'copy':
      return <CopyDialog registryId={dialog.registryId} repository={dialog.repository} images={dialog.images} onClose={close} />
    case 'mirror':
      return <MirrorDialog registryId={dialog.registryId} repository={dialog.repository} onClose={close} />
    case 'signature-keys':
      return <SignatureKeysDialog registryId={dialog.registryId} onClose={close} />
  }
}

// Importing docker/podman logins: main reads the configs and copies the chosen credentials into the
// keychain; the renderer sees only hosts and user names.
import type { ApiResponses, IpcResult } from '../../../../shared/ipc'
import { call } from '../../api/call'
import { useRegistries } from '../registries'
import { showToast } from '../toasts'

export function scanDockerLogins(): Promise<IpcResult<ApiResponses['scanDockerLogins']>> {
  return call('scanDockerLogins', {})
}

/** Imports the chosen logins and shows the registries they became. */
export async function importDockerLogins(keys: string[]): Promise<IpcResult<ApiResponses['importDockerLogins']>> {
  const result = await call('importDockerLogins', { keys })
  if (!result.ok) return result
  for (const view of result.value) useRegistries.getState().upsert(view)
  showToast({ kind: 'success', title: `Imported ${result.value.length} registr${result.value.length === 1 ? 'y' : 'ies'}` })
  return result
}

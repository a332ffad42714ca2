// The "Use in CI / Kubernetes…" dialog's calls. The variables form is generated here in the renderer
// (shared/ci-auth.ts, no secret in it) and copied like any text; the real-secret form is assembled
// and copied by main (copyCiAuth), so the secret never comes back. A pasted token goes to main once
// (holdCiCredential) and is referred to by id from then on.
import type { ApiRequests, ApiResponses, IpcResult } from '../../../../shared/ipc'
import type { CiCredentialChoice } from '../../../../shared/ci-auth-api'
import type { CiAuthSecretFormat } from '../../../../shared/ci-auth-input'
import { call } from '../../api/call'
import { showToast } from '../toasts'

export function loadCiAuthInfo(registryId: string): Promise<IpcResult<ApiResponses['ciAuthInfo']>> {
  return call('ciAuthInfo', { registryId })
}

export function holdCiCredential(
  registryId: string,
  username: string,
  secret: string,
  save: boolean,
): Promise<IpcResult<ApiResponses['holdCiCredential']>> {
  return call('holdCiCredential', { registryId, username, secret, save })
}

export async function createDeployToken(request: ApiRequests['createDeployToken']): Promise<IpcResult<ApiResponses['createDeployToken']>> {
  const result = await call('createDeployToken', request)
  if (result.ok) {
    showToast({
      kind: 'success',
      title: `Created deploy token ${result.value.deployToken.name}`,
      detail:
        `${result.value.username} · read_registry · Berth holds it until this dialog closes` +
        (result.value.saved ? ' and kept it in the keychain' : ''),
    })
  }
  return result
}

/** Text without a secret (variables, manifests): straight to the clipboard, confirmed by a toast. */
export async function copyCiText(text: string, label: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    showToast({ kind: 'success', title: `Copied ${label}`, detail: 'With variables: no secret in it.' })
  } catch (error) {
    showToast({ kind: 'error', title: 'Could not copy to the clipboard', detail: error instanceof Error ? error.message : String(error) })
  }
}

/** Main puts the text with the real secret on the clipboard; the renderer learns only that it did. */
export async function copyCiSecret(
  registryId: string,
  format: CiAuthSecretFormat,
  name: string,
  namespace: string,
  credential: CiCredentialChoice,
): Promise<IpcResult<ApiResponses['copyCiAuth']>> {
  const result = await call('copyCiAuth', { registryId, format, name, ...(namespace !== '' ? { namespace } : {}), credential })
  if (result.ok) {
    showToast({
      kind: 'success',
      title: `Copied ${result.value.label} with the real secret`,
      detail: `Paste it where it goes now: the clipboard is cleared in ${result.value.clearsAfterSeconds} s.`,
    })
  }
  return result
}

/** The dialog closed: main forgets the credential it held for it. */
export function forgetCiCredential(credentialId: string): void {
  void call('forgetCiCredential', { credentialId })
}

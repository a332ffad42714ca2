// The CI / Kubernetes credentials methods of the harness's fake Api, answering as main does in the
// desktop app: usernames and abilities only; a pasted or created credential is "held" under an id;
// a copy with real values is answered (main would put it on the clipboard) and never returns text.
import { BerthError } from '../../shared/errors'
import { ciTargetFor } from '../../shared/ci-auth-input'
import { ciAuthFormatLabels } from '../../shared/ci-auth-input'
import type { Api } from '../../shared/ipc'
import type { RegistryView } from '../../shared/types'

type CiAuthApi = Pick<Api, 'ciAuthInfo' | 'holdCiCredential' | 'createDeployToken' | 'copyCiAuth' | 'forgetCiCredential'>

export function fakeCiAuthApi(registries: readonly RegistryView[], wait: <T>(value: T) => Promise<T>): CiAuthApi {
  let next = 1
  const held = new Map<string, string>()
  const registry = (registryId: string): RegistryView => {
    const found = registries.find((r) => r.id === registryId)
    if (!found) throw new BerthError({ code: 'not_found', message: `No registry with id "${registryId}" is configured.` })
    return found
  }
  const hold = (username: string): string => {
    const id = `cred-${String(next++).padStart(24, '0')}`
    held.set(id, username)
    return id
  }
  return {
    ciAuthInfo: ({ registryId }) => {
      const view = registry(registryId)
      return wait({
        registryId,
        target: ciTargetFor(view.url, view.kind),
        realValues: { available: true },
        login: view.hasCredential && view.username ? { username: view.username } : null,
        saved: null,
        deployTokens: view.kind === 'gitlab',
      })
    },
    holdCiCredential: ({ registryId, username, save }) => {
      registry(registryId)
      return wait({ credentialId: hold(username), username, saved: save ?? false, expiresInSeconds: 900 })
    },
    createDeployToken: ({ registryId, owner, name, expiresAt, save }) => {
      registry(registryId)
      const username = `gitlab+deploy-token-${next}`
      return wait({
        credentialId: hold(username),
        username,
        saved: save ?? false,
        expiresInSeconds: 900,
        deployToken: { id: next, name, owner, expiresAt: expiresAt ? `${expiresAt}T00:00:00.000Z` : null, scopes: ['read_registry'] },
      })
    },
    copyCiAuth: ({ registryId, format, credential }) => {
      registry(registryId)
      if (credential.kind === 'held' && !held.has(credential.credentialId)) {
        throw new BerthError({ code: 'not_found', message: 'That pasted or created credential is no longer held.' })
      }
      return wait({ format, label: ciAuthFormatLabels[format], clearsAfterSeconds: 60 })
    },
    forgetCiCredential: (request) => {
      if ('credentialId' in request) held.delete(request.credentialId)
      return wait(null)
    },
  }
}

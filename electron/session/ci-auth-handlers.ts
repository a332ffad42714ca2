// The Api methods of the CI / Kubernetes credentials dialog (shared/ipc.ts), over the service that
// keeps the real secret in main (ci-auth-service.ts); spread into the handler table (api-handlers.ts).
import type { ApiRequests, ApiResponses } from '../../shared/ipc'
import { createCiAuthService, type CiAuthServiceOptions } from './ci-auth-service'
import { ciCredentialAccount } from './ci-credentials'
import type { EngineCore } from './engine'

type CiAuthMethod = 'ciAuthInfo' | 'holdCiCredential' | 'createDeployToken' | 'copyCiAuth' | 'forgetCiCredential'

export interface CiAuthHandlers {
  api: { [K in CiAuthMethod]: (request: ApiRequests[K]) => Promise<ApiResponses[K]> }
  /** The registry is being removed: its kept CI credential goes with it. */
  forgetRegistry(registryId: string): Promise<void>
  /** Drops held credentials and clears a secret still on the clipboard. */
  close(): Promise<void>
}

export function createCiAuthHandlers(engine: EngineCore, options: CiAuthServiceOptions = {}): CiAuthHandlers {
  const service = createCiAuthService(engine, options)
  return {
    api: {
      ciAuthInfo: ({ registryId }) => service.info(registryId),
      holdCiCredential: ({ registryId, username, secret, save }) => service.hold(registryId, { username, password: secret }, save ?? false),
      createDeployToken: ({ registryId, owner, name, expiresAt, username, save }) =>
        service.createDeployToken(registryId, { owner, name, expiresAt, username }, save ?? false),
      copyCiAuth: ({ registryId, format, name, namespace, credential }) =>
        service.copy({ registryId, format, name, namespace, credential }),
      async forgetCiCredential(request) {
        if ('credentialId' in request) service.forgetHeld(request.credentialId)
        else await service.forgetSaved(request.registryId)
        return null
      },
    },
    async forgetRegistry(registryId) {
      await engine.secrets.delete(ciCredentialAccount(registryId))
    },
    close: () => service.close(),
  }
}

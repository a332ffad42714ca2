// The Api handlers for signature keys and verification (shared/ipc.ts): the app's "Signature
// keys…" dialog, the details panel's signatures and the table's marks. Keys are named by the
// registry's host, as `berth keys` names them, so the app and the CLI share one keys file.
import type { Api } from '../../shared/ipc'
import type { SignatureKey } from '../../shared/signatures'
import type { EngineCore } from './engine'

type SignatureApi = Pick<Api, 'listSignatureKeys' | 'addSignatureKey' | 'removeSignatureKey' | 'verifySignatures' | 'signatureSummaries'>

function view(key: SignatureKey): Omit<SignatureKey, 'pem'> {
  const { pem: _pem, ...rest } = key
  return rest
}

export function createSignatureHandlers(engine: EngineCore): SignatureApi {
  const registryOf = (registryId: string): string => engine.session(registryId).registry
  return {
    async listSignatureKeys({ registryId }) {
      return (await engine.signatureKeys.list(registryOf(registryId))).map(view)
    },
    async addSignatureKey({ registryId, repository, name, pem }) {
      return view(await engine.signatureKeys.add({ registry: registryOf(registryId), repository: repository ?? null, name, pem }))
    },
    async removeSignatureKey({ registryId, keyId }) {
      await engine.signatureKeys.remove(registryOf(registryId), keyId)
      return null
    },
    verifySignatures: ({ registryId, repository, reference }) =>
      engine.signatures.verify(engine.session(registryId), repository, reference),
    signatureSummaries: ({ registryId, repository, digests }) =>
      engine.signatures.summaries(engine.session(registryId), repository, digests),
  }
}

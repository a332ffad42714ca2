// The signature methods of the harness's fake Api: keys kept in memory per registry; no image of
// the fake registries is signed, so every report says "unsigned" and the table gets no marks.
import type { Api, SignatureKeyView } from '../../shared/ipc'

type SignatureApi = Pick<Api, 'listSignatureKeys' | 'addSignatureKey' | 'removeSignatureKey' | 'verifySignatures' | 'signatureSummaries'>

export function fakeSignatureApi(wait: <T>(value: T) => Promise<T>): SignatureApi {
  const keys: SignatureKeyView[] = []
  let next = 1
  return {
    listSignatureKeys: ({ registryId }) => wait(keys.filter((key) => key.registry === registryId)),
    addSignatureKey: ({ registryId, repository, name }) => {
      const key: SignatureKeyView = {
        id: `key-${String(next++).padStart(16, '0')}`,
        name,
        registry: registryId,
        repository: repository ?? null,
        algorithm: 'ecdsa-p256',
        fingerprint: String(next).padStart(64, '0'),
        addedAt: new Date(0).toISOString(),
      }
      keys.push(key)
      return wait(key)
    },
    removeSignatureKey: ({ keyId }) => {
      keys.splice(
        keys.findIndex((key) => key.id === keyId),
        1,
      )
      return wait(null)
    },
    verifySignatures: ({ repository, reference }) =>
      wait({ repository, reference, digest: reference, status: 'unsigned' as const, signatures: [], keys: [] }),
    signatureSummaries: () => wait([]),
  }
}

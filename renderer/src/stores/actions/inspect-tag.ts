// The details panel's one call: everything about one tag (manifest, config, layers, referrers).
import type { ApiResponses, IpcResult } from '../../../../shared/ipc'
import { call } from '../../api/call'

export function inspectTag(registryId: string, repository: string, tag: string): Promise<IpcResult<ApiResponses['inspect']>> {
  return call('inspect', { registryId, repository, reference: tag })
}

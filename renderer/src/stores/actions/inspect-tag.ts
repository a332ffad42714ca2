// The details panel's one call: everything about one tag (manifest, config, layers, referrers), or
// about one platform of the index it points at.
import type { ApiResponses, IpcResult } from '../../../../shared/ipc'
import { call } from '../../api/call'

/** `platform` (`linux/arm64`): for an index, show that platform's image instead of the index alone. */
export function inspectTag(
  registryId: string,
  repository: string,
  tag: string,
  platform?: string,
): Promise<IpcResult<ApiResponses['inspect']>> {
  return call('inspect', { registryId, repository, reference: tag, ...(platform !== undefined ? { platform } : {}) })
}

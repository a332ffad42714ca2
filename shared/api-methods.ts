// The method and event names of the contract without zod, for code that must stay tiny and
// dependency-free: the sandboxed preload can only `require('electron')`, so everything it imports is
// bundled into it, and shared/ipc.ts would drag zod along. Type-only imports are erased, so the
// checks below keep this list and `requestSchemas` in step at compile time without bundling them.
import type { ApiEvents, ApiMethod } from './ipc'

export const apiMethodNames = [
  'listRegistries',
  'saveRegistry',
  'removeRegistry',
  'login',
  'logout',
  'probeRegistry',
  'connectRegistry',
  'trustCertificate',
  'addFavorite',
  'removeFavorite',
  'listRepositories',
  'listTags',
  'getTagDetails',
  'startTagDetails',
  'prioritizeTagDetails',
  'stopTagDetails',
  'getCachedTagDetails',
  'inspect',
  'previewDelete',
  'deleteTags',
  'scanDockerLogins',
  'importDockerLogins',
  'readAuditLog',
  'getRateLimit',
  'previewCleanup',
  'runCleanup',
  'saveCleanupRules',
  'loadCleanupRules',
  'submitGitlabBulkDelete',
  'planCopy',
  'startCopy',
  'cancelCopy',
  'ciAuthInfo',
  'holdCiCredential',
  'createDeployToken',
  'copyCiAuth',
  'forgetCiCredential',
  'startUsage',
  'cancelUsage',
  'previewUntaggedDelete',
  'deleteUntagged',
  'listSignatureKeys',
  'addSignatureKey',
  'removeSignatureKey',
  'verifySignatures',
  'signatureSummaries',
] as const satisfies readonly ApiMethod[]

export const apiEventNames = [
  'navigate',
  'certificateChanged',
  'listingProgress',
  'tagDetails',
  'copyProgress',
  'copyFinished',
  'usageProgress',
  'usageFinished',
] as const satisfies readonly (keyof ApiEvents)[]

// A method added to the contract but not here fails to compile (and vice versa via `satisfies`).
type MissingMethod = Exclude<ApiMethod, (typeof apiMethodNames)[number]>
type MissingEvent = Exclude<keyof ApiEvents, (typeof apiEventNames)[number]>
export const namesAreComplete: [MissingMethod, MissingEvent] extends [never, never] ? true : never = true

export type ApiEventName = keyof ApiEvents

/** The IPC channel of a method; the same names as `channelFor` in shared/ipc.ts. */
export const methodChannel = (method: ApiMethod): string => `berth:${method}`

/** The IPC channel main pushes an event on; distinct from every method channel. */
export const eventChannel = (event: ApiEventName): string => `berth-event:${event}`

export function isApiMethod(name: string): name is ApiMethod {
  return (apiMethodNames as readonly string[]).includes(name)
}

export function isApiEventName(name: string): name is ApiEventName {
  return (apiEventNames as readonly string[]).includes(name)
}

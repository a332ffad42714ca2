// A registry session over a bare client, for tests of the session's policies. Deleting as a user
// of the app or the CLI does: preview, then confirm exactly what the preview showed, through the
// session's delete safety (electron/session/delete-safety.ts) over the generic provider.
// `expectedDigests` overrides the confirmation, to test what a stale one does.
import type { RegistryClient } from '../../electron/http/client-types'
import { createGenericProvider } from '../../electron/providers/generic-provider'
import { deleteConfirmed, previewDelete as previewWithProvider, type DeleteRunOptions } from '../../electron/session/delete-safety'
import { confirmationFor } from '../../shared/delete-confirmation'
import type { DeleteMode, DeletePreview, DeleteResult } from '../../shared/types'
import type { CleanupPlan, CleanupRulesInput } from '../../shared/cleanup-rules'
import type { AuditLog } from '../../electron/stores/audit-log'
import {
  createRegistrySession,
  type CleanupPlanOptions,
  type CleanupRunOptions,
  type CleanupRunResult,
  type RegistrySession,
} from '../../electron/session/registry-session'

export function previewDelete(client: RegistryClient, repository: string, tags: string[], mode: DeleteMode): Promise<DeletePreview> {
  return previewWithProvider(createGenericProvider({ client }), repository, tags, mode)
}

export async function deleteTags(
  client: RegistryClient,
  repository: string,
  tags: string[],
  mode: DeleteMode,
  options: DeleteRunOptions & { expectedDigests?: Record<string, string> },
): Promise<DeleteResult[]> {
  const provider = createGenericProvider({ client })
  const expectedDigests = options.expectedDigests ?? confirmationFor(await previewWithProvider(provider, repository, tags, mode))
  return deleteConfirmed(provider, repository, { tags, mode, expectedDigests }, options)
}

/** A session over `client` alone (the generic provider), as the engine builds for a registry without a profile. */
export function genericSession(client: RegistryClient, audit?: AuditLog): RegistrySession {
  return createRegistrySession({ provider: createGenericProvider({ client }), profile: null, ...(audit ? { audit } : {}) })
}

export function planCleanup(
  client: RegistryClient,
  repository: string,
  rules: CleanupRulesInput,
  options: CleanupPlanOptions = {},
): Promise<CleanupPlan> {
  return genericSession(client).planCleanup(repository, rules, options)
}

export function runCleanup(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
  expectedDigests: Record<string, string>,
  options: CleanupRunOptions & { audit?: AuditLog; registry?: string },
): Promise<CleanupRunResult> {
  return genericSession(client, options.audit).runCleanup(repository, tags, expectedDigests, options)
}

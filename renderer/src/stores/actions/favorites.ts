// Repositories added by name (registries without a catalog keep them as favourites of the profile).
import type { BerthErrorData } from '../../../../shared/errors'
import { call } from '../../api/call'
import { useRegistries } from '../registries'
import { showToast } from '../toasts'
import { useView } from '../view'

/** Adds the repository and opens it; resolves with the error when the core refused it. */
export async function addRepositoryByName(registryId: string, repository: string): Promise<BerthErrorData | null> {
  const result = await call('addFavorite', { registryId, repository })
  if (!result.ok) return result.error
  useRegistries.getState().upsert(result.value)
  useView.getState().update({ registryId, repository, tag: null, q: '' })
  return null
}

/** Removes a repository added by name; a failure is a toast, since the row it was clicked on stays. */
export async function removeRepositoryByName(registryId: string, repository: string): Promise<void> {
  const result = await call('removeFavorite', { registryId, repository })
  if (!result.ok) return showToast({ kind: 'error', title: 'Could not remove the repository', detail: result.error.message })
  useRegistries.getState().upsert(result.value)
  const view = useView.getState()
  if (view.registryId === registryId && view.repository === repository) view.update({ repository: null, tag: null })
}

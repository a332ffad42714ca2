// Adding, editing, signing out of and removing a registry profile. Connecting probes first (where
// the registry answers, what auth it wants, every host it sends Berth to and whether each
// certificate is trusted); then `connectRegistry` checks the registry with the trust chosen and
// the credentials typed, and saves profile, trust and secret only if the registry lets Berth in.
import type { BerthErrorData } from '../../../../shared/errors'
import type { TrustChoice } from '../../../../shared/ipc'
import type { ConnectResult } from '../../../../shared/registry-setup'
import type { HostTrust, ProbeResult, RegistryView } from '../../../../shared/types'
import { call } from '../../api/call'
import { useRegistries } from '../registries'
import { useRepositories } from '../repositories'
import { showToast } from '../toasts'
import { useView } from '../view'

export type { TrustChoice } from '../../../../shared/ipc'

export type ProbeOutcome =
  /** Some host's certificate is not trusted: the user reviews each one before anything is saved. */
  | { kind: 'trust'; probe: ProbeResult; untrusted: HostTrust[] }
  | { kind: 'ready'; probe: ProbeResult }
  | { kind: 'error'; error: BerthErrorData }

/** Probes the address as typed; `trust` is what the user chose in the trust step so far (nothing saved). */
export async function probeRegistry(
  address: string,
  insecure: boolean,
  registryId: string | undefined,
  trust?: TrustChoice,
): Promise<ProbeOutcome> {
  const probe = await call('probeRegistry', { url: address, insecure, registryId, ...(trust ? { trust } : {}) })
  if (!probe.ok) return { kind: 'error', error: probe.error }
  const untrusted = (probe.value.hosts ?? []).filter((host) => !host.trusted)
  if (untrusted.length > 0) return { kind: 'trust', probe: probe.value, untrusted }
  return { kind: 'ready', probe: probe.value }
}

/** Adds the choice just made to those made before (a later pin for a host replaces an earlier one). */
export function mergeTrust(before: TrustChoice | undefined, next: TrustChoice): TrustChoice {
  const pins = [...(before?.pins ?? []).filter((pin) => !(next.pins ?? []).some((p) => p.host === pin.host)), ...(next.pins ?? [])]
  const caPem = next.caPem ?? before?.caPem
  return { pins, ...(caPem !== undefined ? { caPem } : {}) }
}

/** The dialog's fields, resolved: the URL the probe answered on, the name to show, trimmed user name. */
export interface RegistryForm {
  name: string
  url: string
  insecure: boolean
  username: string
  /** Empty: keep the stored secret (or none). */
  secret: string
  /** Empty: derived from the registry's token realm (<gitlab>/jwt/auth) when browsing. */
  gitlabUrl: string
}

export type SaveOutcome =
  | { ok: true; result: ConnectResult }
  /** `secretSent`: the secret went to main, so the form need not keep it. */
  | { ok: false; error: BerthErrorData; secretSent: boolean }

/** Checks the registry with this trust and these credentials, then saves it (new when `existing` is undefined) and shows it. */
export async function connectRegistryProfile(
  existing: RegistryView | undefined,
  form: RegistryForm,
  probe: ProbeResult | null,
  trust: TrustChoice | undefined,
  /** `show: false`: added from another dialog (Copy to…), the view stays where the user is. */
  options: { show?: boolean } = {},
): Promise<SaveOutcome> {
  const username = form.username || undefined
  const connected = await call('connectRegistry', {
    profile: {
      id: existing?.id,
      name: form.name,
      url: form.url,
      kind: form.gitlabUrl ? 'gitlab' : probe?.kind,
      username,
      insecure: form.insecure,
      favorites: existing?.favorites ?? [],
      gitlabUrl: form.gitlabUrl || undefined,
    },
    trust: trust ?? { pins: [] },
    // The form requires a username with a secret: "<token>" would mean a docker identity token.
    ...(form.secret !== '' ? { credential: { username: form.username, secret: form.secret } } : {}),
  })
  if (!connected.ok) return { ok: false, error: connected.error, secretSent: form.secret !== '' }
  const { view } = connected.value
  useRegistries.getState().upsert(view)
  void useRepositories.getState().load(view.id, true)
  // A registry added from a link opens the linked place; an edited one stays where the user was.
  if (options.show !== false) useView.getState().showRegistry(view.id)
  showToast({ kind: 'success', title: existing ? `Saved ${view.name}` : `Added ${view.name}` })
  return { ok: true, result: connected.value }
}

/** Forgets the stored secret; resolves with the error when the core could not. */
export async function signOut(registry: RegistryView): Promise<BerthErrorData | null> {
  const result = await call('logout', { registryId: registry.id })
  if (!result.ok) return result.error
  useRegistries.getState().upsert(result.value)
  showToast({ kind: 'info', title: `Signed out of ${registry.name}` })
  return null
}

/** Removes the profile and its secret; the registry itself is not touched. */
export async function removeRegistry(registryId: string, name: string): Promise<BerthErrorData | null> {
  const result = await call('removeRegistry', { registryId })
  if (!result.ok) return result.error
  useRegistries.getState().remove(registryId)
  useRepositories.getState().forget(registryId)
  if (useView.getState().registryId === registryId) useView.getState().update({ registryId: null, repository: null, tag: null })
  showToast({ kind: 'info', title: `Removed ${name}` })
  return null
}

// Adding, editing, signing out of and removing a registry profile. Connecting probes first (what
// auth it wants, whether its certificate is trusted); saving stores the profile, trusts the
// certificate the user reviewed, then sends the secret once with `login` (it goes to the keychain).
import type { BerthErrorData } from '../../../../shared/errors'
import type { CertificateInfo, ProbeResult, RegistryView } from '../../../../shared/types'
import { call } from '../../api/call'
import { useRegistries } from '../registries'
import { useRepositories } from '../repositories'
import { showToast } from '../toasts'
import { useView } from '../view'

/** How the user chose to trust a certificate: pin the one shown, or a CA they pasted. */
export type TrustChoice = { fingerprint: string } | { caPem: string }

export type ProbeOutcome =
  /** The certificate is not trusted: the user reviews it before anything is saved. */
  | { kind: 'trust'; certificate: CertificateInfo | undefined; probe: ProbeResult | null }
  | { kind: 'ready'; probe: ProbeResult }
  | { kind: 'error'; error: BerthErrorData }

export async function probeRegistry(url: string, insecure: boolean, registryId: string | undefined): Promise<ProbeOutcome> {
  const probe = await call('probeRegistry', { url, insecure, registryId })
  if (!probe.ok) {
    if (probe.error.code === 'tls_untrusted' || probe.error.code === 'tls_changed') {
      return { kind: 'trust', certificate: probe.error.certificate, probe: null }
    }
    return { kind: 'error', error: probe.error }
  }
  if (probe.value.certificate && probe.value.tlsTrusted === false)
    return { kind: 'trust', certificate: probe.value.certificate, probe: probe.value }
  return { kind: 'ready', probe: probe.value }
}

/** The dialog's fields, resolved: a full URL, the name to show, trimmed user name. */
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
  | { ok: true; view: RegistryView }
  /** `secretSent`: the secret went to `login`, so the form need not keep it. */
  | { ok: false; error: BerthErrorData; secretSent: boolean }

/** Saves the profile (new when `existing` is undefined), then the trust, then the login; then shows it. */
export async function saveRegistryProfile(
  existing: RegistryView | undefined,
  form: RegistryForm,
  probe: ProbeResult | null,
  trust: TrustChoice | null,
): Promise<SaveOutcome> {
  const { upsert } = useRegistries.getState()
  const saved = await call('saveRegistry', {
    profile: {
      id: existing?.id,
      name: form.name,
      url: form.url,
      kind: form.gitlabUrl ? 'gitlab' : (probe?.kind ?? existing?.kind),
      username: form.username || undefined,
      insecure: form.insecure,
      favorites: existing?.favorites ?? [],
      gitlabUrl: form.gitlabUrl || undefined,
    },
  })
  if (!saved.ok) return { ok: false, error: saved.error, secretSent: false }
  let view = saved.value
  upsert(view)
  if (trust) {
    const trusted = await call('trustCertificate', { registryId: view.id, ...trust })
    if (!trusted.ok) return { ok: false, error: trusted.error, secretSent: false }
    view = trusted.value
    upsert(view)
  }
  if (form.secret !== '') {
    // The form requires a username with a secret: "<token>" would mean a docker identity token.
    const loggedIn = await call('login', { registryId: view.id, username: form.username, secret: form.secret })
    if (!loggedIn.ok) return { ok: false, error: loggedIn.error, secretSent: true }
    view = loggedIn.value
    upsert(view)
  }
  void useRepositories.getState().load(view.id, true)
  // A registry added from a link opens the linked place; an edited one stays where the user was.
  useView.getState().showRegistry(view.id)
  showToast({ kind: 'success', title: existing ? `Saved ${view.name}` : `Added ${view.name}` })
  return { ok: true, view }
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

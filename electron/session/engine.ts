// The one engine behind Berth's three doors (Electron IPC, web mode, CLI): the stores (profiles,
// keychain, caches, audit log) and one RegistrySession per registry. A saved registry's session is
// kept until what it was built from changes (profile, trust, credentials); a registry named on the
// command line gets a session of its own for that call. The doors reach registries only through
// sessions: the Api handler table (api-handlers.ts) for IPC and web mode, `session*` for the CLI.
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { BerthError } from '../../shared/errors'
import type { Api, ApiEvents } from '../../shared/ipc'
import type { RegistryProfile, RegistryView } from '../../shared/types'
import type { CredentialSource, RegistryClient, RegistryCredential, TlsTrust } from '../http/client-types'
import { planRegistryAddress } from '../../shared/registry-address'
import { withPlainHttpFallback } from '../http/plain-http-fallback'
import { parseRegistryAddress } from '../http/reference'
import { resolveHttpDeadlines, resolveListingLimits } from '../http/http-limits'
import { createRegistryClient } from '../http/registry-client'
import { capabilitiesFor } from '../../shared/registry-capabilities'
import { providerFor } from '../providers/provider-for-kind'
import { auditAs, createAuditLog, type AuditLog } from '../stores/audit-log'
import { createDigestCache, type DigestCache } from '../stores/cache/digest-cache'
import { tagIndexForCache } from '../stores/cache/tag-index'
import { createCleanupRulesStore, type CleanupRulesStore } from '../stores/cleanup-rules-store'
import { createSignatureKeysStore, type SignatureKeysStore } from '../stores/signature-keys-store'
import { createProfileStore, type ProfileStore } from '../stores/profiles/profile-store'
import { resolveTrust } from '../stores/profiles/profile-trust'
import { credentialSourceFor } from '../stores/secrets/credential-source'
import { createKeychainStore } from '../stores/secrets/keychain-store'
import type { SecretStore } from '../stores/secrets/secret-store'
import { createFileUploadJournal } from '../operations/copy-upload-journal'
import { createApiHandlers } from './api-handlers'
import { createCopyService, type CopyService } from './copy-service'
import { createRegistrySession, type RegistrySession } from './registry-session'
import { createSignatureService, type SignatureService } from './signature-service'
import type { ClipboardPort } from './secret-clipboard'

export interface EngineOptions {
  /** Where profiles, caches and the audit log live (Electron userData; ~/.config/berth for the CLI). */
  dataDirectory: string
  /** The OS keychain unless a test or a per-call CLI invocation passes its own. */
  secrets?: SecretStore
  env?: NodeJS.ProcessEnv
  /** Docker-style certs.d roots to search for per-registry CAs (defaults to the standard ones). */
  certsDirs?: string[]
  /** Registry requests in flight per session (tag details). */
  concurrency?: number
  /** Docker Hub API base URL (tests point it at a recording); default the public Hub API. */
  dockerHubApiUrl?: string
  /**
   * The system clipboard, for text holding a real secret (CI credentials): only the desktop shell
   * passes one. Without it (web mode, CLI) no real secret is ever copied or accepted for copying.
   */
  clipboard?: ClipboardPort
}

/** One-call overrides the CLI accepts: nothing here is stored. */
export interface SessionOverrides {
  caPems?: string[]
  insecure?: boolean
  /** Credentials for this call only (`--username --password-stdin`): never stored. */
  credentials?: RegistryCredential
}

/** The engine without its Api handler table, which is built on top of it (api-handlers.ts). */
export interface EngineCore {
  profiles: ProfileStore
  secrets: SecretStore
  cache: DigestCache
  audit: AuditLog
  cleanupRules: CleanupRulesStore
  /** Public keys for signature verification (`signature-keys.json`): not secrets, so not in the keychain. */
  signatureKeys: SignatureKeysStore
  /** Cosign signature verification over sessions, with its results cache. */
  signatures: SignatureService
  /** Copies between two sessions (plan, run); unfinished uploads resume from `copy-uploads.json`. */
  copies: CopyService
  readonly options: EngineOptions
  /** The session of a saved registry, built on first use. */
  session(registryId: string): RegistrySession
  /** A session for a registry given by address, using its saved profile when there is one. */
  sessionForAddress(address: string, overrides?: SessionOverrides): RegistrySession
  /** Drops a saved registry's session (its profile, trust or credentials changed). */
  forget(registryId: string): Promise<void>
  /** What the renderer may know of a profile: never a secret. */
  view(profile: RegistryProfile): Promise<RegistryView>
  /** Pushes to the doors (Electron IPC events, the web mode's event stream). Returns the unsubscribe function. */
  subscribe: (listener: EngineEventListener) => () => void
  emit: <K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]) => void
  close(): Promise<void>
}

export type EngineEventListener = <K extends keyof ApiEvents>(event: K, payload: ApiEvents[K]) => void

export interface Engine extends EngineCore {
  /** The handler table every door's requests go through (validated by the doors first). */
  api: Api
}

/** Default registry requests in flight per session: chosen by `npm run bench -- --sweep` (README "Performance"). */
export const defaultConcurrency = 32

export function createEngine(options: EngineOptions): Engine {
  const profiles = createProfileStore(join(options.dataDirectory, 'profiles.json'))
  const secrets = options.secrets ?? createKeychainStore()
  const cache = createDigestCache({ directory: join(options.dataDirectory, 'cache', 'digests') })
  const audit = createAuditLog(join(options.dataDirectory, 'audit.log'), { user: localUser() })
  const cleanupRules = createCleanupRulesStore(join(options.dataDirectory, 'cleanup-rules.json'))
  const signatureKeys = createSignatureKeysStore(join(options.dataDirectory, 'signature-keys.json'))
  const signatures = createSignatureService({ keys: signatureKeys, cache })
  const saved = new Map<string, RegistrySession>()
  const adHoc = new Set<RegistrySession>()
  const concurrency = options.concurrency ?? defaultConcurrency
  const environment = options.env ?? process.env
  const copies = createCopyService({
    journal: createFileUploadJournal(join(options.dataDirectory, 'copy-uploads.json')),
    audit,
    env: environment,
  })

  function buildClient(profile: RegistryProfile, trust: TlsTrust, insecure: boolean, credentials: CredentialSource): RegistryClient {
    return createRegistryClient({
      endpoint: parseRegistryAddress(profile.url, { insecure }),
      trust,
      credentials,
      maxConnections: concurrency,
      // The engine's environment, not the process's: an in-process CLI run may be given its own.
      deadlines: resolveHttpDeadlines(undefined, environment),
      listingLimits: resolveListingLimits(undefined, environment),
      // A token server that hands out a refresh token (OAuth2 offline access) replaces the password:
      // keep it in the keychain, never anywhere else.
      onRefreshToken: (token) => void secrets.set(`${profile.id}:refresh`, token).catch(() => undefined),
    })
  }

  function buildSession(
    profile: RegistryProfile | null,
    client: RegistryClient,
    trust: TlsTrust,
    credentials: CredentialSource,
    /** The registry account this session acts as, for the audit log ("by whom"). */
    account: string | null,
  ): RegistrySession {
    const provider = providerFor({
      profile,
      client,
      credentials,
      trust,
      cache,
      concurrency,
      ...(options.dockerHubApiUrl !== undefined ? { dockerHubApiUrl: options.dockerHubApiUrl } : {}),
      // Read at each listing: starring a repository must not rebuild the session (and stop its jobs).
      ...(profile ? { favorites: () => profiles.get(profile.id)?.favorites ?? profile.favorites } : {}),
    })
    return createRegistrySession({
      provider,
      profile,
      audit: auditAs(audit, account),
      concurrency: Math.min(concurrency, 8),
      cache,
      usageConcurrency: concurrency,
    })
  }

  function session(registryId: string): RegistrySession {
    const known = saved.get(registryId)
    if (known) return known
    const profile = profiles.get(registryId)
    if (!profile) {
      throw new BerthError({
        code: 'not_found',
        message: `No registry with id "${registryId}" is configured.`,
        fix: 'Add the registry first.',
      })
    }
    const trust = resolveTrust(profile, { certsDirs: options.certsDirs })
    const credentials = credentialSourceFor(profile, secrets)
    const client = buildClient(profile, trust, profile.insecure, credentials)
    const created = buildSession(profile, client, trust, credentials, profile.username ?? null)
    saved.set(registryId, created)
    return created
  }

  function sessionForAddress(address: string, overrides: SessionOverrides = {}): RegistrySession {
    const endpoint = parseRegistryAddress(address, { insecure: overrides.insecure ?? false })
    const savedProfile = profiles.findByHost(endpoint.host) ?? null
    const profile: RegistryProfile = savedProfile ?? {
      id: `adhoc:${endpoint.host}`,
      name: endpoint.host,
      url: endpoint.url,
      kind: 'generic',
      authMode: 'auto',
      insecure: overrides.insecure ?? false,
      favorites: [],
    }
    const resolved = resolveTrust(profile, { certsDirs: options.certsDirs })
    const trust: TlsTrust = { ...resolved, caPems: [...resolved.caPems, ...(overrides.caPems ?? [])] }
    // Per-call credentials win; an address with no saved profile is anonymous and never asks the keychain.
    const perCall = overrides.credentials
    const credentials: CredentialSource = perCall
      ? () => Promise.resolve(perCall)
      : savedProfile
        ? credentialSourceFor(savedProfile, secrets)
        : () => Promise.resolve(null)
    const insecure = overrides.insecure ?? profile.insecure
    let client = buildClient(profile, trust, insecure, credentials)
    // A bare loopback address (or one marked insecure) that answers in plain HTTP is used over
    // http://, as docker does; an explicit https:// URL or a saved profile is taken as written.
    // The same rule as the app's add-registry dialog (shared/registry-address.ts).
    const fallback = planRegistryAddress(address, { insecure })?.fallback ?? null
    if (!savedProfile && fallback !== null && endpoint.url.startsWith('https:')) {
      const plain = { ...profile, url: fallback }
      client = withPlainHttpFallback(client, () => buildClient(plain, trust, true, credentials))
    }
    const account = perCall ? (perCall.kind === 'basic' ? perCall.username : null) : (savedProfile?.username ?? null)
    const created = buildSession(savedProfile, client, trust, credentials, account)
    adHoc.add(created)
    return created
  }

  async function forget(registryId: string): Promise<void> {
    const known = saved.get(registryId)
    saved.delete(registryId)
    await known?.close()
  }

  async function view(profile: RegistryProfile): Promise<RegistryView> {
    // hasCredential is all the renderer ever learns about a secret.
    let hasCredential: boolean
    try {
      hasCredential = (await secrets.get(profile.id)) !== null || (await secrets.get(`${profile.id}:refresh`)) !== null
    } catch {
      // A locked or missing keychain must not hide the registry list: it just shows "not signed in".
      hasCredential = false
    }
    return { ...profile, hasCredential, capabilities: capabilitiesFor(profile.kind) }
  }

  const listeners = new Set<EngineEventListener>()
  const closers: (() => Promise<void>)[] = []

  const core: EngineCore = {
    profiles,
    secrets,
    cache,
    audit,
    cleanupRules,
    signatureKeys,
    signatures,
    copies,
    options,
    session,
    sessionForAddress,
    forget,
    view,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(event, payload) {
      for (const listener of listeners) {
        try {
          listener(event, payload)
        } catch {
          // One door's failure to deliver must not stop the others.
        }
      }
    },
    async close() {
      await Promise.all(closers.splice(0).map((closeOne) => closeOne()))
      const all = [...saved.values(), ...adHoc]
      saved.clear()
      adHoc.clear()
      await Promise.all(all.map((each) => each.close()))
      await Promise.all([cache.flush(), tagIndexForCache(cache).flush()])
    },
  }
  const handlers = createApiHandlers(core)
  closers.push(() => handlers.close())
  return { ...core, api: handlers.api }
}

/** The local account, for "by whom" in the audit log; a platform that cannot say leaves it out. */
function localUser(): string | undefined {
  try {
    return userInfo().username || undefined
  } catch {
    return undefined
  }
}

// Challenge-driven registry auth (DIST docs/content/spec/auth/{token,oauth,scope}.md): requests go
// out without credentials until the registry challenges; Basic is then sent on every request,
// Bearer tokens are fetched per scope set, cached until shortly before expiry, shared by
// concurrent requests (one token request in flight per key), and renewed once when the registry
// rejects them. Credentials are asked for only when challenged and never put in messages.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { BerthError } from '../../shared/errors'
import { parseChallenges, pickChallenge, resolveRealm } from './challenge'
import { hostnameOf, isLoopbackHost, isPrivateOrLinkLocalHost, sameAddress } from './host-address'
import { systemClock, type Clock } from './http-clock'
import { formatScope, mergeScopes, parseScope, scopeCacheKey, scopesFromChallenge } from './scope'
import { fetchToken, type FetchedToken } from './http-token'
import { headerValues, type HttpResponse, type Transport } from './transport'
import type { Challenge, CredentialSource, RegistryCredential, RegistryEndpoint } from './client-types'

export interface RegistryAuthOptions {
  transport: Transport
  endpoint: RegistryEndpoint
  credentials?: CredentialSource
  clock?: Clock
  /** Called with a refresh token the token server issued, so the credentials layer can store it. */
  onRefreshToken?: (token: string) => void
  /** How realm host names are resolved for the realm guard; tests inject one. Default: the system resolver. */
  resolveHost?: HostResolver
}

/** Every address a host name resolves to (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<string[]>

export const systemHostResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true })).map((entry) => entry.address)

interface BearerState {
  realm: URL
  service: string | undefined
}

type SchemeState = { kind: 'unknown' } | { kind: 'basic' } | { kind: 'bearer'; bearer: BearerState }

interface CachedToken {
  token: string
  refreshAt: number
  /** Realm and service it was issued for, and each `type:name:action` it was asked for (see `covering`). */
  issuer?: string
  units?: ReadonlySet<string>
}

/** Scopes asked for in one token request by `prepare` (a long query string is refused by some servers). */
const maxScopesPerToken = 25

/** Seconds before expiry a cached token is renewed (DIST token.md: clients refresh early). */
const refreshMarginMs = 5_000

/**
 * The token realm is chosen by the registry — by whoever answers as the registry — so credentials
 * only go where a real registry would send them: https for an https registry, and no loopback,
 * private or link-local address unless it is the registry's own host (an internet registry pointing
 * us at 127.0.0.1 or 169.254.169.254 would make Berth send credentials to local services).
 */
export function checkRealm(realm: URL, endpoint: RegistryEndpoint): void {
  const registry = new URL(endpoint.url)
  if (registry.protocol === 'https:' && realm.protocol !== 'https:') {
    throw new BerthError({
      code: 'unsafe_realm',
      message:
        `The registry ${endpoint.host} uses https but its token realm ${realm.origin} is plain http; ` +
        'Berth will not send credentials there.',
      fix: 'Configure the token server behind https.',
    })
  }
  const registryHost = hostnameOf(registry.host)
  const realmHost = hostnameOf(realm.host)
  // docs/registry-notes.md "Auth": no loopback/private/link-local realm unless it is the registry host
  // (both on loopback counts: a local registry with its token server on another port). Merely
  // being private too is not enough: a registry on 127.0.0.1 or 10.0.0.5 must not make Berth send
  // credentials to 10.1.2.3 or 169.254.169.254 (test/integration/faults-auth.test.ts).
  const sameHost = realmHost === registryHost || (isLoopbackHost(realmHost) && isLoopbackHost(registryHost))
  const refuse = !sameHost && isPrivateOrLinkLocalHost(realmHost)
  if (refuse) {
    throw new BerthError({
      code: 'unsafe_realm',
      message:
        `The registry ${endpoint.host} sent a token realm on a local or private address (${realm.host}); ` +
        'Berth will not send credentials there.',
      fix:
        'If this is really your setup, address the registry by its local address too; ' +
        'otherwise the registry (or something in between) is misconfigured or hostile.',
    })
  }
}

function realmResolutionError(realm: URL, endpoint: RegistryEndpoint, cause?: unknown): BerthError {
  return new BerthError(
    {
      code: 'network',
      message:
        `The token realm host ${realm.host} of ${endpoint.host} could not be resolved (DNS); ` +
        'Berth sends credentials only to a realm whose addresses it has checked.',
      fix: 'Check the DNS of this machine and the registry configuration (its auth.token.realm), then retry.',
    },
    { cause },
  )
}

/** The registry counts as loopback when named so (127.x, ::1, localhost) or when it resolves only to loopback. */
async function registryAddresses(registryName: string, resolveHost: HostResolver): Promise<string[]> {
  if (isIP(registryName) !== 0) return [registryName]
  if (isLoopbackHost(registryName)) return ['127.0.0.1', '::1']
  try {
    return await resolveHost(registryName)
  } catch {
    // Unresolvable from here: nothing of the realm can be proven to be this host.
    return []
  }
}

/**
 * checkRealm for realms named by host name (docs/registry-notes.md "Auth", realm guard): the
 * literal rules first, then the name is resolved and every address it resolves to is judged like
 * a literal one (a name that resolves to 203.0.113.5 and 127.0.0.1 is refused). The registry's own
 * host stays allowed: by name as before, and by address when each local address of the realm is
 * one of the registry's own (registry.gitlab.example and gitlab.example on one machine), or both
 * are on loopback. Resolution is never skipped: a realm name that does not resolve gets no
 * credentials. Returns the addresses judged, for the transport to connect to those only (a second
 * DNS answer must not decide where credentials go), or null when nothing was resolved (an address
 * literal, the registry's own host name, or a localhost name checkRealm already judged).
 */
export async function checkRealmAddresses(realm: URL, endpoint: RegistryEndpoint, resolveHost: HostResolver): Promise<string[] | null> {
  checkRealm(realm, endpoint)
  const realmName = hostnameOf(realm.host)
  const registryName = hostnameOf(new URL(endpoint.url).host)
  if (isIP(realmName) !== 0 || realmName === registryName || isLoopbackHost(realmName)) return null
  let addresses: string[]
  try {
    addresses = await resolveHost(realmName)
  } catch (error) {
    throw realmResolutionError(realm, endpoint, error)
  }
  if (addresses.length === 0) throw realmResolutionError(realm, endpoint)
  const local = addresses.filter((address) => isPrivateOrLinkLocalHost(address))
  if (local.length === 0) return addresses
  const own = await registryAddresses(registryName, resolveHost)
  const registryIsLoopback = own.length > 0 && own.every((address) => isLoopbackHost(address))
  const foreign = local.filter(
    (address) => !(isLoopbackHost(address) && registryIsLoopback) && !own.some((registryAddress) => sameAddress(registryAddress, address)),
  )
  if (foreign.length > 0) {
    throw new BerthError({
      code: 'unsafe_realm',
      message:
        `The registry ${endpoint.host} sent a token realm ${realm.host} that resolves to a local or private address ` +
        `(${foreign.slice(0, 4).join(', ')}); Berth will not send credentials there.`,
      fix:
        'If this is really your setup, address the registry and its token server by the same host; otherwise the registry ' +
        '(or its DNS, or something in between) is misconfigured or hostile.',
    })
  }
  return addresses
}

/**
 * A token realm on another host (a GitLab instance, the lab's issuer on another port) has its own
 * certificate: trusting the registry's does not trust it. Say whose certificate it is and where it
 * is reviewed, instead of a bare "not trusted" the user cannot place.
 */
function realmTrustError(error: unknown, realm: URL, endpoint: RegistryEndpoint): unknown {
  if (!(error instanceof BerthError) || (error.code !== 'tls_untrusted' && error.code !== 'tls_changed')) return error
  if (realm.host === endpoint.host) return error
  // "The certificate of <host> is not trusted (CODE)." / "… changed: it presented …": keep what follows the host.
  const what = error.message.replace(/^The certificate of \S+ /, '')
  return new BerthError(
    {
      ...error.data,
      message: `The certificate of the token server ${realm.host} ${what} ${endpoint.host} sends Berth there for its tokens.`,
      fix:
        `Trust it for this registry: in the app, Review certificate… (or edit ${endpoint.host}) shows it; ` +
        `on the command line, berth trust ${endpoint.host} --show.`,
    },
    { cause: error },
  )
}

export interface RegistryAuth {
  /** Authorization for a request needing `scopes`, from what earlier challenges taught; undefined before any. */
  authorization(scopes: string[]): Promise<string | undefined>
  /**
   * After a 401: learns the challenge and returns the Authorization to retry with, or null when a
   * retry cannot help (no credentials, same Authorization again, unknown scheme).
   */
  afterUnauthorized(response: HttpResponse, scopes: string[], sent: string | undefined): Promise<string | null>
  /**
   * Fetches one token for all of `scopes` (in groups of up to 25) when the registry uses bearer
   * tokens, so that requests needing any one of them use it rather than asking the token server
   * each (a registry-wide measurement lists hundreds of repositories). Never throws: a token not
   * obtained here is asked for by the request that needs it, as before.
   */
  prepare(scopes: string[]): Promise<void>
  /** Records the challenge of a 401 (ping) without fetching anything. */
  observe(response: HttpResponse): Challenge[]
  /** True once the credential source returned credentials (we are someone, not anonymous). */
  hasCredentials(): boolean
  /** The realm guard with resolution (checkRealmAddresses), for a realm handed on elsewhere (ping). */
  checkRealmHost(realm: URL): Promise<void>
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

export function createRegistryAuth(options: RegistryAuthOptions): RegistryAuth {
  const clock = options.clock ?? systemClock
  const resolveHost = options.resolveHost ?? systemHostResolver
  const { transport, endpoint } = options

  /** The realm guard with resolution; the transport then connects only to the addresses judged. */
  async function guardRealm(realm: URL): Promise<void> {
    const judged = await checkRealmAddresses(realm, endpoint, resolveHost)
    if (judged !== null) transport.pinAddresses?.(hostnameOf(realm.host), judged)
  }
  let scheme: SchemeState = { kind: 'unknown' }
  let credentialPromise: Promise<RegistryCredential | null> | undefined
  let gotCredentials = false
  // A refresh token the token server rotated replaces the one we were given, for this session.
  let rotatedRefreshToken: string | undefined
  const tokens = new Map<string, CachedToken>()
  const inflight = new Map<string, Promise<CachedToken>>()
  // insufficient_scope taught us a request needs more scopes than we derived: remember it.
  const scopeUpgrades = new Map<string, string[]>()

  function credential(): Promise<RegistryCredential | null> {
    credentialPromise ??= (options.credentials ? options.credentials() : Promise.resolve(null)).then(
      (cred) => {
        gotCredentials = cred !== null
        return cred
      },
      (error: unknown) => {
        // A locked keychain now is not a locked keychain forever: ask again next time.
        credentialPromise = undefined
        throw error
      },
    )
    return credentialPromise
  }

  async function basicAuthorization(): Promise<string | undefined> {
    const cred = await credential()
    if (cred === null) return undefined
    if (cred.kind === 'basic') return basicHeader(cred.username, cred.password)
    return basicHeader(cred.username ?? '<token>', rotatedRefreshToken ?? cred.refreshToken)
  }

  function learn(response: HttpResponse): Challenge | null {
    const challenges = parseChallenges(headerValues(response.headers, 'www-authenticate'))
    const picked = pickChallenge(challenges)
    if (!picked) return null
    if (picked.scheme === 'basic') {
      scheme = { kind: 'basic' }
      return picked
    }
    const rawRealm = picked.params.realm
    if (rawRealm === undefined || rawRealm.length === 0) {
      throw new BerthError({
        code: 'invalid_response',
        message: `${endpoint.host} asked for a bearer token without saying where to get one (no realm).`,
        fix: 'The registry is misconfigured: its auth.token.realm setting is empty.',
      })
    }
    const realm = resolveRealm(rawRealm, response.url)
    checkRealm(realm, endpoint)
    scheme = { kind: 'bearer', bearer: { realm, service: picked.params.service } }
    return picked
  }

  function requestKey(scopes: string[]): string {
    return JSON.stringify([...scopes].sort())
  }

  /**
   * A cached token, or one token request shared by everyone needing the same key. The shared
   * request deliberately ignores any one caller's AbortSignal: cancelling one listing must not
   * fail the others waiting on the same token (the request is small and bounded by timeouts).
   */
  async function token(bearer: BearerState, scopes: string[]): Promise<CachedToken> {
    const key = scopeCacheKey(bearer.realm.href, bearer.service, scopes)
    const cached = tokens.get(key) ?? covering(bearer, scopes)
    if (cached && cached.refreshAt > clock.now()) return cached
    const pending = inflight.get(key)
    if (pending) return pending
    const started = (async (): Promise<CachedToken> => {
      // Resolved before anything is sent: a realm name may point at a local service.
      await guardRealm(bearer.realm)
      const cred = await credential()
      const fetched: FetchedToken = await fetchToken({
        transport,
        realm: bearer.realm,
        service: bearer.service,
        scopes,
        credential: cred,
        refreshToken: rotatedRefreshToken,
        now: clock.now(),
        checkRedirect: (target) => guardRealm(target),
      }).catch((error: unknown) => {
        throw realmTrustError(error, bearer.realm, endpoint)
      })
      if (
        fetched.refreshToken !== undefined &&
        fetched.refreshToken !== (rotatedRefreshToken ?? (cred?.kind === 'refresh_token' ? cred.refreshToken : undefined))
      ) {
        rotatedRefreshToken = fetched.refreshToken
        options.onRefreshToken?.(fetched.refreshToken)
      }
      const lifetime = fetched.expiresAt - clock.now()
      const entry: CachedToken = {
        token: fetched.token,
        refreshAt: fetched.expiresAt - Math.min(refreshMarginMs, Math.max(0, lifetime) / 4),
        issuer: issuerKey(bearer),
        units: scopeUnits(scopes),
      }
      tokens.set(key, entry)
      return entry
    })()
    inflight.set(key, started)
    try {
      return await started
    } finally {
      inflight.delete(key)
    }
  }

  /**
   * A live token asked for every scope in `scopes` among others. Asked for is not granted: a token
   * server may grant less, and then the request's 401 drops the token (`dropToken`) and the exact
   * scopes are asked for, so a covering token never costs more than one extra round trip.
   */
  function covering(bearer: BearerState, scopes: string[]): CachedToken | undefined {
    const issuer = issuerKey(bearer)
    const needed = scopeUnits(scopes)
    if (needed.size === 0) return undefined
    const now = clock.now()
    for (const entry of tokens.values()) {
      if (entry.issuer !== issuer || entry.units === undefined || entry.refreshAt <= now) continue
      const units = entry.units
      if ([...needed].every((unit) => units.has(unit))) return entry
    }
    return undefined
  }

  function dropToken(value: string): void {
    for (const [key, cached] of tokens) if (`Bearer ${cached.token}` === value) tokens.delete(key)
  }

  return {
    async authorization(scopes) {
      if (scheme.kind === 'basic') return basicAuthorization()
      if (scheme.kind !== 'bearer') return undefined
      const needed = scopeUpgrades.get(requestKey(scopes)) ?? scopes
      return `Bearer ${(await token(scheme.bearer, needed)).token}`
    },

    async afterUnauthorized(response, scopes, sent) {
      const challenge = learn(response)
      if (!challenge) return null
      if (scheme.kind === 'basic') {
        const next = await basicAuthorization()
        return next === undefined || next === sent ? null : next
      }
      if (scheme.kind !== 'bearer') return null
      const challenged = scopesFromChallenge(challenge)
      const known = scopeUpgrades.get(requestKey(scopes)) ?? scopes
      // insufficient_scope: the challenged scope goes first (some token servers only grant the first).
      const needed =
        challenge.params.error === 'insufficient_scope' ? mergeScopes([...challenged, ...known]) : mergeScopes([...known, ...challenged])
      if (needed.length !== known.length || needed.some((s, i) => s !== known[i])) scopeUpgrades.set(requestKey(scopes), needed)
      if (sent !== undefined) dropToken(sent)
      const next = `Bearer ${(await token(scheme.bearer, needed)).token}`
      return next === sent ? null : next
    },

    async prepare(scopes) {
      if (scheme.kind !== 'bearer') return
      const bearer = scheme.bearer
      const merged = mergeScopes(scopes)
      const groups: string[][] = []
      for (let i = 0; i < merged.length; i += maxScopesPerToken) groups.push(merged.slice(i, i + maxScopesPerToken))
      await Promise.all(groups.map((group) => token(bearer, group).catch(() => undefined)))
    },

    hasCredentials: () => gotCredentials,

    checkRealmHost: (realm) => guardRealm(realm),

    observe(response) {
      const challenges = parseChallenges(headerValues(response.headers, 'www-authenticate'))
      if (pickChallenge(challenges)) learn(response)
      return challenges
    },
  }
}

function issuerKey(bearer: BearerState): string {
  return JSON.stringify([bearer.realm.href, bearer.service ?? null])
}

/** Each `type:name:action` a scope list asks for; a string that is not a scope stands for itself. */
function scopeUnits(scopes: readonly string[]): Set<string> {
  const units = new Set<string>()
  for (const raw of scopes) {
    const scope = parseScope(raw)
    if (scope === null) units.add(raw)
    else for (const action of scope.actions) units.add(formatScope({ ...scope, actions: [action] }))
  }
  return units
}

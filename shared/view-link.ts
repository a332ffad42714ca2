// A view of Berth named so that any installation can open it: the registry by its address
// (host[:port]), then a repository, a tag or digest, the sort and the filter. One grammar, three
// spellings:
//   berth://registry.example.com:5050/group/app?tag=1.4.2&sort=date   what the OS hands the app
//   #/registry.example.com:5050/group/app?tag=1.4.2&sort=date         the location hash (app and web)
//   berth link registry.example.com:5050/group/app:1.4.2               the CLI, which prints the first
// Hashes written before links named addresses carried a profile id, which is local to one
// installation (`#/r/<id>/<repo>`): they still parse, and the renderer rewrites them to the address
// form once it knows that profile's address. The first path segment is an address by docker's
// rule (a dot, a port, or `localhost`), so a registry never reads as the legacy `r`.
//
// Pure and total: bad input is a value with a reason, never an exception. The parser used for links
// from outside (berth://) is strict, since a link may be hostile; the one for the location hash
// keeps what it can, since a stale or hand-edited hash should still open something.
import { escapeInvisible } from './visible-text'
import { platformSelectorPattern } from './platform'

export const sortKeys = ['name', 'semver', 'date', 'size'] as const
export type SortKey = (typeof sortKeys)[number]
export type SortDir = 'asc' | 'desc'
export type FilterMode = 'text' | 'regex'

export type RegistryRef = { kind: 'address'; address: string } | { kind: 'id'; id: string }

export interface ViewLink {
  registry: RegistryRef | null
  repository: string | null
  tag: string | null
  digest: string | null
  sort: SortKey
  dir: SortDir
  q: string
  mode: FilterMode
  /** Only tags that offer this platform (`os/arch[/variant]`, shared/platform.ts); '' = every tag. */
  platform: string
}

export const defaultViewLink: ViewLink = {
  registry: null,
  repository: null,
  tag: null,
  digest: null,
  sort: 'semver',
  dir: 'desc',
  q: '',
  mode: 'text',
  platform: '',
}

export type LinkParse = { ok: true; link: ViewLink } | { ok: false; reason: string }

/** The custom scheme registered with the OS (`berth://…` links open the app). */
export const linkScheme = 'berth'
export const maxLinkLength = 2048
const maxAddressLength = 300
const maxIdLength = 200
const maxRepositoryLength = 512
const maxTagLength = 256
const maxFilterLength = 512

/** Every name Docker Hub is known by; links use the one people type. */
const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])
export const dockerHubAddress = 'docker.io'

const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const hostnamePattern = new RegExp(`^${label}(?:\\.${label})*$`)
const ipv6Pattern = /^\[[0-9a-f:.]{2,45}\]$/
const digestPattern = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/
/** What a berth:// link may carry unencoded: RFC 3986 pchar, `/`, `?`, and `[ ]` of an IPv6 host. */
const linkCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%[\]]*$/

/**
 * Whether a first path segment names a registry: docker's own rule (distribution/reference
 * normalize.go, splitDockerDomain), so `r` (the legacy id form) or `library` never does.
 */
export function isRegistryLike(address: string): boolean {
  return address.includes('.') || address.includes(':') || address === 'localhost'
}

/**
 * `Registry.Example.com:443/` → `registry.example.com`; `localhost:05000` → `localhost:5000`;
 * `index.docker.io` → `docker.io`. Case, https' default port and trailing slashes do not make
 * another registry. Null for anything that is not host[:port] by docker's rule (a scheme, a path,
 * credentials, a bare single-label name without a port).
 */
export function normalizeRegistryAddress(input: string): string | null {
  const text = input.trim().replace(/\/+$/, '').toLowerCase()
  if (text.length === 0 || text.length > maxAddressLength) return null
  let host: string
  let port: string | undefined
  if (text.startsWith('[')) {
    const end = text.indexOf(']')
    if (end < 0) return null
    host = text.slice(0, end + 1)
    const rest = text.slice(end + 1)
    if (rest !== '') {
      if (!rest.startsWith(':')) return null
      port = rest.slice(1)
    }
    if (!ipv6Pattern.test(host) || !host.includes(':')) return null
  } else {
    const parts = text.split(':')
    if (parts.length > 2) return null
    host = parts[0] ?? ''
    port = parts[1]
    if (host.length > 253 || !hostnamePattern.test(host)) return null
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port)) return null
    const number = Number(port)
    if (number < 1 || number > 65535) return null
    port = String(number)
  }
  if (dockerHubAliases.has(host) && (port === undefined || port === '443')) return dockerHubAddress
  // `host:443` is `host`, except where the port is what marks a single-label name as a registry.
  if (port === '443' && isRegistryLike(host)) port = undefined
  const address = port === undefined ? host : `${host}:${port}`
  return isRegistryLike(address) ? address : null
}

/**
 * The address a link names a saved registry by, from its profile URL: https' default port is left
 * out; plain http keeps its port (`http://host` → `host:80`), so a link to it never resolves to an
 * https registry on the same host.
 */
export function registryAddressOfUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
  const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : '80'
  return normalizeRegistryAddress(`${parsed.hostname}:${port}`)
}

/**
 * The saved registry a link's address opens. Several profiles may share one address (two accounts
 * on one registry, or the same URL added twice): the one with the lowest id (code-unit order) wins,
 * so every load, tab and window picks the same one whatever order the list comes in; ids are slugs
 * of the host with `-2`, `-3`… for later duplicates, so that is usually the first one added.
 */
export function pickRegistryForAddress<T extends { id: string; url: string }>(registries: readonly T[], address: string): T | undefined {
  const wanted = normalizeRegistryAddress(address)
  if (wanted === null) return undefined
  let picked: T | undefined
  for (const registry of registries) {
    if (registryAddressOfUrl(registry.url) !== wanted) continue
    if (picked === undefined || registry.id < picked.id) picked = registry
  }
  return picked
}

/** For reasons: a bounded excerpt with control and invisible characters escaped. */
function shown(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}…` : text
  return escapeInvisible(cut)
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

type PathParse = { ok: true; registry: RegistryRef | null; repository: string | null } | { ok: false; reason: string }

function parsePath(path: string, strict: boolean): PathParse {
  const trimmed = path.replace(/\/+$/, '')
  if (trimmed === '') return { ok: true, registry: null, repository: null }
  let segments = trimmed.split('/')
  if (segments.includes('')) {
    if (strict) return { ok: false, reason: 'it has an empty path segment ("//")' }
    segments = segments.filter((s) => s !== '')
  }
  const decoded: string[] = []
  for (const segment of segments) {
    const value = decodeSegment(segment)
    if (value === null) return { ok: false, reason: 'it has malformed percent-encoding' }
    decoded.push(value)
  }
  const [first = '', ...rest] = decoded
  let registry: RegistryRef
  let names: string[]
  if (first === 'r' && rest.length > 0) {
    const id = rest[0] ?? ''
    if (id.length > maxIdLength || controlCharacters.test(id)) return { ok: false, reason: 'its registry id is not one Berth makes' }
    registry = { kind: 'id', id }
    names = rest.slice(1)
  } else {
    const address = normalizeRegistryAddress(first)
    if (address === null) {
      return { ok: false, reason: `"${shown(first)}" is not a registry address (host, host:port, or localhost[:port])` }
    }
    registry = { kind: 'address', address }
    names = rest
  }
  if (names.length === 0) return { ok: true, registry, repository: null }
  for (const name of names) {
    // `..` would climb out of /v2/<name>/ in every registry URL Berth builds from it.
    if (name === '.' || name === '..') return { ok: false, reason: 'its repository has a "." or ".." segment' }
    if (controlCharacters.test(name)) return { ok: false, reason: 'its repository contains a control character' }
    if (name.includes('/') || name.includes('\\')) return { ok: false, reason: 'a repository segment contains an encoded "/" or "\\"' }
  }
  const repository = names.join('/')
  if (repository.length > maxRepositoryLength) {
    return { ok: false, reason: `its repository is longer than ${maxRepositoryLength} characters` }
  }
  return { ok: true, registry, repository }
}

/** The one value of a parameter; a repeated one is ambiguous, and a strict parse refuses it. */
function single(
  params: URLSearchParams,
  name: string,
  strict: boolean,
): { ok: true; value: string | null } | { ok: false; reason: string } {
  const values = params.getAll(name)
  if (values.length > 1 && strict) return { ok: false, reason: `"${name}" is given ${values.length} times` }
  return { ok: true, value: values[0] ?? null }
}

type Field = { ok: true; apply: (link: ViewLink) => void } | { ok: false; reason: string }

function queryFields(params: URLSearchParams, hasRepository: boolean, strict: boolean): Field[] {
  const field = (name: string, check: (value: string) => string | null, apply: (link: ViewLink, value: string) => void): Field => {
    const found = single(params, name, strict)
    if (!found.ok) return found
    const value = found.value
    if (value === null) return { ok: true, apply: () => undefined }
    const problem = check(value)
    return problem === null ? { ok: true, apply: (link) => apply(link, value) } : { ok: false, reason: problem }
  }
  const inRepository = (name: string) => (hasRepository ? null : `"${name}" needs a repository in the path`)
  return [
    field(
      'tag',
      (v) =>
        inRepository('tag') ??
        (v === '' || v.length > maxTagLength || controlCharacters.test(v) ? `"tag" is not a tag name (${shown(v)})` : null),
      (link, v) => (link.tag = v),
    ),
    field(
      'digest',
      (v) => inRepository('digest') ?? (digestPattern.test(v) ? null : `"digest" is not sha256:<64 hex> or sha512:<128 hex> (${shown(v)})`),
      (link, v) => (link.digest = v),
    ),
    field(
      'sort',
      (v) => ((sortKeys as readonly string[]).includes(v) ? null : `"sort" must be one of ${sortKeys.join(', ')}`),
      (link, v) => (link.sort = v as SortKey),
    ),
    field(
      'dir',
      (v) => (v === 'asc' || v === 'desc' ? null : '"dir" must be asc or desc'),
      (link, v) => (link.dir = v as SortDir),
    ),
    field(
      'mode',
      (v) => (v === 'text' || v === 'regex' ? null : '"mode" must be text or regex'),
      (link, v) => (link.mode = v as FilterMode),
    ),
    field(
      'q',
      (v) =>
        v.length > maxFilterLength
          ? `"q" is longer than ${maxFilterLength} characters`
          : controlCharacters.test(v)
            ? '"q" contains a control character'
            : null,
      (link, v) => (link.q = v),
    ),
    field(
      'platform',
      (v) => (platformSelectorPattern.test(v) ? null : `"platform" is not os/arch[/variant] (${shown(v)})`),
      (link, v) => (link.platform = v.toLowerCase()),
    ),
  ]
}

/** `host:5050/group/app?tag=1` (what follows `berth://` or `#/`). Unknown parameters are ignored, for links from newer versions. */
function parseTarget(target: string, strict: boolean): LinkParse {
  const queryAt = target.indexOf('?')
  const path = parsePath(queryAt >= 0 ? target.slice(0, queryAt) : target, strict)
  if (!path.ok && strict) return path
  const link: ViewLink = { ...defaultViewLink }
  if (path.ok) {
    link.registry = path.registry
    link.repository = path.repository
  }
  const params = new URLSearchParams(queryAt >= 0 ? target.slice(queryAt + 1) : '')
  for (const field of queryFields(params, link.repository !== null, strict)) {
    if (field.ok) field.apply(link)
    else if (strict) return field
  }
  return { ok: true, link }
}

/** The location hash, leniently: what cannot be read is left at its default. */
export function parseHash(hash: string): ViewLink {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash
  if (raw.length > 2 * maxLinkLength) return { ...defaultViewLink }
  const parsed = parseTarget(raw.replace(/^\/+/, ''), false)
  return parsed.ok ? parsed.link : { ...defaultViewLink }
}

/** A berth:// link from outside (the OS, another user, a web page): every part checked. */
export function parseBerthLink(url: string): LinkParse {
  if (url.length > maxLinkLength) return { ok: false, reason: `it is longer than ${maxLinkLength} characters` }
  const prefix = `${linkScheme}:`
  if (url.slice(0, prefix.length).toLowerCase() !== prefix) return { ok: false, reason: 'it is not a berth:// link' }
  // `berth:/x`, `berth:///x` are what some launchers make of `berth://x`; a fragment means nothing here.
  const rest = url.slice(prefix.length).replace(/^\/+/, '').split('#')[0] ?? ''
  if (!linkCharacters.test(rest))
    return { ok: false, reason: 'it has characters a link carries only percent-encoded (spaces, control or non-ASCII characters)' }
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return { ok: false, reason: 'it has malformed percent-encoding' }
  return parseTarget(rest, true)
}

/** What follows `#/` or `berth://`, with the defaults left out so a plain link stays short. */
function formatTarget(link: ViewLink): string {
  if (link.registry === null) return ''
  let path = link.registry.kind === 'address' ? link.registry.address : `r/${encodeSegment(link.registry.id)}`
  if (link.repository !== null) path += `/${link.repository.split('/').map(encodeSegment).join('/')}`
  const query = new URLSearchParams()
  if (link.repository !== null && link.tag) query.set('tag', link.tag)
  if (link.repository !== null && link.digest) query.set('digest', link.digest)
  if (link.sort !== defaultViewLink.sort) query.set('sort', link.sort)
  if (link.dir !== defaultViewLink.dir) query.set('dir', link.dir)
  if (link.q !== '') query.set('q', link.q)
  if (link.mode !== defaultViewLink.mode) query.set('mode', link.mode)
  if (link.platform !== '') query.set('platform', link.platform)
  const qs = query.toString()
  return qs === '' ? path : `${path}?${qs}`
}

/** `:` and `@` are plain path characters (RFC 3986 pchar): keeping them readable keeps links readable. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%3A/gi, ':').replace(/%40/g, '@')
}

export function formatHash(link: ViewLink): string {
  return `#/${formatTarget(link)}`
}

/** The berth:// link of a view, or null when it names no registry by address (a local id means nothing elsewhere). */
export function formatBerthLink(link: ViewLink): string | null {
  if (link.registry?.kind !== 'address') return null
  return `${linkScheme}://${formatTarget(link)}`
}

/**
 * A berth:// link as the hash the renderer shows it by, rebuilt from the parsed parts so that only
 * what the parser accepted reaches the page. `berth://` alone opens the app as it is.
 */
export function berthLinkToHash(url: string): { ok: true; hash: string } | { ok: false; reason: string } {
  const parsed = parseBerthLink(url)
  return parsed.ok ? { ok: true, hash: formatHash(parsed.link) } : parsed
}

/** The link among a launch's arguments (Windows and Linux pass it on the command line). */
export function findBerthLink(argv: readonly string[]): string | undefined {
  const prefix = `${linkScheme}:`
  return argv.find((arg) => arg.slice(0, prefix.length).toLowerCase() === prefix)
}

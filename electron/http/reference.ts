// Image references and registry addresses. Grammar: distribution/reference (regexp.go):
// a name is `domain/path-component(/path-component)*`, components lower-case alphanumerics joined
// by `.`, `_`, `__` or dashes; tags `[\w][\w.-]{0,127}`; names at most 255 characters.
import { BerthError } from '../../shared/errors'
import type { RegistryEndpoint } from './client-types'
import { isDigest } from './digest'
import { hostnameOf, isLoopbackHost } from './host-address'
import { sanitizeForMessage } from './sanitize'

export { isLoopbackHost, isPrivateOrLinkLocalHost } from './host-address'

export interface ImageReference {
  registry: string
  repository: string
  tag?: string
  digest?: string
}

export const dockerHubRegistry = 'docker.io'
/** Where Docker Hub's v2 API actually lives. */
export const dockerHubApiUrl = 'https://registry-1.docker.io'
const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const tagPattern = /^\w[\w.-]{0,127}$/
const domainPattern =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:.]+\])(?::[0-9]{1,5})?$/
const maxNameLength = 255
const maxInputLength = 2048

function bad(input: string, problem: string, fix?: string): BerthError {
  return new BerthError({
    code: 'invalid_input',
    message: `"${sanitizeForMessage(input, 200)}" is not a valid image reference: ${problem}.`,
    fix: fix ?? 'Write it as host[:port]/path/name[:tag][@sha256:<hex>], e.g. registry.example.com:5000/team/app:1.2.',
  })
}

export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag)
}

export function isValidRepository(repository: string): boolean {
  return repository.length > 0 && repository.length <= maxNameLength && repository.split('/').every((c) => pathComponent.test(c))
}

function checkRepository(input: string, repository: string): void {
  for (const component of repository.split('/')) {
    if (component.length === 0) throw bad(input, 'it has an empty path component (double or trailing "/")')
    if (pathComponent.test(component)) continue
    if (pathComponent.test(component.toLowerCase()))
      throw bad(input, `repository names must be lower-case ("${sanitizeForMessage(component, 80)}")`)
    throw bad(
      input,
      `"${sanitizeForMessage(component, 80)}" is not a valid repository path component ` +
        '(lower-case letters, digits, and . _ __ - between them)',
    )
  }
}

function isRegistryLike(component: string): boolean {
  return component.includes('.') || component.includes(':') || component.toLowerCase() === 'localhost'
}

/** `host[:port]/path/name[:tag][@digest]`; the registry is required (Docker Hub is `docker.io/…`). */
export function parseImageReference(input: string): ImageReference {
  const text = input.trim()
  if (text.length === 0) throw bad(input, 'it is empty')
  if (text.length > maxInputLength) throw bad(input.slice(0, 100), 'it is far too long')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    throw bad(input, 'references have no scheme', 'Drop the "https://" prefix: registry.example.com/team/app:1.2.')
  if (/\s/.test(text)) throw bad(input, 'it contains whitespace')

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!isDigest(digest)) {
      const hint = isDigest(digest.toLowerCase()) ? 'digests use lower-case hex' : 'the digest must be sha256:<64 hex> or sha512:<128 hex>'
      throw bad(input, hint)
    }
  }
  const slash = rest.indexOf('/')
  if (slash < 0 || !isRegistryLike(rest.slice(0, slash))) {
    throw bad(
      input,
      'the registry host is missing',
      `Start with the registry host, e.g. registry.example.com/${sanitizeForMessage(rest, 80)} ` +
        `or docker.io/${sanitizeForMessage(rest, 80)} for Docker Hub.`,
    )
  }
  const domain = rest.slice(0, slash)
  let path = rest.slice(slash + 1)
  if (!domainPattern.test(domain)) throw bad(input, `"${sanitizeForMessage(domain, 80)}" is not a valid registry host[:port]`)
  const port = /:(\d+)$/.exec(domain)?.[1]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw bad(input, `port ${port} is out of range`)

  let tag: string | undefined
  const colon = path.lastIndexOf(':')
  if (colon >= 0) {
    tag = path.slice(colon + 1)
    path = path.slice(0, colon)
    if (!isValidTag(tag)) {
      throw bad(
        input,
        `"${sanitizeForMessage(tag, 80)}" is not a valid tag (letters, digits, _ . -; not starting with . or -; at most 128 characters)`,
      )
    }
  }
  if (path.length === 0) throw bad(input, 'the repository name is missing')
  checkRepository(input, path)

  let registry = domain.toLowerCase()
  let repository = path
  if (dockerHubAliases.has(registry)) {
    registry = dockerHubRegistry
    // Docker Hub official images live under library/ (docker pull nginx = docker.io/library/nginx).
    if (!repository.includes('/')) repository = `library/${repository}`
  }
  if (registry.length + 1 + repository.length > maxNameLength) throw bad(input, `the name is longer than ${maxNameLength} characters`)

  const ref: ImageReference = { registry, repository }
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

export function formatReference(reference: ImageReference): string {
  const tag = reference.tag !== undefined ? `:${reference.tag}` : ''
  const digest = reference.digest !== undefined ? `@${reference.digest}` : ''
  return `${reference.registry}/${reference.repository}${tag}${digest}`
}

function badAddress(input: string, problem: string, fix?: string): BerthError {
  return new BerthError({
    code: 'invalid_input',
    message: `"${sanitizeForMessage(input, 200)}" is not a registry address Berth can use: ${problem}.`,
    fix: fix ?? 'Write it as host, host:port or https://host[:port].',
  })
}

/**
 * `host`, `host:port`, `https://host[:port]`, `http://…`, with an optional trailing `/` or `/v2/`.
 * https by default; http only for loopback or when the user passed `insecure`
 * (docs/registry-notes.md "TLS": plain HTTP only for a registry the user marked insecure).
 */
export function parseRegistryAddress(input: string, options?: { insecure?: boolean }): RegistryEndpoint {
  const insecureAllowed = options?.insecure ?? false
  const text = input.trim()
  if (text.length === 0) throw badAddress(input, 'it is empty')
  if (text.length > maxInputLength) throw badAddress(input.slice(0, 100), 'it is far too long')
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase()
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https')
    throw badAddress(input, `the ${scheme}:// scheme is not supported (only https and http)`)
  let url: URL
  try {
    url = new URL(scheme === undefined ? `https://${text}` : text)
  } catch {
    throw badAddress(input, 'it is not a valid host or URL')
  }
  if (url.username || url.password) {
    // Never echo the address back: it carries a password.
    const withoutCredentials = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`
    throw badAddress(
      withoutCredentials,
      'it contains credentials (user:password@), which were not used',
      'Remove "user:password@" and enter the credentials in the sign-in fields (or --username with --password-stdin).',
    )
  }
  if (url.search || url.hash) throw badAddress(input, 'it has a query or fragment')
  const path = url.pathname.replace(/\/+$/, '')
  if (path !== '' && path !== '/v2') {
    throw badAddress(
      input,
      `it has a path (${sanitizeForMessage(url.pathname, 80)}); the v2 API lives at the root of the host`,
      'Enter only the registry host; add repositories separately.',
    )
  }
  if (url.hostname === '') throw badAddress(input, 'the host is missing')

  const hostLower = url.host.toLowerCase()
  if (dockerHubAliases.has(hostLower)) {
    return { url: dockerHubApiUrl, host: dockerHubRegistry, insecure: false }
  }
  const isHttp = url.protocol === 'http:'
  if (isHttp && !insecureAllowed && !isLoopbackHost(hostnameOf(url.host))) {
    throw badAddress(
      input,
      'plain http is only used for loopback registries or when you allow it',
      'Use https, or pass --insecure (mark the registry insecure) if this registry really serves plain HTTP.',
    )
  }
  return { url: `${url.protocol}//${url.host}`, host: url.host, insecure: insecureAllowed || isHttp }
}

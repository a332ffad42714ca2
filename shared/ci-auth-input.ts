// What the CI and Kubernetes credential generators (shared/ci-auth.ts) are given, checked: the
// formats, the registry's key in each client's credential file, Kubernetes names, and the
// credential itself. Pure, so the renderer (placeholder form), main (real values) and the CLI
// all check the same way.
import { BerthError } from './errors'

export const ciAuthFormats = [
  'kubectl',
  'secret-yaml',
  'image-pull-secrets',
  'docker-auth-config',
  'docker-login',
  'podman-auth',
  'gitlab-ci',
] as const
export type CiAuthFormat = (typeof ciAuthFormats)[number]

/** The formats that can carry the real secret; the others hold only variable names or no credential at all. */
export const ciAuthSecretFormats = ['kubectl', 'secret-yaml', 'docker-auth-config', 'docker-login', 'podman-auth'] as const
export type CiAuthSecretFormat = (typeof ciAuthSecretFormats)[number]

export function isSecretFormat(format: CiAuthFormat): format is CiAuthSecretFormat {
  return (ciAuthSecretFormats as readonly string[]).includes(format)
}

export const ciAuthFormatLabels: Record<CiAuthFormat, string> = {
  kubectl: 'kubectl create secret',
  'secret-yaml': 'Secret manifest',
  'image-pull-secrets': 'imagePullSecrets (Deployment)',
  'docker-auth-config': 'DOCKER_AUTH_CONFIG',
  'docker-login': 'docker login',
  'podman-auth': 'podman auth.json',
  'gitlab-ci': '.gitlab-ci.yml',
}

/** The variables GitLab gives a job when the project has a deploy token named `gitlab-deploy-token`. */
export const deployTokenVariables = { username: 'CI_DEPLOY_USER', password: 'CI_DEPLOY_PASSWORD' } as const

/** Safe to paste anywhere: variable names. Or the real secret, which only main and the CLI ever hold. */
export type CiCredential = { kind: 'variables' } | { kind: 'secret'; username: string; password: string }

/** The registry as CI clients name it. */
export interface CiAuthTarget {
  /** host[:port], lower-case, no scheme: what image references start with. */
  host: string
  dockerHub: boolean
}

const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])

/** The target of a profile: its URL's host[:port] (a bare host is taken as is); Docker Hub by kind or by name. */
export function ciTargetFor(registryUrl: string, kind?: string): CiAuthTarget {
  const text = registryUrl.trim()
  let host: string
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).host.toLowerCase()
  } catch {
    throw new BerthError({ code: 'invalid_input', message: `"${text.slice(0, 200)}" is not a registry address.` })
  }
  const hostname = host.replace(/:\d+$/, '')
  return { host, dockerHub: kind === 'dockerhub' || dockerHubAliases.has(hostname) }
}

/**
 * The key under `auths` that docker, the kubelet (a dockerconfigjson Secret) and GitLab Runner
 * (DOCKER_AUTH_CONFIG) look up. Docker Hub's is the v1 index URL: Kubernetes' "Pull an Image from
 * a Private Registry" says `--docker-server` is "your Private Docker Registry FQDN. Use
 * https://index.docker.io/v1/ for DockerHub". Every other registry is host[:port] without a scheme,
 * as in GitLab's DOCKER_AUTH_CONFIG example (`"registry.example.com:5000": {"auth": …}`,
 * docs.gitlab.com ci/docker/using_docker_images "Access an image from a private container registry").
 */
export function dockerConfigKey(target: CiAuthTarget): string {
  return target.dockerHub ? 'https://index.docker.io/v1/' : target.host
}

/**
 * The key podman, buildah and skopeo write to auth.json: a bare hostname, `docker.io` for Docker Hub
 * (containers-auth.json(5): "Each entry either contains a single hostname (e.g. docker.io) or a
 * namespace … as a key").
 */
export function podmanAuthKey(target: CiAuthTarget): string {
  return target.dockerHub ? 'docker.io' : target.host
}

/** The host image references use (`docker.io/library/x` for Docker Hub). */
export function imageHostOf(target: CiAuthTarget): string {
  return target.dockerHub ? 'docker.io' : target.host
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/**
 * Why `value` cannot be a Secret's name (a DNS-1123 subdomain: ≤ 253 characters) or a namespace (a
 * DNS-1123 label: ≤ 63), in the API server's words; null when it can.
 */
export function whyNotKubernetesName(value: string, what: 'secret' | 'namespace'): string | null {
  const [pattern, max, kind] = what === 'secret' ? [dnsSubdomain, 253, 'subdomain'] : [dnsLabel, 63, 'label']
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  const noun = what === 'secret' ? 'Secret name' : 'namespace'
  if (value.length === 0) return `The ${noun} is empty.`
  if (value.length > max) return `${shown} is not a valid ${noun}: it must be no more than ${max} characters.`
  if (!pattern.test(value)) {
    const allowed = what === 'secret' ? "lower case alphanumeric characters, '-' or '.'" : "lower case alphanumeric characters or '-'"
    return (
      `${shown} is not a valid ${noun}: a lowercase RFC 1123 ${kind} must consist of ${allowed}, ` +
      'and must start and end with an alphanumeric character.'
    )
  }
  return null
}

/** Throws `invalid_input` naming what is wrong and how to write it. */
export function checkKubernetesName(value: string, what: 'secret' | 'namespace'): string {
  const problem = whyNotKubernetesName(value, what)
  if (problem === null) return value
  throw new BerthError({
    code: 'invalid_input',
    message: problem,
    fix:
      what === 'secret'
        ? 'Use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, e.g. registry-pull.'
        : 'Use lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. team-a.',
  })
}

/** A default Secret name from the registry: `registry-example-com-pull`. */
export function defaultSecretName(target: CiAuthTarget): string {
  const base = (target.dockerHub ? 'docker-hub' : target.host)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
  return `${base || 'registry'}-pull`
}

/** A DNS-1123 label from the last path segment of a repository, for a Deployment's and container's name. */
export function workloadNameFor(repository: string): string {
  const last = repository.split('/').at(-1) ?? ''
  const name = last
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
  return name || 'app'
}

/**
 * The secret as a registry takes it over HTTP Basic (RFC 7617): a user-id holds no colon (the `auth`
 * field splits at the first one) and no control character; the password may hold anything but must
 * not be empty.
 */
export function checkSecretCredential(username: string, password: string): void {
  if (username.length === 0 || password.length === 0) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'A registry credential needs both a username and a password or token.',
      fix: 'For a GitLab deploy token, the username looks like gitlab+deploy-token-12 and the token like gldt-….',
    })
  }
  if (username.includes(':')) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'A registry username cannot contain ":" (HTTP Basic splits user and password at the first colon).',
      fix: 'Check that the username and the token were not pasted into one field.',
    })
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(username)) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'A registry username cannot contain control characters or line breaks.',
      fix: 'Paste the username alone, without a trailing newline.',
    })
  }
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Standard base64 of the UTF-8 bytes, one line: no wrapping, no trailing newline (unlike `base64` without -w0). */
export function base64Of(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1] ?? 0
    const c = bytes[i + 2] ?? 0
    const triple = (a << 16) | (b << 8) | c
    out += base64Alphabet[(triple >> 18) & 63] ?? ''
    out += base64Alphabet[(triple >> 12) & 63] ?? ''
    out += i + 1 < bytes.length ? (base64Alphabet[(triple >> 6) & 63] ?? '') : '='
    out += i + 2 < bytes.length ? (base64Alphabet[triple & 63] ?? '') : '='
  }
  return out
}

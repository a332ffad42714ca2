// Credentials for CI and Kubernetes, as text people paste: a kubectl pull-secret command, the Secret
// manifest, a Deployment's imagePullSecrets, GitLab's DOCKER_AUTH_CONFIG, a docker login line, a
// podman auth.json, a .gitlab-ci.yml login. Each with variables ($CI_DEPLOY_USER,
// $CI_DEPLOY_PASSWORD), safe anywhere, or with the real secret, which only main (desktop clipboard)
// and the CLI ever pass in: this module is pure and never stores what it is given.
//
// The pieces people get wrong by hand are done once here: the server key each client looks up
// (ci-auth-input.ts), base64 on one line, every shell value quoted so that quotes, spaces, `$` and
// line breaks survive, Kubernetes names checked. Proven by the real tools in
// test/integration/ci-auth-tools.test.ts (kubectl, skopeo against the lab).
import { BerthError } from './errors'
import {
  base64Of,
  checkKubernetesName,
  checkSecretCredential,
  ciAuthFormatLabels,
  deployTokenVariables,
  dockerConfigKey,
  imageHostOf,
  isSecretFormat,
  podmanAuthKey,
  workloadNameFor,
  type CiAuthFormat,
  type CiAuthTarget,
  type CiCredential,
} from './ci-auth-input'
import { shellQuote } from './pull-commands'

export interface CiAuthRequest {
  target: CiAuthTarget
  format: CiAuthFormat
  /** The pull Secret's name (DNS-1123 subdomain). */
  name: string
  /** Omitted: the namespace kubectl is pointed at. */
  namespace?: string | undefined
  /** The image a Deployment pulls, by a digest the registry confirmed (imagePullSecrets, .gitlab-ci.yml). */
  image?: { repository: string; digest: string } | undefined
  credential: CiCredential
}

export interface CiAuthOutput {
  format: CiAuthFormat
  label: string
  text: string
  /** True when `text` holds the real secret: never show it, log it or send it to a renderer. */
  containsSecret: boolean
}

const { username: userVariable, password: passwordVariable } = deployTokenVariables
/** `"$(…)"`: base64 of user:password computed by the shell from the variables, on one line. */
const authFromVariables = `"$(printf '%s:%s' "$${userVariable}" "$${passwordVariable}" | base64 | tr -d '\\n')"`

export function generateCiAuth(request: CiAuthRequest): CiAuthOutput {
  const name = checkKubernetesName(request.name, 'secret')
  const namespace =
    request.namespace === undefined || request.namespace === '' ? undefined : checkKubernetesName(request.namespace, 'namespace')
  const { credential, format } = request
  if (credential.kind === 'secret') checkSecretCredential(credential.username, credential.password)
  const input = { ...request, name, namespace }
  const text = render(input)
  return { format, label: ciAuthFormatLabels[format], text, containsSecret: credential.kind === 'secret' && isSecretFormat(format) }
}

type CheckedRequest = CiAuthRequest & { namespace: string | undefined }

function render(request: CheckedRequest): string {
  switch (request.format) {
    case 'kubectl':
      return kubectlCommand(request)
    case 'secret-yaml':
      return secretManifest(request)
    case 'image-pull-secrets':
      return deploymentManifest(request)
    case 'docker-auth-config':
      return dockerAuthConfig(request)
    case 'docker-login':
      return dockerLogin(request)
    case 'podman-auth':
      return podmanAuthJson(request)
    case 'gitlab-ci':
      return gitlabCi(request)
  }
}

/** The same JSON `kubectl create secret docker-registry` writes: username, password, auth (base64 of user:password). */
export function dockerConfigJson(target: CiAuthTarget, username: string, password: string): string {
  return JSON.stringify({ auths: { [dockerConfigKey(target)]: { username, password, auth: base64Of(`${username}:${password}`) } } })
}

function shellValues(credential: CiCredential): { user: string; password: string } {
  return credential.kind === 'secret'
    ? { user: shellQuote(credential.username), password: shellQuote(credential.password) }
    : { user: `"$${userVariable}"`, password: `"$${passwordVariable}"` }
}

function kubectlCommand({ target, name, namespace, credential }: CheckedRequest): string {
  const { user, password } = shellValues(credential)
  return [
    `kubectl create secret docker-registry ${name}`,
    `--docker-server=${shellQuote(dockerConfigKey(target))}`,
    `--docker-username=${user}`,
    `--docker-password=${password}`,
    ...(namespace ? [`--namespace=${namespace}`] : []),
    '--dry-run=client -o yaml | kubectl apply -f -',
  ].join(' ')
}

function metadataLines(name: string, namespace: string | undefined): string[] {
  return ['metadata:', `  name: ${name}`, ...(namespace ? [`  namespace: ${namespace}`] : [])]
}

function secretManifest({ target, name, namespace, credential }: CheckedRequest): string {
  const head = ['apiVersion: v1', 'kind: Secret', ...metadataLines(name, namespace), 'type: kubernetes.io/dockerconfigjson']
  if (credential.kind === 'secret') {
    return [
      ...head,
      'data:',
      `  .dockerconfigjson: ${base64Of(dockerConfigJson(target, credential.username, credential.password))}`,
      '',
    ].join('\n')
  }
  // A template for envsubst: `stringData` takes the JSON as text, so the shell fills in the values.
  const template = JSON.stringify({
    auths: {
      [dockerConfigKey(target)]: { username: `\${${userVariable}}`, password: `\${${passwordVariable}}`, auth: '${CI_DEPLOY_AUTH}' },
    },
  })
  return [
    '# A template: the values come from the environment when it is applied, never from this file.',
    `#   export CI_DEPLOY_AUTH=${authFromVariables}`,
    `#   envsubst '$${userVariable} $${passwordVariable} $CI_DEPLOY_AUTH' < pull-secret.yaml | kubectl apply -f -`,
    '# The values land inside JSON and YAML quotes: right for deploy tokens (letters, digits, + - _ .),',
    '# not for a password holding " \\ or \'; use the kubectl format for those.',
    ...head,
    'stringData:',
    `  .dockerconfigjson: '${template}'`,
    '',
  ].join('\n')
}

function deploymentManifest({ target, name, namespace, image }: CheckedRequest): string {
  if (!image) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'The imagePullSecrets snippet needs an image, pinned by the digest the registry confirmed.',
      fix: 'Open it from a tag (Copy → Use in CI / Kubernetes…), or pass --image REPOSITORY:TAG (resolved to its digest).',
    })
  }
  const app = workloadNameFor(image.repository)
  const reference = `${imageHostOf(target)}/${image.repository}@${image.digest}`
  // Kubernetes "Pull an Image from a Private Registry": the Pod spec names the Secret under
  // imagePullSecrets; a Deployment carries the same Pod spec in its template.
  return [
    `# Pulls ${reference} with the pull Secret ${name} (create it first: the kubectl or Secret format).`,
    'apiVersion: apps/v1',
    'kind: Deployment',
    ...metadataLines(app, namespace),
    'spec:',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    `      app: ${app}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${app}`,
    '    spec:',
    '      imagePullSecrets:',
    `        - name: ${name}`,
    '      containers:',
    `        - name: ${app}`,
    `          image: ${JSON.stringify(reference)}`,
    '',
  ].join('\n')
}

function dockerAuthConfig({ target, credential }: CheckedRequest): string {
  const key = dockerConfigKey(target)
  if (credential.kind === 'secret') {
    // GitLab's documented form: `{"auths": {"registry.example.com:5000": {"auth": "<base64 of user:password>"}}}`.
    return JSON.stringify({ auths: { [key]: { auth: base64Of(`${credential.username}:${credential.password}`) } } })
  }
  return [
    '# Prints the DOCKER_AUTH_CONFIG value: run it where the variables are set and store the output',
    '# as a masked CI/CD variable (Settings → CI/CD → Variables) named DOCKER_AUTH_CONFIG.',
    `printf '{"auths":{"%s":{"auth":"%s"}}}\\n' ${shellQuote(key)} ${authFromVariables}`,
  ].join('\n')
}

function dockerLogin({ target, credential }: CheckedRequest): string {
  const { user, password } = shellValues(credential)
  // No server for Docker Hub: it is docker's default registry. printf, not echo: no newline added
  // (docker login --password-stdin drops one trailing newline, so a password ending in one could not be given).
  if (credential.kind === 'secret' && /\r?\n$/.test(credential.password)) {
    throw new BerthError({
      code: 'invalid_input',
      message: 'This password ends with a line break, which docker login --password-stdin removes.',
      fix: 'Use the DOCKER_AUTH_CONFIG or auth.json format, which keep it.',
    })
  }
  const server = target.dockerHub ? '' : ` ${shellQuote(target.host)}`
  return `printf '%s' ${password} | docker login${server} --username ${user} --password-stdin`
}

function podmanAuthJson({ target, credential }: CheckedRequest): string {
  const key = podmanAuthKey(target)
  if (credential.kind === 'secret') {
    return `${JSON.stringify({ auths: { [key]: { auth: base64Of(`${credential.username}:${credential.password}`) } } }, null, 2)}\n`
  }
  return [
    '# Prints an auth.json (containers-auth.json(5)) for podman, buildah and skopeo: save it and pass',
    '# --authfile FILE, or set REGISTRY_AUTH_FILE.',
    `printf '{"auths":{"%s":{"auth":"%s"}}}\\n' ${shellQuote(key)} ${authFromVariables}`,
  ].join('\n')
}

function gitlabCi({ target, image }: CheckedRequest): string {
  const server = target.dockerHub ? '' : ` ${target.host}`
  const pull = image ? `docker pull ${imageHostOf(target)}/${image.repository}@${image.digest}` : null
  // docs.gitlab.com user/packages/container_registry/authenticate_with_container_registry: "A deploy
  // token … echo "$CI_DEPLOY_PASSWORD" | docker login $CI_REGISTRY -u $CI_DEPLOY_USER --password-stdin".
  // GitLab sets CI_DEPLOY_USER/CI_DEPLOY_PASSWORD from a deploy token named gitlab-deploy-token
  // (user/project/deploy_tokens "GitLab deploy token"); never commit a real secret to this file.
  return [
    '# Needs a deploy token named gitlab-deploy-token with the read_registry scope (project or group):',
    '# GitLab passes it to every job as $CI_DEPLOY_USER and $CI_DEPLOY_PASSWORD.',
    'pull-image:',
    '  image: docker:cli',
    '  services:',
    '    - docker:dind',
    '  script:',
    `    - echo "$${passwordVariable}" | docker login${server} -u "$${userVariable}" --password-stdin`,
    ...(pull ? [`    - ${pull}`] : ['    # - docker pull <image>@sha256:<digest>']),
    '',
  ].join('\n')
}

// The CI / Kubernetes credential generators as text: the server key each client looks up, base64 on
// one line, names checked the API server's way, every shell value quoted. The real tools (kubectl,
// skopeo, sh) check the same outputs in test/integration/ci-auth-tools.test.ts.
import { describe, expect, it } from 'vitest'
import { generateCiAuth, type CiAuthRequest } from '../../../shared/ci-auth'
import {
  base64Of,
  ciTargetFor,
  defaultSecretName,
  dockerConfigKey,
  podmanAuthKey,
  whyNotKubernetesName,
  workloadNameFor,
} from '../../../shared/ci-auth-input'
import { BerthError } from '../../../shared/errors'

const gitlab = ciTargetFor('https://registry.gitlab.example:5050', 'gitlab')
const hub = ciTargetFor('https://registry-1.docker.io', 'dockerhub')
const digest = `sha256:${'ab'.repeat(32)}`
const secret = { kind: 'secret' as const, username: 'gitlab+deploy-token-7', password: 'gldt-S3cr3t' }

function text(request: Partial<CiAuthRequest> & Pick<CiAuthRequest, 'format'>): string {
  return generateCiAuth({ target: gitlab, name: 'registry-pull', credential: secret, ...request }).text
}

function refusal(run: () => unknown): BerthError {
  try {
    run()
  } catch (error) {
    if (error instanceof BerthError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('the server key each client looks up', () => {
  it.each([
    ['https://registry.gitlab.example:5050', 'gitlab', 'registry.gitlab.example:5050', 'registry.gitlab.example:5050', false],
    ['http://127.0.0.1:5000', 'distribution', '127.0.0.1:5000', '127.0.0.1:5000', false],
    ['REGISTRY.Example.com', undefined, 'registry.example.com', 'registry.example.com', false],
    ['https://registry-1.docker.io', 'dockerhub', 'https://index.docker.io/v1/', 'docker.io', true],
    ['docker.io', undefined, 'https://index.docker.io/v1/', 'docker.io', true],
    ['https://index.docker.io', 'generic', 'https://index.docker.io/v1/', 'docker.io', true],
  ])('%s (%s): docker/kubelet key %s, podman key %s', (url, kind, dockerKey, podmanKey, dockerHub) => {
    const target = ciTargetFor(url, kind)
    expect(target.dockerHub).toBe(dockerHub)
    expect(dockerConfigKey(target)).toBe(dockerKey)
    expect(podmanAuthKey(target)).toBe(podmanKey)
    // No scheme except Docker Hub's documented v1 URL; never a path.
    if (!dockerHub) expect(dockerKey).not.toMatch(/^https?:|\//)
  })
})

describe('base64', () => {
  it('matches Node on ASCII, UTF-8 and every padding length, on one line', () => {
    for (const value of ['', 'a', 'ab', 'abc', 'user:pässwörd', 'x'.repeat(200), 'p a$"x\ny\u{1F511}']) {
      expect(base64Of(value)).toBe(Buffer.from(value, 'utf8').toString('base64'))
      expect(base64Of(value)).not.toMatch(/\s/)
    }
  })
})

describe('Kubernetes names', () => {
  it.each([
    ['regcred', 'secret', null],
    ['registry.example.com-pull', 'secret', null],
    ['Regcred', 'secret', /lowercase RFC 1123 subdomain/],
    ['-pull', 'secret', /start and end with an alphanumeric/],
    ['a'.repeat(254), 'secret', /no more than 253/],
    ['team-a', 'namespace', null],
    ['team.a', 'namespace', /RFC 1123 label/],
    ['a'.repeat(64), 'namespace', /no more than 63/],
    ['', 'namespace', /empty/],
  ] as const)('%s as a %s', (value, what, problem) => {
    const why = whyNotKubernetesName(value, what)
    if (problem === null) expect(why).toBeNull()
    else expect(why).toMatch(problem)
  })

  it('refuses a bad name or namespace with what is wrong and how to write it', () => {
    const bad = refusal(() => text({ format: 'kubectl', name: 'My_Secret' }))
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toContain('"My_Secret" is not a valid Secret name')
    expect(bad.fix).toMatch(/lowercase letters, digits/)
    expect(refusal(() => text({ format: 'secret-yaml', namespace: 'Team A' })).message).toContain('is not a valid namespace')
  })

  it('derives a valid default Secret name and workload name', () => {
    expect(defaultSecretName(gitlab)).toBe('registry-gitlab-example-5050-pull')
    expect(defaultSecretName(hub)).toBe('docker-hub-pull')
    expect(whyNotKubernetesName(defaultSecretName(ciTargetFor('http://127.0.0.1:5000')), 'secret')).toBeNull()
    expect(workloadNameFor('group/sub/My_App.v2')).toBe('my-app-v2')
    expect(workloadNameFor('___')).toBe('app')
  })
})

describe('the outputs with the real secret', () => {
  it('kubectl: the documented command, every value quoted, namespace only when given, piped to apply', () => {
    expect(text({ format: 'kubectl', namespace: 'team-a', credential: { kind: 'secret', username: 'bot', password: "it's $HOME" } })).toBe(
      'kubectl create secret docker-registry registry-pull --docker-server=registry.gitlab.example:5050 --docker-username=bot ' +
        "--docker-password='it'\\''s $HOME' --namespace=team-a --dry-run=client -o yaml | kubectl apply -f -",
    )
    expect(text({ format: 'kubectl' })).not.toContain('--namespace')
    expect(generateCiAuth({ target: hub, format: 'kubectl', name: 'hub', credential: secret }).text).toContain(
      '--docker-server=https://index.docker.io/v1/ ',
    )
  })

  it('Secret manifest: type dockerconfigjson with the same JSON kubectl writes, base64 on one line', () => {
    const yaml = text({ format: 'secret-yaml', namespace: 'team-a' })
    expect(yaml).toMatch(
      /^apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: registry-pull\n {2}namespace: team-a\ntype: kubernetes.io\/dockerconfigjson\ndata:\n/,
    )
    const encoded = /\.dockerconfigjson: (\S+)\n$/.exec(yaml)?.[1] ?? ''
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).toEqual({
      auths: {
        'registry.gitlab.example:5050': {
          username: secret.username,
          password: secret.password,
          auth: Buffer.from(`${secret.username}:${secret.password}`).toString('base64'),
        },
      },
    })
  })

  it('DOCKER_AUTH_CONFIG and auth.json: GitLab’s documented {"auths":{host:{"auth":…}}}; podman keys Docker Hub as docker.io', () => {
    const auth = Buffer.from(`${secret.username}:${secret.password}`).toString('base64')
    expect(JSON.parse(text({ format: 'docker-auth-config' }))).toEqual({ auths: { 'registry.gitlab.example:5050': { auth } } })
    expect(text({ format: 'docker-auth-config' })).not.toContain('\n')
    expect(JSON.parse(generateCiAuth({ target: hub, format: 'podman-auth', name: 'x', credential: secret }).text)).toEqual({
      auths: { 'docker.io': { auth } },
    })
    expect(JSON.parse(generateCiAuth({ target: hub, format: 'docker-auth-config', name: 'x', credential: secret }).text)).toEqual({
      auths: { 'https://index.docker.io/v1/': { auth } },
    })
  })

  it('docker login: the password on stdin through printf (no newline added), never on the command line', () => {
    expect(text({ format: 'docker-login', credential: { kind: 'secret', username: 'ci bot', password: 'p"w d' } })).toBe(
      "printf '%s' 'p\"w d' | docker login registry.gitlab.example:5050 --username 'ci bot' --password-stdin",
    )
    // Docker Hub is docker's default registry: no server argument.
    expect(generateCiAuth({ target: hub, format: 'docker-login', name: 'x', credential: secret }).text).toBe(
      "printf '%s' gldt-S3cr3t | docker login --username gitlab+deploy-token-7 --password-stdin",
    )
    const line = text({ format: 'docker-login' })
    expect(line).not.toMatch(/--password[ =]|-p /)
    expect(refusal(() => text({ format: 'docker-login', credential: { kind: 'secret', username: 'u', password: 'p\n' } })).fix).toMatch(
      /DOCKER_AUTH_CONFIG or auth\.json/,
    )
  })

  it('marks exactly the outputs that hold the secret', () => {
    const holding = (['kubectl', 'secret-yaml', 'docker-auth-config', 'docker-login', 'podman-auth'] as const).map(
      (format) => generateCiAuth({ target: gitlab, format, name: 'x', credential: secret }).containsSecret,
    )
    expect(holding).toEqual([true, true, true, true, true])
    const image = { repository: 'group/app', digest }
    for (const format of ['image-pull-secrets', 'gitlab-ci'] as const) {
      const output = generateCiAuth({ target: gitlab, format, name: 'x', image, credential: secret })
      expect(output.containsSecret).toBe(false)
      expect(output.text).not.toContain(secret.password)
    }
  })

  it('refuses a username with a colon or a line break, and an empty secret', () => {
    expect(refusal(() => text({ format: 'kubectl', credential: { kind: 'secret', username: 'a:b', password: 'p' } })).message).toMatch(
      /cannot contain ":"/,
    )
    expect(refusal(() => text({ format: 'kubectl', credential: { kind: 'secret', username: 'a\n', password: 'p' } })).message).toMatch(
      /control characters/,
    )
    expect(refusal(() => text({ format: 'kubectl', credential: { kind: 'secret', username: 'a', password: '' } })).message).toMatch(
      /needs both/,
    )
  })
})

describe('the variables form', () => {
  const variables = { kind: 'variables' as const }

  it('uses "$CI_DEPLOY_USER" and "$CI_DEPLOY_PASSWORD", double-quoted so the shell expands them intact', () => {
    const kubectl = text({ format: 'kubectl', credential: variables })
    expect(kubectl).toContain('--docker-username="$CI_DEPLOY_USER" --docker-password="$CI_DEPLOY_PASSWORD"')
    expect(text({ format: 'docker-login', credential: variables })).toBe(
      `printf '%s' "$CI_DEPLOY_PASSWORD" | docker login registry.gitlab.example:5050 --username "$CI_DEPLOY_USER" --password-stdin`,
    )
    for (const format of ['docker-auth-config', 'podman-auth'] as const) {
      expect(text({ format, credential: variables })).toContain(
        `"$(printf '%s:%s' "$CI_DEPLOY_USER" "$CI_DEPLOY_PASSWORD" | base64 | tr -d '\\n')"`,
      )
    }
    expect(text({ format: 'secret-yaml', credential: variables })).toContain('"username":"${CI_DEPLOY_USER}"')
  })

  it('.gitlab-ci.yml logs in with the deploy-token variables as GitLab documents it, and pulls the image by digest', () => {
    const yaml = text({ format: 'gitlab-ci', credential: variables, image: { repository: 'group/app', digest } })
    expect(yaml).toContain(
      '    - echo "$CI_DEPLOY_PASSWORD" | docker login registry.gitlab.example:5050 -u "$CI_DEPLOY_USER" --password-stdin\n',
    )
    expect(yaml).toContain(`    - docker pull registry.gitlab.example:5050/group/app@${digest}\n`)
    expect(yaml).toContain('gitlab-deploy-token')
  })

  it('imagePullSecrets: a Deployment pulling the image by digest with the named Secret; refused without an image', () => {
    const yaml = text({ format: 'image-pull-secrets', namespace: 'team-a', image: { repository: 'group/My_App', digest } })
    expect(yaml).toContain('      imagePullSecrets:\n        - name: registry-pull\n')
    expect(yaml).toContain(`          image: "registry.gitlab.example:5050/group/My_App@${digest}"\n`)
    expect(yaml).toContain('  name: my-app\n  namespace: team-a\n')
    expect(
      generateCiAuth({
        target: hub,
        format: 'image-pull-secrets',
        name: 'x',
        image: { repository: 'library/nginx', digest },
        credential: variables,
      }).text,
    ).toContain(`docker.io/library/nginx@${digest}`)
    expect(refusal(() => text({ format: 'image-pull-secrets' })).message).toMatch(/needs an image/)
  })
})

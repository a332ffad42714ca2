// CI and Kubernetes credentials proven by the tools that read them, not by Berth: kubectl builds a
// Secret from Berth's arguments and parses Berth's manifests; skopeo pulls from the lab's token-auth
// + TLS registry with each generated credential file (a dockerconfigjson, DOCKER_AUTH_CONFIG, a
// podman auth.json — the same lookup podman does); sh runs the generated lines, variables form
// included. A wrong password in the same flow must fail. kubectl lives at /usr/bin/kubectl on the
// machines here; where it is missing, its tests say so loudly and skip (nothing else may skip).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCiAuth, type CiAuthRequest } from '../../shared/ci-auth'
import { ciTargetFor, type CiAuthFormat, type CiCredential } from '../../shared/ci-auth-input'
import { getLab } from '../lab/lab-client'

const lab = getLab()
const target = ciTargetFor(lab.tls.url)
const { reader } = lab.users
const repository = 'acme/web'
const kubectlPath = '/usr/bin/kubectl'
const hasKubectl = existsSync(kubectlPath)
if (!hasKubectl) {
  console.error(
    `\n${'!'.repeat(100)}\n!!! ${kubectlPath} is MISSING: the kubectl proofs of CI credentials are SKIPPED on this machine.\n` +
      `${'!'.repeat(100)}\n`,
  )
}
// No cluster: kubectl must never reach for one (every call here is --dry-run=client or --local).
const kubeEnv = { ...process.env, KUBECONFIG: '/nonexistent/berth-ci-auth-kubeconfig' }
const tricky = `it's a "pa$$word" with \\ backslash, spaces,\nnewline\tand \u00e9`

let work: string
let certDir: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'berth-ci-auth-tools-'))
  certDir = join(work, 'certs')
  spawnSync('mkdir', ['-p', certDir])
  writeFileSync(join(certDir, 'ca.crt'), lab.tls.caPem)
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function generate(format: CiAuthFormat, credential: CiCredential, extra: Partial<CiAuthRequest> = {}): string {
  return generateCiAuth({ target, format, name: 'lab-pull', namespace: 'team-a', credential, ...extra }).text
}

const real = (username: string, password: string): CiCredential => ({ kind: 'secret', username, password })

function run(command: string, args: string[], input?: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { input, env, encoding: 'utf8', timeout: 60_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function ok(result: ReturnType<typeof run>, what: string): string {
  expect(result.status, `${what} failed: ${result.stderr}`).toBe(0)
  return result.stdout
}

/** `skopeo inspect` of acme/web:latest on the lab's token + TLS registry with this auth file, as podman would read it. */
function pullWith(authJson: string) {
  const file = join(work, `auth-${Math.random().toString(16).slice(2)}.json`)
  writeFileSync(file, authJson)
  return run('skopeo', ['inspect', '--raw', '--authfile', file, '--cert-dir', certDir, `docker://${lab.tls.host}/${repository}:latest`])
}

interface SecretObject {
  kind: string
  type: string
  metadata: { name: string; namespace?: string }
  data?: Record<string, string>
  stringData?: Record<string, string>
}

/** The decoded .dockerconfigjson of a Secret kubectl printed as JSON. */
function dockerConfigOf(secret: SecretObject): string {
  return Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8')
}

/** kubectl reads a manifest without a cluster (`label --local`) and prints what it understood. */
function kubectlParse(manifest: string): SecretObject {
  return JSON.parse(
    ok(run(kubectlPath, ['label', '--local', '-f', '-', '-o', 'json', 'berth-check=parsed'], manifest, kubeEnv), 'kubectl label --local'),
  ) as SecretObject
}

/** Berth's kubectl line run by sh, printing JSON instead of piping to `kubectl apply` (no cluster here). */
function runKubectlLine(line: string, env: NodeJS.ProcessEnv = kubeEnv): SecretObject {
  expect(line.endsWith(' --dry-run=client -o yaml | kubectl apply -f -')).toBe(true)
  const local = line.replace(/ -o yaml \| kubectl apply -f -$/, ' -o json')
  return JSON.parse(
    ok(run('sh', ['-c', local], undefined, { ...env, PATH: `/usr/bin:${process.env.PATH ?? ''}` }), 'kubectl line'),
  ) as SecretObject
}

describe.skipIf(!hasKubectl)('kubectl and Berth agree on the pull Secret', () => {
  it("kubectl's Secret from Berth's arguments equals Berth's own manifest, and both pull from the lab", () => {
    const fromKubectl = runKubectlLine(generate('kubectl', real(reader.username, reader.password)))
    const fromBerth = kubectlParse(generate('secret-yaml', real(reader.username, reader.password)))
    for (const secret of [fromKubectl, fromBerth]) {
      expect(secret).toMatchObject({
        kind: 'Secret',
        type: 'kubernetes.io/dockerconfigjson',
        metadata: { name: 'lab-pull', namespace: 'team-a' },
      })
    }
    expect(JSON.parse(dockerConfigOf(fromBerth))).toEqual(JSON.parse(dockerConfigOf(fromKubectl)))
    expect(Object.keys((JSON.parse(dockerConfigOf(fromKubectl)) as { auths: object }).auths)).toEqual([lab.tls.host])
    ok(pullWith(dockerConfigOf(fromKubectl)), 'skopeo with kubectl’s Secret')
    ok(pullWith(dockerConfigOf(fromBerth)), 'skopeo with Berth’s Secret')
  })

  it('a password with quotes, $, backslashes, tabs and line breaks survives the shell into the Secret', () => {
    const secret = runKubectlLine(generate('kubectl', real('ci bot', tricky)))
    const entry = (JSON.parse(dockerConfigOf(secret)) as { auths: Record<string, { username: string; password: string; auth: string }> })
      .auths[lab.tls.host]
    expect(entry?.username).toBe('ci bot')
    expect(entry?.password).toBe(tricky)
    expect(Buffer.from(entry?.auth ?? '', 'base64').toString('utf8')).toBe(`ci bot:${tricky}`)
    expect(JSON.parse(dockerConfigOf(kubectlParse(generate('secret-yaml', real('ci bot', tricky)))))).toEqual(
      JSON.parse(dockerConfigOf(secret)),
    )
  })

  it('the variables form, run where CI_DEPLOY_USER and CI_DEPLOY_PASSWORD are set, makes the same working Secret', () => {
    const env = { ...kubeEnv, CI_DEPLOY_USER: reader.username, CI_DEPLOY_PASSWORD: reader.password }
    ok(pullWith(dockerConfigOf(runKubectlLine(generate('kubectl', { kind: 'variables' }), env))), 'skopeo with the variables kubectl line')
    // The manifest template through envsubst, as its header says.
    const template = join(work, 'pull-secret.yaml')
    writeFileSync(template, generate('secret-yaml', { kind: 'variables' }))
    const script = [
      `export CI_DEPLOY_AUTH="$(printf '%s:%s' "$CI_DEPLOY_USER" "$CI_DEPLOY_PASSWORD" | base64 | tr -d '\\n')"`,
      `envsubst '$CI_DEPLOY_USER $CI_DEPLOY_PASSWORD $CI_DEPLOY_AUTH' < '${template}'`,
    ].join('\n')
    const filled = ok(run('sh', ['-c', script], undefined, env), 'envsubst')
    // The API server turns stringData into data; kubectl --local shows it as written.
    const parsed = kubectlParse(filled)
    expect(parsed).toMatchObject({ type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'lab-pull', namespace: 'team-a' } })
    ok(pullWith(parsed.stringData?.['.dockerconfigjson'] ?? ''), 'skopeo with the envsubst-filled Secret')
  })

  it('the imagePullSecrets Deployment is read by kubectl into its typed form with nothing dropped', () => {
    const digest = lab.truth.repositories[repository]?.latest?.digest ?? ''
    expect(digest).toMatch(/^sha256:/)
    const manifest = generate('image-pull-secrets', { kind: 'variables' }, { image: { repository, digest } })
    const typed = JSON.parse(
      ok(
        run(kubectlPath, ['set', 'env', '--local', '-f', '-', '-o', 'json', 'BERTH_CHECK=1'], manifest, kubeEnv),
        'kubectl set env --local',
      ),
    ) as {
      kind: string
      metadata: { name: string; namespace: string }
      spec: {
        selector: unknown
        template: { metadata: { labels: unknown }; spec: { imagePullSecrets: unknown; containers: { name: string; image: string }[] } }
      }
    }
    expect(typed.kind).toBe('Deployment')
    expect(typed.metadata).toMatchObject({ name: 'web', namespace: 'team-a' })
    expect(typed.spec.selector).toEqual({ matchLabels: { app: 'web' } })
    expect(typed.spec.template.metadata.labels).toEqual({ app: 'web' })
    expect(typed.spec.template.spec.imagePullSecrets).toEqual([{ name: 'lab-pull' }])
    expect(typed.spec.template.spec.containers).toMatchObject([{ name: 'web', image: `${lab.tls.host}/${repository}@${digest}` }])
  })
})

describe('DOCKER_AUTH_CONFIG and auth.json pull from the lab', () => {
  it('the real values work as skopeo/podman auth files, and a wrong password in the same flow fails', () => {
    for (const format of ['docker-auth-config', 'podman-auth'] as const) {
      ok(pullWith(generate(format, real(reader.username, reader.password))), `skopeo with ${format}`)
      const wrong = pullWith(generate(format, real(reader.username, `${reader.password}-wrong`)))
      expect(wrong.status, `${format} with a wrong password`).not.toBe(0)
      expect(wrong.stderr).toMatch(/unauthorized|authentication required|401/i)
    }
  })

  it('the variables form prints a working value where the variables are set', () => {
    const env = { ...process.env, CI_DEPLOY_USER: reader.username, CI_DEPLOY_PASSWORD: reader.password }
    for (const format of ['docker-auth-config', 'podman-auth'] as const) {
      const value = ok(run('sh', ['-c', generate(format, { kind: 'variables' })], undefined, env), format)
      ok(pullWith(value), `skopeo with the printed ${format}`)
    }
  })

  it.skipIf(!hasKubectl)('a wrong password in the kubectl flow makes a Secret that does not pull', () => {
    const wrong = pullWith(dockerConfigOf(runKubectlLine(generate('kubectl', real(reader.username, `${reader.password}x`)))))
    expect(wrong.status).not.toBe(0)
  })

  it('the docker login line hands docker exactly the password on stdin and the user as an argument', () => {
    const capture = join(work, 'docker-stdin')
    const fakeDocker = `docker() { cat > '${capture}'; printf '%s\\n' "$@" > '${capture}.args'; }\n`
    ok(run('sh', ['-c', fakeDocker + generate('docker-login', real('ci bot', tricky))]), 'docker login line')
    expect(run('cat', [capture]).stdout).toBe(tricky)
    expect(run('cat', [`${capture}.args`]).stdout).toBe(`login\n${lab.tls.host}\n--username\nci bot\n--password-stdin\n`)
  })
})

// `berth ci-auth` against the lab's token + TLS registry, and GitLab deploy tokens through the GitLab
// recording (written from GitLab's API docs, not captured): the CLI prints to stdout only, refuses
// a real secret on a terminal without --show-secret, resolves --image to the digest the registry
// serves, and a created deploy token is shown once and pulls (skopeo is the witness).
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/doors/cli/cli'
import type { CliIo } from '../../electron/doors/cli/cli-output'
import { createEngine } from '../../electron/session/engine'
import type { ClipboardPort } from '../../electron/session/secret-clipboard'
import { createProfileStore } from '../../electron/stores/profiles/profile-store'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { startGitlabRecording } from '../fixtures/recording-server'
import { getLab } from '../lab/lab-client'

const lab = getLab()
const { reader } = lab.users
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function berth(args: string[], options: { stdin?: string; tty?: boolean; dataDir?: string } = {}) {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isTty: false,
    stdoutIsTty: options.tty ?? false,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    confirm: () => Promise.resolve(false),
  }
  const code = await runCli(args, io, { ...process.env, BERTH_DATA_DIR: options.dataDir ?? temp('berth-ci-cli-') })
  return { code, stdout, stderr }
}

/** skopeo inspect with this auth file: the pull a CI job or podman would do (async: the recording runs in this process). */
function pulls(authJson: string, reference: string, tls: boolean): Promise<{ status: number | null; stderr: string }> {
  const dir = temp('berth-ci-pull-')
  writeFileSync(join(dir, 'auth.json'), authJson)
  writeFileSync(join(dir, 'ca.crt'), lab.tls.caPem)
  const tlsArgs = tls ? ['--cert-dir', dir] : ['--tls-verify=false']
  return new Promise((resolve) => {
    execFile(
      'skopeo',
      ['inspect', '--raw', '--authfile', join(dir, 'auth.json'), ...tlsArgs, `docker://${reference}`],
      { timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
    )
  })
}

const labArgs = ['--ca', lab.tls.caPath, '--username', reader.username, '--password-stdin']

describe('berth ci-auth on the lab', () => {
  it('refuses to print a real secret to a terminal without --show-secret, before reading any credential', async () => {
    const refused = await berth(['ci-auth', lab.tls.host, '--format', 'podman-auth', ...labArgs], { stdin: reader.password, tty: true })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr).toMatch(/prints a real secret and standard output is a terminal.*--show-secret/)
    expect(refused.stderr).not.toContain(reader.password)
    const shown = await berth(['ci-auth', lab.tls.host, '--format', 'podman-auth', '--show-secret', ...labArgs], {
      stdin: reader.password,
      tty: true,
    })
    expect(shown.code).toBe(0)
    expect((await pulls(shown.stdout, `${lab.tls.host}/acme/web:latest`, true)).status).toBe(0)
    // Variables hold no secret: fine on a terminal.
    const variables = await berth(['ci-auth', lab.tls.host, '--format', 'kubectl', '--placeholders', '--namespace', 'team-a'], {
      tty: true,
    })
    expect(variables.code).toBe(0)
    expect(variables.stdout).toContain('--docker-username="$CI_DEPLOY_USER" --docker-password="$CI_DEPLOY_PASSWORD" --namespace=team-a')
  })

  it('prints DOCKER_AUTH_CONFIG to a pipe that pulls; a wrong password in the same flow does not', async () => {
    const dataDir = temp('berth-ci-cli-files-')
    const good = await berth(['ci-auth', lab.tls.host, '--format', 'docker-auth-config', ...labArgs], {
      stdin: `${reader.password}\n`,
      dataDir,
    })
    expect(good.code, good.stderr).toBe(0)
    expect((await pulls(good.stdout, `${lab.tls.host}/acme/web:latest`, true)).status).toBe(0)
    // Nothing written to disk holds it (the secret went to stdout only).
    const written = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    for (const file of written) expect(readFileSync(join(file.parentPath, file.name), 'latin1')).not.toContain(reader.password)
    const bad = await berth(['ci-auth', lab.tls.host, '--format', 'docker-auth-config', ...labArgs], { stdin: 'wrong-password' })
    expect(bad.code).toBe(0)
    expect((await pulls(bad.stdout, `${lab.tls.host}/acme/web:latest`, true)).status).not.toBe(0)
  })

  it('resolves --image to the digest the registry serves, and prints JSON with the server key', async () => {
    const run = await berth(
      ['ci-auth', lab.tls.host, '--format', 'image-pull-secrets', '--image', 'acme/web:latest', '--name', 'lab-pull', '--json', ...labArgs],
      {
        stdin: reader.password,
      },
    )
    expect(run.code, run.stderr).toBe(0)
    const answer = JSON.parse(run.stdout) as { format: string; server: string; containsSecret: boolean; text: string }
    expect(answer).toMatchObject({ format: 'image-pull-secrets', server: lab.tls.host, containsSecret: false })
    const digest = lab.truth.repositories['acme/web']?.latest?.digest ?? 'missing'
    expect(answer.text).toContain(`image: "${lab.tls.host}/acme/web@${digest}"`)
    expect(answer.text).toContain('- name: lab-pull')
  })

  it('says what is wrong with a bad namespace, format or combination', async () => {
    const namespace = await berth(['ci-auth', lab.tls.host, '--format', 'kubectl', '--placeholders', '--namespace', 'Team_A'])
    expect(namespace.code).toBe(1)
    expect(namespace.stderr).toContain('"Team_A" is not a valid namespace')
    const format = await berth(['ci-auth', lab.tls.host, '--format', 'helm'])
    expect(format.stderr).toMatch(/--format must be one of kubectl, secret-yaml, image-pull-secrets/)
    const contradiction = await berth([
      'ci-auth',
      lab.tls.host,
      '--format',
      'kubectl',
      '--placeholders',
      '--create-deploy-token',
      'project:a/b',
    ])
    expect(contradiction.stderr).toMatch(/contradict/)
    const noCredential = await berth(['ci-auth', lab.tls.host, '--format', 'kubectl'])
    expect(noCredential.code).toBe(3)
    expect(noCredential.stderr).toMatch(/--username U --password-stdin/)
  })
})

describe('GitLab deploy tokens (recording)', () => {
  async function gitlabSetup() {
    const gitlab = await startGitlabRecording()
    cleanups.push(() => gitlab.close())
    return gitlab
  }

  it('the app makes a read_registry deploy token; holds it in main only, copies a working auth.json, keeps nothing unasked', async () => {
    const gitlab = await gitlabSetup()
    const secrets = createMemorySecretStore()
    const board = { text: '' }
    const clipboard: ClipboardPort = {
      readText: () => board.text,
      writeText: (text) => void (board.text = text),
      clear: () => void (board.text = ''),
    }
    const dataDirectory = temp('berth-ci-gitlab-')
    const core = createEngine({ dataDirectory, secrets, clipboard })
    cleanups.push(() => core.close())
    const saved = await core.api.saveRegistry({
      profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab', gitlabUrl: gitlab.gitlabUrl },
    })
    await core.api.login({ registryId: saved.id, username: 'mae', secret: 'glpat-recorded-maintainer' })
    expect((await core.api.ciAuthInfo({ registryId: saved.id })).deployTokens).toBe(true)

    const created = await core.api.createDeployToken({
      registryId: saved.id,
      owner: { kind: 'project', path: 'platform/api' },
      name: 'ci-pull',
      expiresAt: '2099-01-31',
      save: false,
    })
    const [recorded] = gitlab.deployTokens
    expect(recorded).toMatchObject({
      name: 'ci-pull',
      scopes: ['read_registry'],
      expiresAt: '2099-01-31T00:00:00.000Z',
      owner: { fullPath: 'platform/api' },
    })
    expect(created).toMatchObject({
      username: recorded?.username,
      saved: false,
      deployToken: { name: 'ci-pull', scopes: ['read_registry'] },
    })
    expect(JSON.stringify(created)).not.toContain(recorded?.token ?? 'missing')
    expect(await secrets.get(`${saved.id}:ci-pull`)).toBeNull()

    await core.api.copyCiAuth({
      registryId: saved.id,
      format: 'podman-auth',
      name: 'x',
      credential: { kind: 'held', credentialId: created.credentialId },
    })
    const registryHost = new URL(gitlab.registryUrl).host
    expect((await pulls(board.text, `${registryHost}/platform/api:latest`, false)).status).toBe(0)
    // Least privilege: the token reads its own project's registry, nothing else (the maintainer's PAT can read that image).
    const maintainer = JSON.stringify({
      auths: { [registryHost]: { auth: Buffer.from('mae:glpat-recorded-maintainer').toString('base64') } },
    })
    expect((await pulls(maintainer, `${registryHost}/ada/sandbox:try-1`, false)).status).toBe(0)
    expect((await pulls(board.text, `${registryHost}/ada/sandbox:try-1`, false)).status).not.toBe(0)
  })

  it('a reporter cannot create one: the refusal says which role is needed; the CLI shows a new token once, on stdout', async () => {
    const gitlab = await gitlabSetup()
    const core = createEngine({
      dataDirectory: temp('berth-ci-gitlab-'),
      secrets: createMemorySecretStore(),
      clipboard: { readText: () => '', writeText: () => undefined, clear: () => undefined },
    })
    cleanups.push(() => core.close())
    const saved = await core.api.saveRegistry({
      profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab', gitlabUrl: gitlab.gitlabUrl },
    })
    await core.api.login({ registryId: saved.id, username: 'ada', secret: 'glpat-recorded-developer' })
    await expect(
      core.api.createDeployToken({ registryId: saved.id, owner: { kind: 'project', path: 'platform/api' }, name: 'x', save: false }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    expect(gitlab.deployTokens).toHaveLength(0)

    // The CLI with a saved GitLab profile and the PAT for this call only.
    const dataDir = temp('berth-ci-cli-gitlab-')
    createProfileStore(join(dataDir, 'profiles.json')).save({
      name: 'GitLab',
      url: gitlab.registryUrl,
      kind: 'gitlab',
      gitlabUrl: gitlab.gitlabUrl,
    })
    const registryHost = new URL(gitlab.registryUrl).host
    const run = await berth(
      [
        'ci-auth',
        registryHost,
        '--format',
        'docker-auth-config',
        '--create-deploy-token',
        'group:platform',
        '--token-name',
        'group-pull',
        '--username',
        'mae',
        '--password-stdin',
      ],
      { stdin: 'glpat-recorded-maintainer', dataDir },
    )
    expect(run.code, run.stderr).toBe(0)
    const [token] = gitlab.deployTokens
    expect(token).toMatchObject({ name: 'group-pull', owner: { kind: 'group', fullPath: 'platform' }, scopes: ['read_registry'] })
    expect(run.stderr).toMatch(/created deploy token "group-pull" .* shows the token only now/)
    expect(run.stderr).not.toContain(token?.token ?? 'missing')
    expect((await pulls(run.stdout, `${registryHost}/platform/tools/lint:stable`, false)).status).toBe(0)
  })
})

// What each tag holds, and the commands that fit it, on the real lab: `berth pull-cmd` for the Helm
// chart (charts/demo), the WebAssembly module, SPDX SBOM and generic artifact of acme/artifacts, and
// an image; `berth tags --details --json` kinds. Neither helm nor oras is packaged by Debian, so
// skopeo is the witness that a printed by-digest reference names exactly the manifest Berth
// described.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TagRowJson } from '../../electron/doors/cli/browse-commands'
import { berthInProcess } from '../support/cli-run'
import { getLab } from '../lab/lab-client'
import { ARTIFACTS_REPOSITORY, GENERIC_ARTIFACT_TYPE } from '../lab/fixtures-artifacts'

const lab = getLab()
const open = lab.open.host
let dataDir: string
let caFile: string

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-artifact-commands-'))
  caFile = join(dataDir, 'lab-ca.pem')
  writeFileSync(caFile, lab.tls.caPem)
})

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function berth(args: string[], stdin?: string) {
  return berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir }, ...(stdin !== undefined ? { stdin } : {}) })
}

function truthDigest(repository: string, tag: string): string {
  const digest = lab.truth.repositories[repository]?.[tag]?.digest
  if (digest === undefined) throw new Error(`no truth for ${repository}:${tag}`)
  return digest
}

describe('berth pull-cmd for a Helm chart', () => {
  const chart = `${open}/charts/demo`
  const digest = truthDigest('charts/demo', '0.1.0')

  it('prints helm pull with the version beside a tagless oci:// URL, and --plain-http for a plain-HTTP registry', async () => {
    const run = await berth(['pull-cmd', `${chart}:0.1.0`])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toBe(`helm pull oci://${chart} --version 0.1.0 --plain-http\n`)
    const install = await berth(['pull-cmd', `${chart}:0.1.0`, '--format', 'helm-install'])
    expect(install.stdout).toBe(`helm install demo oci://${chart} --version 0.1.0 --plain-http\n`)
    const byDigest = await berth(['pull-cmd', `${chart}:0.1.0`, '--format', 'helm-pull-digest'])
    expect(byDigest.stdout).toBe(`helm pull oci://${chart}@${digest} --plain-http\n`)
    const fromDigest = await berth(['pull-cmd', `${chart}@${digest}`, '--format', 'helm-install-digest'])
    expect(fromDigest.stdout).toBe(`helm install demo oci://${chart}@${digest} --plain-http\n`)
  })

  it('refuses docker for a chart, naming what it is and the formats that fit', async () => {
    for (const format of ['docker', 'podman', 'from', 'kubectl-secret', 'oras']) {
      const run = await berth(['pull-cmd', `${chart}:0.1.0`, '--format', format])
      expect(run.code, format).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain(`--format ${format} does not fit ${chart}:0.1.0 (Helm chart demo 0.1.0 (app 1.0.0))`)
      expect(run.stderr).toContain('use helm-pull, helm-pull-digest, helm-install, helm-install-digest, reference, digest')
    }
  })

  it('lists only helm commands and references in --json, never docker', async () => {
    const run = await berth(['pull-cmd', `${chart}:0.1.0`, '--json'])
    const commands = JSON.parse(run.stdout) as { id: string; command: string }[]
    expect(commands.map((c) => c.id)).toEqual([
      'helm-pull',
      'helm-pull-digest',
      'helm-install',
      'helm-install-digest',
      'reference',
      'digest-reference',
    ])
    expect(commands.map((c) => c.command).join('\n')).not.toMatch(/docker|podman|FROM|kubectl/)
  })

  it('leaves --plain-http out over TLS', async () => {
    const { username, password } = lab.users.reader
    const run = await berth(
      ['pull-cmd', `${lab.tls.host}/charts/demo:0.1.0`, '--ca', caFile, '--username', username, '--password-stdin'],
      `${password}\n`,
    )
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toBe(`helm pull oci://${lab.tls.host}/charts/demo --version 0.1.0\n`)
  })
})

describe('berth pull-cmd for artifacts and images', () => {
  const artifacts = `${open}/${ARTIFACTS_REPOSITORY}`

  it.each(['wasm', 'sbom', 'docs-1.0'])('pulls %s with oras, and refuses docker naming oras', async (tag) => {
    const run = await berth(['pull-cmd', `${artifacts}:${tag}`])
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: `oras pull ${artifacts}:${tag} --plain-http\n` })
    const digest = await berth(['pull-cmd', `${artifacts}:${tag}`, '--format', 'oras-digest'])
    expect(digest.stdout).toBe(`oras pull ${artifacts}@${truthDigest(ARTIFACTS_REPOSITORY, tag)} --plain-http\n`)
    const docker = await berth(['pull-cmd', `${artifacts}:${tag}`, '--format', 'docker'])
    expect(docker.code).toBe(1)
    expect(docker.stderr).toMatch(/does not fit .*: use oras, oras-digest, reference, digest\n/)
  })

  it('keeps docker for an image, as before, and refuses helm for it', async () => {
    const image = `${open}/acme/web:2.3.0`
    expect((await berth(['pull-cmd', image])).stdout).toBe(`docker pull ${image}\n`)
    expect((await berth(['pull-cmd', image, '--format', 'from'])).stdout).toBe(
      `FROM ${open}/acme/web@${truthDigest('acme/web', '2.3.0')}\n`,
    )
    const helm = await berth(['pull-cmd', image, '--format', 'helm-pull'])
    expect(helm.code).toBe(1)
    expect(helm.stderr).toContain('(Container image): use docker, docker-digest, podman, nerdctl, reference, digest, from, kubectl-secret')
  })

  it('says what is wrong with an unknown --format or --kind', async () => {
    const format = await berth(['pull-cmd', `${artifacts}:wasm`, '--format', 'wasmtime'])
    expect(format.code).toBe(1)
    expect(format.stderr).toMatch(/--format must be one of docker, .*helm-pull.*oras/)
    const kind = await berth(['pull-cmd', `${artifacts}:wasm`, '--kind', 'module'])
    expect(kind.stderr).toContain('--kind must be one of image, helm-chart, sbom, attestation, wasm, signature, artifact')
  })

  it('prints a by-digest reference skopeo resolves to the very manifest the truth names', async () => {
    for (const [repository, tag] of [
      ['charts/demo', '0.1.0'],
      [ARTIFACTS_REPOSITORY, 'wasm'],
      [ARTIFACTS_REPOSITORY, 'sbom'],
    ] as const) {
      const reference = (await berth(['pull-cmd', `${open}/${repository}:${tag}`, '--format', 'digest'])).stdout.trim()
      const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reference}`])
      expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(truthDigest(repository, tag))
    }
  })
})

describe('berth tags --details', () => {
  it('says in --json what each tag holds', async () => {
    const chart = await berth(['tags', `${open}/charts/demo`, '--details', '--json'])
    const [row] = JSON.parse(chart.stdout) as TagRowJson[]
    expect(row?.artifact).toEqual({ kind: 'helm-chart', name: 'demo', version: '0.1.0', appVersion: '1.0.0' })

    const artifacts = await berth(['tags', `${open}/${ARTIFACTS_REPOSITORY}`, '--details', '--json'])
    expect(artifacts.code).toBe(0)
    const kinds = Object.fromEntries((JSON.parse(artifacts.stdout) as TagRowJson[]).map((r) => [r.tag, r.artifact]))
    expect(kinds).toEqual({
      wasm: { kind: 'wasm' },
      sbom: { kind: 'sbom', format: 'SPDX' },
      'docs-1.0': { kind: 'artifact', artifactType: GENERIC_ARTIFACT_TYPE },
    })

    const image = await berth(['tags', `${open}/acme/multiarch`, '--details', '--json'])
    for (const r of JSON.parse(image.stdout) as TagRowJson[]) expect(r.artifact).toEqual({ kind: 'image' })
  })

  it('says in berth inspect what the reference holds, and in --json its facts', async () => {
    const text = await berth(['inspect', `${open}/charts/demo:0.1.0`])
    expect(text.stdout).toContain('Holds:         Helm chart demo 0.1.0 (app 1.0.0)\n')
    const json = await berth(['inspect', `${open}/${ARTIFACTS_REPOSITORY}:sbom`, '--json'])
    expect((JSON.parse(json.stdout) as { details: TagRowJson }).details.artifact).toEqual({ kind: 'sbom', format: 'SPDX' })
  })

  it('names each kind in the table’s TYPE column', async () => {
    const chart = await berth(['tags', `${open}/charts/demo`, '--details'])
    expect(chart.stdout).toMatch(/0\.1\.0 .* Helm chart demo 0\.1\.0 \(app 1\.0\.0\)\n/)
    const artifacts = await berth(['tags', `${open}/${ARTIFACTS_REPOSITORY}`, '--details'])
    expect(artifacts.stdout).toMatch(/wasm .* WebAssembly\n/)
    expect(artifacts.stdout).toMatch(/sbom .* SBOM \(SPDX\)\n/)
    expect(artifacts.stdout).toContain(`OCI artifact ${GENERIC_ARTIFACT_TYPE}`)
  })
})

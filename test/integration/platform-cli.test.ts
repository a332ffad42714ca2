// Per-platform inspect and the tags platform filter on the lab's multi-platform images: an OCI index
// (acme/multiarch: linux/amd64, linux/arm64/v8 and a buildx attestation) and a Docker manifest list
// (acme/legacy-list). skopeo, which shares no code with Berth, is the witness for what the arm64
// image holds.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Inspection } from '../../shared/types'
import type { TagRowJson } from '../../electron/doors/cli/browse-commands'
import { getLab } from '../lab/lab-client'
import { berthInProcess, type CliRun } from '../support/cli-run'

let dataDir: string

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-platform-cli-'))
})

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

function berth(args: string[]): Promise<CliRun> {
  return berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir } })
}

/** skopeo against the lab's open registry (plain HTTP on loopback). */
function skopeo(args: string[]): string {
  const result = spawnSync('skopeo', ['inspect', '--tls-verify=false', ...args], { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`skopeo inspect ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

interface RawManifest {
  manifests?: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[]
  config?: { digest: string }
  layers?: { digest: string; size: number }[]
}

describe('berth inspect --platform on an OCI index', () => {
  const image = () => `${getLab().open.host}/acme/multiarch:1.0`

  it('gives the arm64 image: the manifest, layers and config skopeo reads for arm64', async () => {
    const run = await berth(['inspect', image(), '--platform', 'linux/arm64', '--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const inspection = JSON.parse(run.stdout) as Inspection

    const index = JSON.parse(skopeo(['--raw', `docker://${image()}`])) as RawManifest
    const armEntry = index.manifests?.find((m) => m.platform?.architecture === 'arm64')
    expect(armEntry).toBeDefined()
    const arm = JSON.parse(skopeo(['--raw', `docker://${getLab().open.host}/acme/multiarch@${armEntry?.digest}`])) as RawManifest
    const armConfig = JSON.parse(skopeo(['--override-arch', 'arm64', '--override-variant', 'v8', '--config', `docker://${image()}`])) as {
      architecture: string
      variant?: string
      config: { Cmd: string[]; Env: string[] }
      history: { created_by?: string }[]
    }

    expect(inspection.details.kind).toBe('index')
    expect(inspection.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(inspection.platformImage?.digest).toBe(armEntry?.digest)
    expect(inspection.platformImage?.configDigest).toBe(arm.config?.digest)
    expect(inspection.layers.map((l) => [l.digest, l.size])).toEqual(arm.layers?.map((l) => [l.digest, l.size]))
    expect(inspection.config?.architecture).toBe(armConfig.architecture)
    expect(inspection.config?.variant).toBe(armConfig.variant)
    expect(inspection.config?.cmd).toEqual(armConfig.config.Cmd)
    expect(inspection.config?.env).toEqual(armConfig.config.Env)
    expect(inspection.config?.history.map((h) => h.createdBy)).toEqual(armConfig.history.map((h) => h.created_by))
    // The truth of the lab: the arm64 image of this index.
    const truth = getLab().truth.repositories['acme/multiarch']?.['1.0']
    expect(inspection.platformImage?.size).toBe(truth?.platforms.find((p) => p.architecture === 'arm64')?.size)
  })

  it('without --platform lists every entry, the attestation as one, and shows no image of its own', async () => {
    const run = await berth(['inspect', image(), '--json'])
    expect(run.code).toBe(0)
    const inspection = JSON.parse(run.stdout) as Inspection
    expect(inspection.platform).toBeNull()
    expect(inspection.layers).toEqual([])
    expect(inspection.config).toBeNull()
    const truth = getLab().truth.repositories['acme/multiarch']?.['1.0']
    const platforms = inspection.manifests.filter((m) => m.kind === 'platform')
    expect(platforms.map((m) => [m.digest, m.size, m.layerCount])).toEqual(truth?.platforms.map((p) => [p.digest, p.size, 3]))
    expect(platforms.every((m) => m.created !== null)).toBe(true)
    const attestations = inspection.manifests.filter((m) => m.kind === 'attestation')
    expect(attestations).toHaveLength(1)
    expect(attestations[0]?.platform).toBeNull()
    expect(attestations[0]?.attests).toBe(truth?.platforms.find((p) => p.architecture === 'amd64')?.digest)
  })

  it('prints the platform table and says how to pick one; with --platform, which one the layers are', async () => {
    const plain = await berth(['inspect', image()])
    expect(plain.code).toBe(0)
    expect(plain.stdout).toMatch(/PLATFORM\s+DIGEST\s+SIZE\s+LAYERS\s+CREATED/)
    expect(plain.stdout).toMatch(/linux\/arm64\/v8\s+sha256:/)
    expect(plain.stdout).toMatch(/attestation\s+sha256:\S+\s+.*attests linux\/amd64/)
    expect(plain.stdout).toContain(`berth inspect ${image()} --platform linux/amd64`)
    expect(plain.stdout).not.toContain('Layers:')

    const arm = await berth(['inspect', image(), '--platform', 'linux/arm64/v8'])
    expect(arm.code).toBe(0)
    expect(arm.stdout).toContain('Showing platform linux/arm64/v8 of this index:')
    expect(arm.stdout).toContain('<- shown below')
    expect(arm.stdout).toContain('Layers:')
  })

  it('names the platforms offered when the one asked for is absent, and refuses a malformed one', async () => {
    const absent = await berth(['inspect', image(), '--platform', 'linux/s390x', '--json'])
    expect(absent.code).toBe(2)
    const error = (JSON.parse(absent.stderr) as { error: { code: string; message: string } }).error
    expect(error.code).toBe('not_found')
    expect(error.message).toBe('acme/multiarch:1.0 has no linux/s390x image; it offers linux/amd64, linux/arm64/v8.')

    const malformed = await berth(['inspect', image(), '--platform', 'arm64'])
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toContain('--platform must be os/arch[/variant]')
    const twice = await berth(['inspect', image(), '--platform', 'linux/amd64', '--platform', 'linux/arm64'])
    expect(twice.code).toBe(1)
  })
})

describe('berth inspect --platform on a Docker manifest list', () => {
  it('gives the arm64 image of acme/legacy-list', async () => {
    const host = getLab().open.host
    const run = await berth(['inspect', `${host}/acme/legacy-list:1.0`, '--platform', 'linux/arm64', '--json'])
    expect(run.code).toBe(0)
    const inspection = JSON.parse(run.stdout) as Inspection
    expect(inspection.details.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(inspection.platformImage?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json')
    const raw = JSON.parse(skopeo(['--raw', `docker://${host}/acme/legacy-list@${inspection.platformImage?.digest}`])) as RawManifest
    expect(inspection.layers.map((l) => l.digest)).toEqual(raw.layers?.map((l) => l.digest))
    expect(inspection.config?.architecture).toBe('arm64')
    expect(inspection.manifests.map((m) => m.kind)).toEqual(['platform', 'platform'])
  })
})

describe('berth tags --details --platform', () => {
  it('keeps only the tags that offer the platform', async () => {
    const host = getLab().open.host
    const multi = await berth(['tags', `${host}/acme/multiarch`, '--details', '--platform', 'linux/arm64', '--json'])
    expect(multi.code).toBe(0)
    expect((JSON.parse(multi.stdout) as TagRowJson[]).map((row) => row.tag).sort()).toEqual(['1.0', 'latest'])
    // acme/web's images are all linux/amd64.
    const web = await berth(['tags', `${host}/acme/web`, '--platform', 'linux/arm64', '--json'])
    expect(web.code).toBe(0)
    expect(JSON.parse(web.stdout)).toEqual([])
    const amd = await berth(['tags', `${host}/acme/web`, '--platform', 'linux/amd64', '--json'])
    expect((JSON.parse(amd.stdout) as TagRowJson[]).length).toBe(Object.keys(getLab().truth.repositories['acme/web'] ?? {}).length)
  })
})

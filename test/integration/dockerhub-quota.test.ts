// Docker Hub's pull quota, reachable from both doors, through the Docker Hub recording
// (test/fixtures/recordings: written from Docker's docs, not captured): the app asks getRateLimit
// after listings and details; `--verbose` prints it on stderr, never in the answer on stdout.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { startDockerHubRecording, type DockerHubRecordingServer } from '../fixtures/recording-server'
import { berthInProcess } from '../support/cli-run'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(): Promise<{ hub: DockerHubRecordingServer; dataDirectory: string; registryId: string; host: string }> {
  const hub = await startDockerHubRecording()
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-hub-quota-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore(), dockerHubApiUrl: hub.hubUrl })
  cleanups.push(async () => {
    await hub.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const saved = await core.api.saveRegistry({
    profile: { name: 'Docker Hub', url: hub.registryUrl, kind: 'dockerhub', favorites: ['alpine'] },
  })
  await core.close()
  return { hub, dataDirectory, registryId: saved.id, host: new URL(hub.registryUrl).host }
}

describe('the Docker Hub pull quota through its recording', () => {
  it('is null until the registry reports one, then what it last reported, with when it was first seen', async () => {
    const { hub, dataDirectory, registryId } = await setup()
    const core = createEngine({ dataDirectory, secrets: createMemorySecretStore(), dockerHubApiUrl: hub.hubUrl })
    cleanups.push(() => core.close())
    expect(await core.api.getRateLimit({ registryId })).toBeNull()
    const { tags } = await core.api.listTags({ registryId, repository: 'alpine' })
    await core.api.getTagDetails({ registryId, repository: 'alpine', tags })
    const quota = await core.api.getRateLimit({ registryId })
    expect(quota).toMatchObject({ limit: 100, remaining: 100 - tags.length, windowSeconds: 21600 })
    expect(Date.parse(quota?.seenAt ?? '')).toBeGreaterThan(Date.now() - 60_000)
    // No request since: the same report, seen at the same time.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await core.api.getRateLimit({ registryId })).toEqual(quota)
    expect(hub.remaining()).toBe(100 - tags.length)
  })

  it('berth --verbose prints the pulls left on stderr, after the answer, and keeps --json stdout pure', async () => {
    const { hub, dataDirectory, host } = await setup()
    const env = { BERTH_DATA_DIR: dataDirectory, BERTH_DOCKERHUB_API_URL: hub.hubUrl }
    // Credentials for the call keep the test off the OS keychain (a saved profile would ask it).
    const tags = (...more: string[]) =>
      berthInProcess(['tags', `${host}/library/alpine`, '--username', 'ada', '--password-stdin', ...more], {
        env,
        stdin: 'dckr_pat_recorded_ada\n',
      })
    const verbose = await tags('--details', '--verbose')
    expect(verbose.code).toBe(0)
    expect(verbose.stdout).toMatch(/latest/)
    expect(verbose.stderr).toBe(`berth: ${host}: 97 of 100 pulls left per 6 hours (the registry's ratelimit headers)\n`)

    const json = await tags('--details', '--json', '-v')
    expect(json.code).toBe(0)
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true)
    // HEADs are free: only digests new to this fresh process's cache were fetched.
    expect(json.stderr).toMatch(new RegExp(`^berth: ${host.replace(/\./g, '\\.')}: \\d+ of 100 pulls left per 6 hours`))

    const quiet = await tags()
    expect(quiet.stderr).toBe('')
  })

  it('says when Docker Hub reported no quota in the run', async () => {
    const { hub, dataDirectory, host } = await setup()
    const run = await berthInProcess(['pull-cmd', `${host}/library/alpine:latest`, '--kind', 'image', '--verbose'], {
      env: { BERTH_DATA_DIR: dataDirectory, BERTH_DOCKERHUB_API_URL: hub.hubUrl },
    })
    expect(run.code).toBe(0)
    // pull-cmd told the kind, in a format without a digest, needs no registry: no session, nothing to report.
    expect(run.stderr).toBe('')
    const repos = await berthInProcess(['repos', host, '--verbose', '--username', 'ada', '--password-stdin'], {
      env: { BERTH_DATA_DIR: dataDirectory, BERTH_DOCKERHUB_API_URL: hub.hubUrl },
      stdin: 'dckr_pat_recorded_ada\n',
    })
    expect(repos.code).toBe(0)
    expect(repos.stderr).toMatch(/no pull quota reported in this run \(HEAD requests and cached manifests do not count as pulls\)/)
  })
})

// One engine, three doors: the CLI and the web mode (the same Api the desktop app calls over IPC)
// go through the same registry session, so they must answer the same repositories and the same
// rows: generic v2 on the real lab, GitLab and Docker Hub on their recordings (test/fixtures/recordings,
// written from the public docs; those services cannot run here).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tagRowJson, type TagRowJson } from '../../electron/doors/cli/browse-commands'
import { runCli } from '../../electron/doors/cli/cli'
import type { CliIo } from '../../electron/doors/cli/cli-output'
import { startWebServer, tokenHeader, type WebServer } from '../../electron/doors/web/web-server'
import { createEngine, type Engine, type EngineOptions } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import type { RepositoryListing, TagDetailsResult, TagList } from '../../shared/types'
import { startDockerHubRecording, startGitlabRecording } from '../fixtures/recording-server'
import { getLab } from '../lab/lab-client'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Doors {
  /** The CLI in-process, with the data directory the web mode's engine uses. */
  cli(args: string[], secret: string): Promise<{ code: number; stdout: string; stderr: string }>
  /** A web-mode Api call over HTTP, as the renderer in a browser makes it. */
  web<T>(method: string, request: unknown): Promise<T>
  engine: Engine
  dataDirectory: string
}

async function openDoors(engineOptions: Omit<EngineOptions, 'dataDirectory'> = {}, cliEnv: Record<string, string> = {}): Promise<Doors> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-doors-'))
  const staticDir = join(dataDirectory, 'static')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Berth</title>')
  const engine = createEngine({ dataDirectory, secrets: createMemorySecretStore(), ...engineOptions })
  const server: WebServer = await startWebServer({ api: engine.api, staticDir, subscribe: engine.subscribe })
  cleanups.push(async () => {
    await server.close()
    await engine.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  return {
    engine,
    dataDirectory,
    async cli(args, secret) {
      let stdout = ''
      let stderr = ''
      const io: CliIo = {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        isTty: false,
        readStdin: () => Promise.resolve(`${secret}\n`),
        confirm: () => Promise.resolve(false),
      }
      const code = await runCli(args, io, { ...process.env, BERTH_DATA_DIR: dataDirectory, ...cliEnv })
      return { code, stdout, stderr }
    },
    async web<T>(method: string, request: unknown): Promise<T> {
      const origin = `http://127.0.0.1:${server.port}`
      const response = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, [tokenHeader]: server.token },
        body: JSON.stringify(request),
      })
      const envelope = (await response.json()) as { ok: boolean; value?: T; error?: unknown }
      if (!envelope.ok) throw new Error(`${method}: ${JSON.stringify(envelope.error)}`)
      return envelope.value as T
    },
  }
}

/** The web mode's rows in the CLI's documented form, sorted by tag like `berth tags` sorts by name. */
async function webRows(doors: Doors, registryId: string, repository: string): Promise<TagRowJson[]> {
  const { tags } = await doors.web<TagList>('listTags', { registryId, repository })
  const results = await doors.web<TagDetailsResult[]>('getTagDetails', { registryId, repository, tags })
  const rows = results.flatMap((result) => (result.ok ? [tagRowJson(result.details)] : []))
  expect(rows).toHaveLength(tags.length)
  return rows.sort((left, right) => (left.tag < right.tag ? -1 : left.tag > right.tag ? 1 : 0))
}

function cliRows(stdout: string): TagRowJson[] {
  return (JSON.parse(stdout) as TagRowJson[]).sort((left, right) => (left.tag < right.tag ? -1 : left.tag > right.tag ? 1 : 0))
}

describe('the CLI and the web mode give identical answers', () => {
  it('on the generic v2 path (the lab registry, token auth behind TLS)', async () => {
    const lab = getLab()
    const doors = await openDoors()
    const caFile = join(doors.dataDirectory, 'lab-ca.pem')
    writeFileSync(caFile, lab.tls.caPem)
    const view = await doors.web<{ id: string }>('saveRegistry', { profile: { name: 'lab', url: lab.tls.url, kind: 'distribution' } })
    await doors.web('trustCertificate', { registryId: view.id, caPem: lab.tls.caPem })
    await doors.web('login', { registryId: view.id, username: 'admin', secret: lab.users.admin.password })
    const credentials = ['--ca', caFile, '--username', 'admin', '--password-stdin']

    const repos = await doors.cli(['repos', lab.tls.host, '--json', ...credentials], lab.users.admin.password)
    expect(repos.code, repos.stderr).toBe(0)
    const webListing = await doors.web<RepositoryListing>('listRepositories', { registryId: view.id })
    expect((JSON.parse(repos.stdout) as RepositoryListing).repositories).toEqual(webListing.repositories)

    for (const repository of ['acme/web', 'acme/multiarch']) {
      const tags = await doors.cli(
        ['tags', `${lab.tls.host}/${repository}`, '--details', '--json', ...credentials],
        lab.users.admin.password,
      )
      expect(tags.code, tags.stderr).toBe(0)
      expect(cliRows(tags.stdout)).toEqual(await webRows(doors, view.id, repository))
    }
  })

  it('on GitLab (its recording): repositories from the API, push dates, the same rows', async () => {
    const gitlab = await startGitlabRecording()
    cleanups.push(() => gitlab.close())
    const doors = await openDoors()
    const token = 'glpat-recorded-developer'
    const view = await doors.web<{ id: string }>('saveRegistry', { profile: { name: 'GitLab', url: gitlab.registryUrl, kind: 'gitlab' } })
    await doors.web('login', { registryId: view.id, username: 'ada', secret: token })
    const host = new URL(gitlab.registryUrl).host
    const credentials = ['--username', 'ada', '--password-stdin']

    const repos = await doors.cli(['repos', host, '--json', ...credentials], token)
    expect(repos.code, repos.stderr).toBe(0)
    const cliListing = JSON.parse(repos.stdout) as RepositoryListing
    // Listed through the GitLab API: the v2 catalog is for administrators only.
    expect(cliListing.catalog).toBe('available')
    expect(cliListing.repositories).toEqual((await doors.web<RepositoryListing>('listRepositories', { registryId: view.id })).repositories)

    const tags = await doors.cli(['tags', `${host}/platform/api`, '--details', '--json', ...credentials], token)
    expect(tags.code, tags.stderr).toBe(0)
    const rows = cliRows(tags.stdout)
    expect(rows).toEqual(await webRows(doors, view.id, 'platform/api'))
    expect(rows.some((row) => row.pushedAt !== null)).toBe(true)
  })

  it('on Docker Hub (its recording): the namespace from the Hub API, the same rows', async () => {
    const hub = await startDockerHubRecording()
    cleanups.push(() => hub.close())
    const doors = await openDoors({ dockerHubApiUrl: hub.hubUrl }, { BERTH_DOCKERHUB_API_URL: hub.hubUrl })
    const secret = 'dckr_pat_recorded_ada'
    const view = await doors.web<{ id: string }>('saveRegistry', {
      profile: { name: 'Docker Hub', url: hub.registryUrl, kind: 'dockerhub', favorites: ['alpine'] },
    })
    await doors.web('login', { registryId: view.id, username: 'ada', secret })
    const host = new URL(hub.registryUrl).host
    const credentials = ['--username', 'ada', '--password-stdin']

    const repos = await doors.cli(['repos', host, '--json', ...credentials], secret)
    expect(repos.code, repos.stderr).toBe(0)
    const webListing = await doors.web<RepositoryListing>('listRepositories', { registryId: view.id })
    expect((JSON.parse(repos.stdout) as RepositoryListing).repositories).toEqual(webListing.repositories)

    const tags = await doors.cli(['tags', `${host}/ada/webapp`, '--details', '--json', ...credentials], secret)
    expect(tags.code, tags.stderr).toBe(0)
    const rows = cliRows(tags.stdout)
    expect(rows).toEqual(await webRows(doors, view.id, 'ada/webapp'))
    expect(rows.some((row) => row.pushedAt !== null)).toBe(true)
  })
})

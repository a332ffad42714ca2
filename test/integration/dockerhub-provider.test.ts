// The Docker Hub provider through the Docker Hub recording (test/fixtures/recordings: written from
// Docker's docs, not captured): no catalog, HEAD-only digest checks, the pull quota, Hub API deletes.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { createRegistryClient } from '../../electron/http/registry-client'
import { parseRegistryAddress } from '../../electron/http/reference'
import { countRequests, startDockerHubRecording, type DockerHubRecordingServer } from '../fixtures/recording-server'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(signedIn: boolean): Promise<{ core: Engine; hub: DockerHubRecordingServer; registryId: string }> {
  const hub = await startDockerHubRecording()
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-hub-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore(), dockerHubApiUrl: hub.hubUrl })
  cleanups.push(async () => {
    await core.close()
    await hub.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const saved = await core.api.saveRegistry({
    profile: { name: 'Docker Hub', url: hub.registryUrl, kind: 'dockerhub', favorites: ['alpine'] },
  })
  if (signedIn) await core.api.login({ registryId: saved.id, username: 'ada', secret: 'dckr_pat_recorded_ada' })
  return { core, hub, registryId: saved.id }
}

const manifests = /^\/v2\/.+\/manifests\//

describe('Docker Hub through its recording', () => {
  it('treats the refused catalog as normal and lists the signed-in namespace plus favourites with library/ names', async () => {
    const { core, hub, registryId } = await setup(true)
    const client = createRegistryClient({ endpoint: parseRegistryAddress(hub.registryUrl, { insecure: false }) })
    cleanups.push(() => client.close())
    expect((await client.catalog()).catalog).toBe('unavailable')
    const listing = await core.api.listRepositories({ registryId })
    expect(listing).toMatchObject({ catalog: 'unavailable', repositories: ['ada/tools', 'ada/webapp', 'library/alpine'] })
    expect(listing.reason).toMatch(/no catalog/i)
  })

  it('resolves digests with HEAD and GETs a manifest only when its digest is not cached, sparing the pull quota', async () => {
    const { core, hub, registryId } = await setup(false)
    const { tags } = await core.api.listTags({ registryId, repository: 'library/alpine' })
    expect(tags).toEqual(['3.21', '3.22', 'latest'])
    const first = await core.api.getTagDetails({ registryId, repository: 'library/alpine', tags })
    expect(first.every((r) => r.ok)).toBe(true)
    expect(countRequests(hub.requests, 'HEAD', manifests)).toBe(3)
    expect(countRequests(hub.requests, 'GET', manifests)).toBe(3)
    await core.api.getTagDetails({ registryId, repository: 'library/alpine', tags })
    expect(countRequests(hub.requests, 'HEAD', manifests)).toBe(6)
    expect(countRequests(hub.requests, 'GET', manifests)).toBe(3)
    expect(hub.remaining()).toBe(97)
    // Push dates come from the Hub API (tag_last_pushed), build dates from the config.
    const latest = first.find((r) => r.tag === 'latest')
    expect(latest?.ok && latest.details).toMatchObject({
      pushed: '2026-10-08T18:00:00.000000Z',
      created: '2026-10-08T17:41:06.000Z',
      createdSource: 'config',
    })
  })

  it('shows the pull quota the registry reported on the tag listing', async () => {
    const { core, registryId } = await setup(false)
    const { tags } = await core.api.listTags({ registryId, repository: 'alpine' })
    await core.api.getTagDetails({ registryId, repository: 'alpine', tags })
    const again = await core.api.listTags({ registryId, repository: 'alpine' })
    expect(again.rateLimit).toEqual({ limit: 100, remaining: 97, windowSeconds: 21600 })
  })

  it("deletes a tag of one's own namespace through the Hub API with a Hub JWT, and is refused elsewhere", async () => {
    const { core, hub, registryId } = await setup(true)
    const digest = hub.store.get('ada/webapp', 'old')?.image.digest ?? ''
    const { results } = await core.api.deleteTags({
      registryId,
      repository: 'ada/webapp',
      tags: ['old'],
      mode: 'tag',
      expectedDigests: { old: digest },
    })
    expect(results).toEqual([{ tag: 'old', digest, ok: true, method: 'tag-delete', removedTags: ['old'] }])
    const deletes = hub.requests.filter((r) => r.server === 'hub' && r.method === 'DELETE')
    expect(deletes.map((r) => r.path)).toEqual(['/v2/namespaces/ada/repositories/webapp/tags/old'])
    expect(deletes[0]?.headers.authorization).toMatch(/^Bearer hubjwt-/)
    expect(hub.store.get('ada/webapp', 'v2')).toBeDefined()
    const alpine = hub.store.get('library/alpine', '3.21')?.image.digest ?? ''
    const refused = await core.api.deleteTags({
      registryId,
      repository: 'library/alpine',
      tags: ['3.21'],
      mode: 'tag',
      expectedDigests: { '3.21': alpine },
    })
    expect(refused.results[0]?.error?.code).toBe('forbidden')
    expect(countRequests(hub.requests, 'GET', manifests)).toBe(0)
  })

  it('asks an anonymous user to sign in before deleting', async () => {
    const { core, hub, registryId } = await setup(false)
    const digest = hub.store.get('ada/webapp', 'old')?.image.digest ?? ''
    const { results } = await core.api.deleteTags({
      registryId,
      repository: 'ada/webapp',
      tags: ['old'],
      mode: 'tag',
      expectedDigests: { old: digest },
    })
    expect(results[0]?.error?.code).toBe('unauthorized')
  })
})

// The GitLab REST client alone through the GitLab recording: pagination both ways GitLab offers it.
import { afterEach, describe, expect, it } from 'vitest'
import { createGitlabRest } from '../../electron/providers/gitlab/gitlab-rest'
import { parseRegistryAddress } from '../../electron/http/reference'
import { countRequests, startGitlabRecording } from '../fixtures/recording-server'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function client(restLinks: boolean) {
  const gitlab = await startGitlabRecording({ restLinks })
  const rest = createGitlabRest({
    endpoint: parseRegistryAddress(gitlab.gitlabUrl, { insecure: false }),
    pageSize: 3,
    token: () => Promise.resolve({ header: 'PRIVATE-TOKEN', value: 'glpat-recorded-developer' }),
  })
  cleanups.push(async () => {
    await rest.close()
    await gitlab.close()
  })
  return { gitlab, rest }
}

describe('GitLab REST pagination', () => {
  it.each([
    ['the Link header', true],
    ['X-Next-Page alone', false],
  ])('follows every page through %s', async (_how, links) => {
    const { gitlab, rest } = await client(links)
    const tags = await rest.listTags({ id: 101, projectId: 42, path: 'platform/api' })
    expect(tags).toHaveLength(10)
    expect(new Set(tags).size).toBe(10)
    expect(countRequests(gitlab.requests, 'GET', /^\/api\/v4\/projects\/42\/registry\/repositories\/101\/tags$/)).toBe(4)
  })

  it("reads a tag's digest, build date and total size from the tag detail endpoint", async () => {
    const { gitlab, rest } = await client(true)
    const detail = await rest.tagDetail({ id: 101, projectId: 42, path: 'platform/api' }, 'v1.2.0')
    const entry = gitlab.store.get('platform/api', 'v1.2.0')
    expect(detail).toEqual({
      name: 'v1.2.0',
      digest: entry?.image.digest,
      createdAt: '2026-10-02T16:45:00Z',
      totalSize: entry?.image.totalSize,
    })
  })
})

// The session's own policies over a fake registry: rows validated one by one, duplicate tags
// listed once, and the whole tag list behind every door.
import { describe, expect, it } from 'vitest'
import { genericSession } from '../../support/generic-session'
import { FakeRegistryClient } from '../operations/fake-registry-client'

const repo = 'acme/web'

function registryListing(tags: string[]) {
  const fake = new FakeRegistryClient()
  const image = fake.addImage(repo, '1.0', { created: '2025-01-01T00:00:00Z', layers: [fake.addLayer(repo, 100)] })
  fake.tag(repo, '2.0', image.digest)
  // What a hostile or broken registry may list besides: an escape character, and a repeat.
  fake.listTags = () => Promise.resolve(tags)
  return { fake, image }
}

describe('a registry session', () => {
  it('fails only the row of a tag name that is not valid, saying why, and loads the others', async () => {
    const { fake, image } = registryListing(['1.0', 'x\u001b[31m', '2.0'])
    const session = genericSession(fake)
    const seen: string[] = []
    const rows = await session.getTagDetails(repo, ['1.0', 'x\u001b[31m', '2.0'], { onResult: (row) => seen.push(row.tag) })
    expect(rows.map((row) => [row.tag, row.ok])).toEqual([
      ['1.0', true],
      ['x\u001b[31m', false],
      ['2.0', true],
    ])
    const bad = rows[1]
    const error = bad?.ok ? null : bad?.error
    expect(error?.code).toBe('invalid_response')
    expect(error?.message).toMatch(/contains U\+001B/)
    expect(rows[0]?.ok ? rows[0].details.digest : null).toBe(image.digest)
    expect(seen.sort()).toEqual(['1.0', '2.0', 'x\u001b[31m'].sort())
  })

  it('lists a tag the registry repeats once, and answers it once', async () => {
    const { fake } = registryListing(['1.0', '2.0', '1.0'])
    const session = genericSession(fake)
    expect((await session.listTags(repo)).tags).toEqual(['1.0', '2.0'])
    const rows = await session.getTagDetails(repo, ['1.0', '2.0', '1.0'])
    expect(rows.map((row) => row.tag)).toEqual(['1.0', '2.0'])
  })
})

describe('the local tag hints of a session', () => {
  it('drop tags the registry no longer lists, and tags a delete removed, so they never come back as cached rows', async () => {
    const { createDigestCache } = await import('../../../electron/stores/cache/digest-cache')
    const { createGenericProvider } = await import('../../../electron/providers/generic-provider')
    const { createRegistrySession } = await import('../../../electron/session/registry-session')
    const { confirmationFor } = await import('../../../shared/delete-confirmation')
    const fake = new FakeRegistryClient({ tagDelete: 'supported' })
    const layer = fake.addLayer(repo, 100)
    for (const [index, tag] of ['a', 'b', 'c', 'd'].entries()) {
      fake.addImage(repo, tag, { created: `2025-01-0${index + 1}T00:00:00Z`, layers: [layer] })
    }
    const session = createRegistrySession({
      provider: createGenericProvider({ client: fake, cache: createDigestCache({}) }),
      profile: null,
    })
    await session.getTagDetails(repo, (await session.listTags(repo)).tags)
    expect(Object.keys((await session.cachedTagDetails(repo)).tags).sort()).toEqual(['a', 'b', 'c', 'd'])

    // Deleted through Berth: gone from the hints at once.
    const preview = await session.previewDelete(repo, ['a'], 'tag')
    await session.deleteTags(repo, { tags: ['a'], mode: 'tag', expectedDigests: confirmationFor(preview) })
    expect(Object.keys((await session.cachedTagDetails(repo)).tags).sort()).toEqual(['b', 'c', 'd'])

    // Deleted by someone else: gone once the registry's list says so.
    fake.repo(repo).tags.delete('b')
    await session.listTags(repo)
    const cached = await session.cachedTagDetails(repo)
    expect(Object.keys(cached.tags).sort()).toEqual(['c', 'd'])
    expect(cached.details.map((details) => details.digest).sort()).toEqual([...new Set(Object.values(cached.tags))].sort())
  })
})

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

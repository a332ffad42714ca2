import { describe, expect, it } from 'vitest'
import { getLab, reseed } from '../lab/lab-client'
import { MANIFEST_ACCEPT, tagListSchema } from '../lab/test-helpers'

const lab = getLab()

describe('the paging front', () => {
  it('returns pages of n with a relative Link whose union is every tag', async () => {
    const all = Object.keys(lab.truth.repositories['perf/many'] ?? {}).sort()
    const seen: string[] = []
    let next: string | null = '/v2/perf/many/tags/list?n=300'
    let pages = 0
    while (next !== null) {
      const response = await fetch(new URL(next, lab.paging.url))
      expect(response.status).toBe(200)
      const page = tagListSchema.parse(await response.json())
      expect(page.tags.length).toBeLessThanOrEqual(300)
      seen.push(...page.tags)
      pages++
      const link = response.headers.get('link')
      if (link === null) break
      const match = /^<(\/v2\/perf\/many\/tags\/list\?[^>]+)>; rel="next"$/.exec(link)
      expect(match, link).not.toBeNull()
      next = match?.[1] ?? null
    }
    expect(pages).toBe(4)
    expect(seen).toEqual(all)
  })

  it('forwards everything else to the open registry', async () => {
    const truth = lab.truth.repositories['acme/web']?.latest
    const response = await fetch(`${lab.paging.url}/v2/acme/web/manifests/latest`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } })
    expect(response.status).toBe(200)
    expect(response.headers.get('docker-content-digest')).toBe(truth?.digest)
  })

  it('rejects an invalid page size like distribution does for the catalog', async () => {
    const response = await fetch(`${lab.paging.url}/v2/perf/many/tags/list?n=5000`)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ errors: [{ code: 'PAGINATION_NUMBER_INVALID' }] })
  })
})

describe('deleting manifests', () => {
  it('is refused with 405 UNSUPPORTED on the noDelete registry', async () => {
    const digest = lab.truth.repositories['public/hello']?.latest?.digest ?? ''
    const response = await fetch(`${lab.noDelete.url}/v2/public/hello/manifests/${digest}`, { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(await response.json()).toMatchObject({ errors: [{ code: 'UNSUPPORTED' }] })
  })

  it('works on the open registry and reseed restores the repository', async () => {
    await reseed('open', 'public/hello')
    const digest = lab.truth.repositories['public/hello']?.latest?.digest ?? ''
    const deleted = await fetch(`${lab.open.url}/v2/public/hello/manifests/${digest}`, { method: 'DELETE' })
    expect(deleted.status).toBe(202)
    const after = tagListSchema.parse(await (await fetch(`${lab.open.url}/v2/public/hello/tags/list`)).json())
    expect(after.tags).toEqual(['1.0'])
    await reseed('open', 'public/hello')
    const restored = tagListSchema.parse(await (await fetch(`${lab.open.url}/v2/public/hello/tags/list`)).json())
    expect([...restored.tags].sort()).toEqual(['1.0', 'latest'])
    const manifest = await fetch(`${lab.open.url}/v2/public/hello/manifests/latest`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
    })
    expect(manifest.headers.get('docker-content-digest')).toBe(digest)
  })
})

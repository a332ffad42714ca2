import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { rejection } from '../../support/rejection'
import { BerthError } from '../../../shared/errors'
import { sha256Digest } from '../../../electron/http/digest'
import { createRegistryClient } from '../../../electron/http/registry-client'
import type { RegistryClient } from '../../../electron/http/client-types'
import { json, startServer, type TestServer } from './transport-servers'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.()
})

async function registry(handler: Parameters<typeof startServer>[0]): Promise<{ server: TestServer; client: RegistryClient }> {
  const server = await startServer(handler)
  cleanups.push(() => server.close())
  const client = createRegistryClient({ endpoint: { url: server.url, host: server.host, insecure: true } })
  cleanups.push(() => client.close())
  return { server, client }
}

const manifest = new TextEncoder().encode(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }),
)
const manifestDigest = sha256Digest(manifest)

function sendManifest(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
    'content-length': String(manifest.byteLength),
    ...headers,
  })
  res.end(Buffer.from(manifest))
}

describe('listing', () => {
  it('follows relative Links through every tag page, including short pages', async () => {
    const pages: Record<string, { tags: string[]; next?: string }> = {
      '/v2/a/tags/list?n=2': { tags: ['1', '2'], next: '/v2/a/tags/list?n=2&last=2' },
      '/v2/a/tags/list?n=2&last=2': { tags: ['3'], next: '/v2/a/tags/list?n=2&last=3' },
      '/v2/a/tags/list?n=2&last=3': { tags: ['4', '5'] },
    }
    const { client } = await registry((req, res) => {
      const page = pages[req.url ?? '']
      if (!page) return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'x' }] })
      json(res, 200, { name: 'a', tags: page.tags }, page.next ? { link: `<${page.next}>; rel="next"` } : {})
    })
    expect(await client.listTags('a', { pageSize: 2 })).toEqual(['1', '2', '3', '4', '5'])
  })

  it('stops with invalid_response when a Link points back to a page already read', async () => {
    const { client, server } = await registry((_req, res) =>
      json(res, 200, { name: 'a', tags: ['1'] }, { link: '</v2/a/tags/list?last=1>; rel="next"' }),
    )
    const error = await rejection(client.listTags('a'))
    expect(error.code).toBe('invalid_response')
    expect(server.requests).toHaveLength(2)
  })

  it('refuses a Link to another host', async () => {
    const { client } = await registry((_req, res) =>
      json(res, 200, { name: 'a', tags: ['1'] }, { link: '<https://elsewhere.invalid/v2/a/tags/list?last=1>; rel="next"' }),
    )
    expect((await rejection(client.listTags('a'))).code).toBe('invalid_response')
  })

  it('reports garbage instead of JSON as invalid_response', async () => {
    const { client } = await registry((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>login</html>')
    })
    const error = await rejection(client.listTags('a'))
    expect(error.code).toBe('invalid_response')
    expect(error.message).toContain('not JSON')
  })

  it('reports JSON of the wrong shape as invalid_response', async () => {
    const { client } = await registry((_req, res) => json(res, 200, { tags: 'latest' }))
    expect((await rejection(client.listTags('a'))).code).toBe('invalid_response')
  })

  it('retries the catalog with 100 entries a page when the registry rejects the page size', async () => {
    const { client, server } = await registry((req, res) => {
      if (req.url === '/v2/_catalog?n=1000')
        return json(res, 400, { errors: [{ code: 'PAGINATION_NUMBER_INVALID', message: 'invalid number of results requested' }] })
      json(res, 200, { repositories: ['group/sub/project/image'] })
    })
    expect(await client.catalog()).toEqual({ repositories: ['group/sub/project/image'], catalog: 'available' })
    expect(server.requests.map((r) => r.url)).toEqual(['/v2/_catalog?n=1000', '/v2/_catalog?n=100'])
  })

  it.each([401, 403, 404, 405])('treats %i on the catalog as "unavailable" with a reason', async (status) => {
    const { client } = await registry((_req, res) => json(res, status, { errors: [{ code: 'DENIED', message: 'no' }] }))
    const listing = await client.catalog()
    expect(listing.catalog).toBe('unavailable')
    expect(listing.repositories).toEqual([])
    expect(listing.reason).toContain(String(status))
  })
})

describe('manifests and blobs', () => {
  it('computes the digest over the bytes and verifies a by-digest fetch', async () => {
    const { client } = await registry((_req, res) => sendManifest(res))
    const byTag = await client.getManifest('a', 'latest')
    expect(byTag.digest).toBe(manifestDigest)
    expect(byTag.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect((await client.getManifest('a', manifestDigest)).digest).toBe(manifestDigest)
    expect((await rejection(client.getManifest('a', 'sha256:' + '1'.repeat(64)))).code).toBe('digest_mismatch')
  })

  it('refuses manifest bytes fetched by tag that contradict the Docker-Content-Digest the registry sent', async () => {
    const { client } = await registry((_req, res) => sendManifest(res, { 'docker-content-digest': 'sha256:' + '0'.repeat(64) }))
    expect((await rejection(client.getManifest('a', 'latest'))).code).toBe('digest_mismatch')
  })

  it('sends the full Accept list for manifests', async () => {
    const { client, server } = await registry((_req, res) => sendManifest(res))
    await client.getManifest('a', 'latest')
    const accept = String(server.requests[0]?.headers.accept)
    expect(accept).toContain('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(accept).toContain('application/vnd.oci.image.index.v1+json')
  })

  it('falls back to GET when a HEAD carries no digest header', async () => {
    const { client, server } = await registry((_req, res) => sendManifest(res))
    expect(await client.headManifest('a', 'latest')).toEqual({
      digest: manifestDigest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: manifest.byteLength,
    })
    expect(server.requests.map((r) => r.method)).toEqual(['HEAD', 'GET'])
  })

  it('uses the HEAD digest header when present', async () => {
    const { client, server } = await registry((_req, res) => sendManifest(res, { 'docker-content-digest': manifestDigest }))
    expect((await client.headManifest('a', 'latest')).digest).toBe(manifestDigest)
    expect(server.requests.map((r) => r.method)).toEqual(['HEAD'])
  })

  it('maps 405 on DELETE to delete_disabled', async () => {
    const { client } = await registry((_req, res) =>
      json(res, 405, { errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }] }),
    )
    expect((await rejection(client.deleteManifest('a', manifestDigest))).code).toBe('delete_disabled')
  })

  it('uploads a blob by POST then PUT to the relative Location with the digest appended', async () => {
    const blob = new TextEncoder().encode('layer bytes')
    const { client, server } = await registry((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/a/blobs/uploads/abc?_state=xyz' })
        return res.end()
      }
      res.writeHead(201)
      res.end()
    })
    expect(await client.uploadBlob('a', blob)).toBe(sha256Digest(blob))
    const put = server.requests[1]
    expect(put?.method).toBe('PUT')
    const url = new URL(put?.url ?? '', 'http://x')
    expect(url.pathname).toBe('/v2/a/blobs/uploads/abc')
    expect(url.searchParams.get('_state')).toBe('xyz')
    expect(url.searchParams.get('digest')).toBe(sha256Digest(blob))
    expect(put?.body).toBe('layer bytes')
  })

  it('verifies a blob against its digest', async () => {
    const blob = new TextEncoder().encode('config')
    const { client } = await registry((_req, res) => res.end('tampered'))
    expect((await rejection(client.getBlob('a', sha256Digest(blob), { maxBytes: 1000 }))).code).toBe('digest_mismatch')
  })

  it.each([400, 404, 405, 406, 501])('treats %i from the referrers API as unsupported (null)', async (status) => {
    const { client } = await registry((_req, res) => json(res, status, {}))
    expect(await client.getReferrers('a', manifestDigest)).toBeNull()
  })

  it('refuses repository names and references that could escape the API path', async () => {
    const { client, server } = await registry((_req, res) => sendManifest(res))
    expect((await rejection(client.getManifest('../a', 'latest'))).code).toBe('invalid_input')
    expect((await rejection(client.getManifest('a', '../../_catalog'))).code).toBe('invalid_input')
    expect(server.requests).toHaveLength(0)
  })
})

describe('ping', () => {
  it('reports an open registry, a bearer challenge with realm and service, and other answers as errors', async () => {
    let mode = 'open'
    const { client } = await registry((_req, res) => {
      if (mode === 'open') return json(res, 200, {})
      if (mode === 'bearer') return json(res, 401, {}, { 'www-authenticate': 'Bearer realm="/jwt/auth",service="registry"' })
      json(res, 500, { errors: [{ code: 'UNKNOWN', message: 'boom' }] })
    })
    expect((await client.ping()).auth).toBe('open')
    mode = 'bearer'
    const bearer = await client.ping()
    expect(bearer.auth).toBe('bearer')
    expect(bearer.realm).toBe(`${client.endpoint.url}/jwt/auth`)
    expect(bearer.service).toBe('registry')
    mode = 'broken'
    expect((await rejection(client.ping())).code).toBe('server_error')
  })

  it('refuses plain http for a registry that is neither loopback nor marked insecure', () => {
    expect(() =>
      createRegistryClient({ endpoint: { url: 'http://registry.example.com', host: 'registry.example.com', insecure: false } }),
    ).toThrow(BerthError)
  })
})

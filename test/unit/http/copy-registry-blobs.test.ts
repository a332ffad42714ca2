// The upload protocol of a copy against small real servers: the Location is followed as the spec
// says (relative or absolute, its query kept, `digest` added to it), Range says what an upload
// holds, a Location that would take the bytes to another local address or downgrade https is
// refused, and a streamed body is never sent twice (a 401 after it is returned, not retried).
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryClient } from '../../../electron/http/registry-client'
import { bytesInRange, uploadTarget, type BlobTransfer } from '../../../electron/http/registry-blobs'
import type { RegistryClient } from '../../../electron/http/client-types'
import { rejection } from '../../support/rejection'
import { startServer, type TestServer } from './transport-servers'

const servers: TestServer[] = []
const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(handler: Parameters<typeof startServer>[0]): Promise<{ server: TestServer; blobs: BlobTransfer }> {
  const server = await startServer(handler)
  servers.push(server)
  const client = createRegistryClient({ endpoint: { url: server.url, host: server.host, insecure: true } })
  clients.push(client)
  if (!client.blobs) throw new Error('the client has no blob transfer')
  return { server, blobs: client.blobs }
}

function body(text: string): { chunks: AsyncIterable<Uint8Array>; length: number } {
  const bytes = new TextEncoder().encode(text)
  return {
    length: bytes.byteLength,
    chunks: (async function* () {
      yield await Promise.resolve(bytes)
    })(),
  }
}

const digestOf = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`

describe('the upload Location', () => {
  it('is resolved against the request when relative, keeps its query, and gets the digest appended', async () => {
    const { server, blobs } = await serve((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/upload/session-1?_state=abc%3D%3D&x=1', range: '0-0', 'content-length': '0' })
        return res.end()
      }
      if (req.method === 'PATCH') {
        res.writeHead(202, { location: 'session-2?_state=def', range: '0-4', 'content-length': '0' })
        return res.end()
      }
      res.writeHead(201, { 'content-length': '0' })
      res.end()
    })
    const started = await blobs.startUpload('team/app')
    expect(started.mounted).toBe(false)
    if (started.mounted) return
    expect(started.session).toEqual({ location: `${server.url}/upload/session-1?_state=abc%3D%3D&x=1`, offset: 0, minChunkBytes: null })
    const next = await blobs.uploadChunk('team/app', started.session, body('hello'))
    expect(next.location).toBe(`${server.url}/upload/session-2?_state=def`)
    expect(next.offset).toBe(5)
    await blobs.completeUpload('team/app', next, digestOf('hello'))
    const [post, patch, put] = server.requests
    expect(post?.url).toBe('/v2/team/app/blobs/uploads/')
    expect(patch?.url).toBe('/upload/session-1?_state=abc%3D%3D&x=1')
    expect(patch?.headers['content-range']).toBe('0-4')
    expect(patch?.headers['content-length']).toBe('5')
    expect(patch?.body).toBe('hello')
    expect(put?.url).toBe(`/upload/session-2?_state=def&digest=${encodeURIComponent(digestOf('hello'))}`)
  })

  it('may be absolute on the registry host', async () => {
    const { server, blobs } = await serve((req, res) => {
      res.writeHead(202, { location: `http://${req.headers.host ?? ''}/elsewhere/u?s=1`, 'content-length': '0' })
      res.end()
    })
    const started = await blobs.startUpload('team/app')
    expect(started.mounted ? null : started.session.location).toBe(`${server.url}/elsewhere/u?s=1`)
  })

  it('is refused when it points at another local or private address, or downgrades https', () => {
    const registry = { url: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', insecure: true }
    expect(() => uploadTarget('http://10.0.0.7/upload', registry.url, registry)).toThrow(/local or private address/)
    expect(() => uploadTarget('http://169.254.169.254/upload', registry.url, registry)).toThrow(/local or private address/)
    const secure = { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }
    expect(() => uploadTarget('http://registry.example.com/upload', secure.url, secure)).toThrow(/does not downgrade/)
    expect(() => uploadTarget(undefined, secure.url, secure)).toThrow(/no Location/)
    expect(uploadTarget('https://storage.example.net/up?sig=x', secure.url, secure).href).toBe('https://storage.example.net/up?sig=x')
  })
})

describe('Range', () => {
  it('says how many bytes an upload holds (distribution answers 0-0 for an empty one)', () => {
    expect(bytesInRange('0-0')).toBe(0)
    expect(bytesInRange('0-4')).toBe(5)
    expect(bytesInRange('bytes=0-1048575')).toBe(1048576)
    expect(bytesInRange('5-9')).toBeNull()
    expect(bytesInRange(undefined)).toBeNull()
  })

  it('of a known upload comes from GET of its Location; an upload the registry forgot is null', async () => {
    const { server, blobs } = await serve((req, res) => {
      if (req.url?.startsWith('/gone')) {
        res.writeHead(404, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ errors: [{ code: 'BLOB_UPLOAD_UNKNOWN', message: 'blob upload unknown' }] }))
      }
      res.writeHead(204, { location: '/known?_state=fresh', range: '0-65535' })
      res.end()
    })
    expect(await blobs.uploadStatus('team/app', `${server.url}/known?_state=old`)).toEqual({
      location: `${server.url}/known?_state=fresh`,
      offset: 65536,
      minChunkBytes: null,
    })
    expect(await blobs.uploadStatus('team/app', `${server.url}/gone?_state=x`)).toBeNull()
  })
})

describe('a streamed body', () => {
  it('is sent once: a 401 answer is returned as a failure, not retried with a body already consumed', async () => {
    const { server, blobs } = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="x"', 'content-type': 'application/json' })
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }))
    })
    const session = { location: `${server.url}/upload/1?_state=a`, offset: 0, minChunkBytes: null }
    const error = await rejection(blobs.uploadChunk('team/app', session, body('hello')))
    expect(error.code).toBe('unauthorized')
    expect(server.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1)
  })
})

describe('a mount', () => {
  it('answered 201 links the blob; answered 202 it opens an upload to stream into', async () => {
    const { blobs } = await serve((req, res) => {
      const mounted = req.url?.includes('from=team%2Fbase') === true
      res.writeHead(mounted ? 201 : 202, mounted ? { 'content-length': '0' } : { location: '/u/1', 'content-length': '0' })
      res.end()
    })
    const digest = digestOf('layer')
    expect(await blobs.startUpload('team/app', { mount: { digest, from: 'team/base' } })).toEqual({ mounted: true })
    const refused = await blobs.startUpload('team/app', { mount: { digest, from: 'team/other' } })
    expect(refused.mounted).toBe(false)
  })
})

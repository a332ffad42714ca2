// The copy bench's probe: it sees the requests undici really sends (with or without Authorization)
// and counts the body bytes of blob uploads as they go to the socket. The bench's "0 blob bytes"
// means something only if the same probe counts the bytes of an upload that does send some.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { startCopyProbe, type CopyProbe } from '../../../bench/copy-processes'

let server: Server | null = null
let probe: CopyProbe | null = null
afterEach(async () => {
  probe?.stop()
  probe = null
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

async function serve(): Promise<string> {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(req.url?.includes('/uploads/') ? 202 : 401).end())
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`
}

describe('the copy probe', () => {
  it('writes down each request with its status and whether it carried credentials', async () => {
    const base = await serve()
    probe = startCopyProbe()
    await (await request(`${base}/v2/team/app/manifests/1.0`)).body.dump()
    await (await request(`${base}/v2/team/app/manifests/1.0`, { headers: { authorization: 'Bearer t' } })).body.dump()
    expect(probe.calls).toEqual([
      { method: 'GET', path: '/v2/team/app/manifests/1.0', authorized: false, status: 401 },
      { method: 'GET', path: '/v2/team/app/manifests/1.0', authorized: true, status: 401 },
    ])
  })

  it('counts the body bytes sent to blob uploads, streamed or whole, and nothing else', async () => {
    const base = await serve()
    probe = startCopyProbe()
    const streamed = Readable.from([Buffer.alloc(70_000, 1), Buffer.alloc(30_000, 2)], { objectMode: false })
    await (await request(`${base}/v2/team/app/blobs/uploads/abc`, { method: 'PATCH', body: streamed })).body.dump()
    await (await request(`${base}/v2/team/app/blobs/uploads/abc?digest=x`, { method: 'PUT', body: Buffer.alloc(5) })).body.dump()
    await (await request(`${base}/v2/team/app/manifests/1.0`, { method: 'PUT', body: Buffer.alloc(999) })).body.dump()
    expect(probe.blobUploadBytes()).toBe(100_005)
  })
})

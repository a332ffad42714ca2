// Copies under faults, against the lab behind a recording proxy: a connection cut in the middle of
// a blob, then the same copy again, sends only the bytes that were missing; a blob that arrives
// corrupted is refused and its upload never completes; and each side's credentials go to that side
// only (the source's Basic never reaches the destination, the destination's tokens never the source).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CopyResult } from '../../shared/copy'
import type { ApiEvents } from '../../shared/ipc'
import { createEngine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { getLab } from '../lab/lab-client'
import { berthInProcess } from '../support/cli-run'
import { pushRandomImage, writerClient } from '../support/copy-lab'
import { startCopyProxy, type CopyProxy } from '../support/copy-proxy'

const chunk = 64 * 1024
const layerBytes = 16 * chunk
let dataDir: string
let image: { digest: string; layer: string; layerSize: number }
const repository = `scratch/copy-faults-${randomBytes(4).toString('hex')}`
const proxies: CopyProxy[] = []

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-copy-faults-'))
  const lab = getLab()
  const client = writerClient(lab.open.url, lab.open.host, lab.users.writer)
  try {
    image = await pushRandomImage(client, repository, 'big', layerBytes)
  } finally {
    await client.close()
  }
})

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()))
  rmSync(dataDir, { recursive: true, force: true })
})

async function proxyTo(url: string): Promise<CopyProxy> {
  const proxy = await startCopyProxy(url)
  proxies.push(proxy)
  return proxy
}

/** berth cp from the open lab registry (anonymous) to `destination` as the lab's writer. */
function copyAsWriter(source: string, destination: string, dataDirectory: string) {
  const { username, password } = getLab().users.writer
  return berthInProcess(['cp', source, destination, '--json', '--dest-username', username, '--dest-password-stdin'], {
    stdin: `${password}\n`,
    env: { BERTH_DATA_DIR: dataDirectory, BERTH_COPY_CHUNK_BYTES: String(chunk) },
  })
}

async function tagExists(registryUrl: string, path: string): Promise<number> {
  const { username, password } = getLab().users.writer
  const response = await fetch(`${registryUrl}/v2/${path}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
    },
  })
  return response.status
}

describe('a connection cut mid-blob', () => {
  it('fails naming the step, the blob and the registry; the next run sends only what had not arrived', async () => {
    const lab = getLab()
    const destination = await proxyTo(lab.basic.url)
    const target = `${destination.host}/${repository}-resumed:big`
    const runData = join(dataDir, 'resume')
    destination.cut({ method: 'PATCH', path: /\/blobs\/uploads\//, nth: 5 })

    const first = await copyAsWriter(`${lab.open.host}/${repository}:big`, target, runData)
    expect(first.code).toBe(2)
    const failure = JSON.parse(first.stderr) as { error: { message: string } }
    expect(failure.error.message).toContain(image.layer.slice(0, 19))
    expect(failure.error.message).toContain('upload chunk 5')
    expect(failure.error.message).toContain(destination.host)
    // The tag was to be written last: it is not there.
    expect(await tagExists(lab.basic.url, `${repository}-resumed/manifests/big`)).toBe(404)
    const sentBefore = destination.uploaded('PATCH', /\/blobs\/uploads\//)
    expect(sentBefore).toBe(4 * chunk)

    destination.cut(null)
    const second = await copyAsWriter(`${lab.open.host}/${repository}:big`, target, runData)
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
    const result = JSON.parse(second.stdout) as CopyResult
    expect(result.items[0]).toMatchObject({ status: 'copied', destinationDigest: image.digest, bytesUploaded: layerBytes - 4 * chunk })
    expect(result.items[0]?.blobs.resumed).toBe(1)
    // Across both runs, every byte of the layer crossed once.
    expect(destination.uploaded('PATCH', /\/blobs\/uploads\//)).toBe(layerBytes)
    expect(await tagExists(lab.basic.url, `${repository}-resumed/manifests/big`)).toBe(200)
  })
})

describe('a corrupted blob', () => {
  it('is refused: the upload never completes and the destination has neither the blob nor the tag', async () => {
    const lab = getLab()
    const source = await proxyTo(lab.open.url)
    source.tamper({ method: 'GET', path: new RegExp(`/blobs/${image.layer}$`) })
    const run = await copyAsWriter(
      `${source.host}/${repository}:big`,
      `${lab.basic.host}/${repository}-corrupt:big`,
      join(dataDir, 'corrupt'),
    )
    expect(run.code).toBe(2)
    const failure = JSON.parse(run.stderr) as { error: { code: string; message: string } }
    expect(failure.error.code).toBe('digest_mismatch')
    expect(failure.error.message).toMatch(/corrupted/)
    expect(failure.error.message).toContain(image.layer.slice(0, 19))
    expect(await tagExists(lab.basic.url, `${repository}-corrupt/manifests/big`)).toBe(404)
    expect(await tagExists(lab.basic.url, `${repository}-corrupt/blobs/${image.layer}`)).toBe(404)
  })
})

describe('credentials between two registries', () => {
  it("never send the source's credentials to the destination, nor the destination's to the source", async () => {
    const lab = getLab()
    const source = await proxyTo(lab.basic.url)
    const destination = await proxyTo(lab.token.url)
    const engine = createEngine({ dataDirectory: join(dataDir, 'app'), secrets: createMemorySecretStore() })
    try {
      const signIn = async (url: string, user: { username: string; password: string }): Promise<string> => {
        const view = await engine.api.saveRegistry({ profile: { name: new URL(url).host, url } })
        await engine.api.login({ registryId: view.id, username: user.username, secret: user.password })
        return view.id
      }
      const sourceId = await signIn(source.url, lab.users.reader)
      const destinationId = await signIn(destination.url, lab.users.writer)
      const finished = new Promise<ApiEvents['copyFinished']>((resolve) => {
        engine.subscribe((event, payload) => {
          if (event === 'copyFinished') resolve(payload as ApiEvents['copyFinished'])
        })
      })
      await engine.api.startCopy({
        source: { registryId: sourceId, repository: 'acme/web' },
        destination: { registryId: destinationId, repository: `${repository}-creds` },
        items: [{ reference: '1.2.0', tags: ['1.2.0'] }],
      })
      const done = await finished
      expect(done.error).toBeNull()
      expect(done.result?.items[0]?.status).toBe('copied')

      const readerBasic = `Basic ${Buffer.from(`${lab.users.reader.username}:${lab.users.reader.password}`).toString('base64')}`
      const sent = (proxy: CopyProxy): string[] => proxy.calls.flatMap((call) => (call.authorization === null ? [] : [call.authorization]))
      expect(sent(source).length).toBeGreaterThan(0)
      expect(new Set(sent(source))).toEqual(new Set([readerBasic]))
      expect(sent(destination).length).toBeGreaterThan(0)
      expect(sent(destination).every((value) => value.startsWith('Bearer '))).toBe(true)
      expect(sent(destination)).not.toContain(readerBasic)
      // Bytes went from one to the other; credentials did not.
      expect(destination.uploaded('PUT', /\/blobs\/uploads\//) + destination.uploaded('PATCH', /\/blobs\/uploads\//)).toBeGreaterThan(0)
    } finally {
      await engine.close()
    }
  })
})

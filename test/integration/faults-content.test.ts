// Manifests, configs and tag details through a fault proxy in front of the real lab: tampered bytes
// are caught by digest, hostile bodies end in typed errors, and blob redirects never carry our
// Authorization off the registry host nor downgrade https to http.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inspectReference } from '../../electron/operations/inspect'
import { loadTagDetails } from '../../electron/operations/tag-details'
import { getLab } from '../lab/lab-client'
import { startRecordingServer, type RecordingServer } from '../lab/fault-proxy'
import { expectBerthError, faultSession, matching, type FaultSession } from './faults-support'

const lab = getLab()
const latest = lab.truth.repositories['acme/web']?.latest
const manifestByDigest = /^\/v2\/acme\/web\/manifests\/sha256:/
const blobPath = /^\/v2\/acme\/web\/blobs\/sha256:/

const closers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((s) => s.close()))
})
async function session(...args: Parameters<typeof faultSession>): Promise<FaultSession> {
  const s = await faultSession(...args)
  closers.push(s)
  return s
}
async function recorder(): Promise<RecordingServer> {
  const r = await startRecordingServer({ upstream: lab.open.url, lifetimeMs: 60_000 })
  closers.push(r)
  return r
}

let certDir = ''
let tls: { certPem: string; keyPem: string }
beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'berth-faults-cert-'))
  const [key, cert] = [join(certDir, 'key.pem'), join(certDir, 'cert.pem')]
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  tls = { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') }
})
afterAll(() => {
  rmSync(certDir, { recursive: true, force: true })
})

describe('manifests and configs under faults', () => {
  it('loads the details of a tag through the proxy when no fault is armed', async () => {
    const { client } = await session({ upstream: lab.token.url, user: lab.users.reader })
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row).toMatchObject({ ok: true, details: { digest: latest?.digest } })
  })

  it('rejects a manifest whose bytes do not match the digest it was fetched by with digest_mismatch', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: manifestByDigest, fault: { kind: 'tamper-body' } }],
    })
    await expectBerthError(
      client.getManifest('acme/web', latest?.digest ?? ''),
      'digest_mismatch',
      /does not match its digest: expected sha256:/,
    )
  })

  it('rejects manifest bytes altered on the way when fetched by tag, against the Docker-Content-Digest sent', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /\/manifests\//, fault: { kind: 'tamper-body' } }],
    })
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row?.ok).toBe(false)
    if (row?.ok === false) expect(row.error.code).toBe('digest_mismatch')
  })

  it('rejects a tampered config blob with digest_mismatch in the tag details row', async () => {
    const { client } = await session({ upstream: lab.open.url, rules: [{ method: 'GET', path: blobPath, fault: { kind: 'tamper-body' } }] })
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row).toMatchObject({ ok: false, error: { code: 'digest_mismatch', message: matching(/does not match its digest/) } })
  })

  it('turns garbage served as a manifest into an error row, never details', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /\/manifests\//, fault: { kind: 'garbage', bytes: 2048 } }],
    })
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row?.ok).toBe(false)
    if (row?.ok === false) expect(['digest_mismatch', 'invalid_response']).toContain(row.error.code)
  })

  it.each([
    ['bytes that are not JSON', Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
    [
      'JSON of the wrong shape',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: 'nope', config: [1, 2] }),
      ),
    ],
    [
      'an index whose manifests are not descriptors',
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [null, 7, { digest: 'x' }] }),
      ),
    ],
  ])('reports a registry that consistently serves %s as a manifest with invalid_response', async (_what, body) => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ path: /\/manifests\//, fault: { kind: 'serve', body, contentType: 'application/vnd.oci.image.manifest.v1+json' } }],
    })
    await expectBerthError(inspectReference(client, 'acme/web', 'latest'), 'invalid_response', /manifest/i)
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row).toMatchObject({ ok: false, error: { code: 'invalid_response' } })
  })

  it('stops reading a 12 MB manifest with invalid_response', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /\/manifests\//, fault: { kind: 'huge', bytes: 12 * 1024 * 1024, declareLength: false } }],
    })
    await expectBerthError(client.getManifest('acme/web', 'latest'), 'invalid_response', /answered more than 4194304 bytes/)
  })

  it('reports a truncated manifest as network, never as a short manifest', async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: /\/manifests\//, fault: { kind: 'truncate', keepBytes: 50 } }],
    })
    await expectBerthError(client.getManifest('acme/web', 'latest'), 'network', /closed the connection unexpectedly/)
  })

  it("turns a 502 for one tag's manifest into a server_error row while the other tags load", async () => {
    const { client } = await session({
      upstream: lab.open.url,
      rules: [{ path: /\/manifests\/latest$/, fault: { kind: 'status', status: 502 } }],
    })
    const rows = await loadTagDetails(client, 'acme/web', ['latest', 'stable'])
    expect(rows.find((r) => r.tag === 'latest')).toMatchObject({ ok: false, error: { code: 'server_error' } })
    expect(rows.find((r) => r.tag === 'stable')).toMatchObject({ ok: true })
  })
})

describe('blob redirects', () => {
  it('follows a redirect to another host for a config blob without sending Authorization there', async () => {
    const other = await recorder()
    const { client, proxy } = await session({
      upstream: lab.token.url,
      user: lab.users.reader,
      rules: [
        {
          method: 'GET',
          path: blobPath,
          fault: { kind: 'redirect', status: 307, location: (path) => `${other.url}${path.replace(/\?.*$/, '')}` },
        },
      ],
    })
    const [row] = await loadTagDetails(client, 'acme/web', ['latest'])
    expect(row).toMatchObject({ ok: true, details: { digest: latest?.digest } })
    // The registry itself got the token; the other host got the request, without it.
    expect(proxy.requests.some((r) => r.fault === 'redirect' && r.authorization)).toBe(true)
    expect(other.requests.length).toBeGreaterThan(0)
    expect(other.requests.filter((r) => r.authorization)).toEqual([])
  })

  it("refuses to follow an https registry's blob redirect to http with unsafe_redirect", async () => {
    const other = await recorder()
    const { client } = await session({
      upstream: lab.open.url,
      tls,
      caPems: [tls.certPem],
      rules: [{ method: 'GET', path: blobPath, fault: { kind: 'redirect', status: 307, location: (path) => `${other.url}${path}` } }],
    })
    const config = latest?.configDigest ?? ''
    await expectBerthError(
      client.getBlob('acme/web', config, { maxBytes: 1024 * 1024 }),
      'unsafe_redirect',
      /redirected from https to http:\/\/127\.0\.0\.1:\d+ .*does not downgrade/,
    )
    expect(other.requests).toEqual([])
  })

  it('stops a redirect loop with invalid_response', async () => {
    const { client, proxy } = await session({
      upstream: lab.open.url,
      rules: [{ method: 'GET', path: blobPath, fault: { kind: 'redirect', status: 302, location: (path) => path } }],
    })
    await expectBerthError(
      client.getBlob('acme/web', latest?.configDigest ?? '', { maxBytes: 1024 * 1024 }),
      'invalid_response',
      /redirected more than 5 times/,
    )
    expect(proxy.requests.length).toBeLessThanOrEqual(6)
  })
})

// TLS trust per registry against the lab's https registry (lab CA, token realm on the issuer's
// https port): refused without trust, accepted with the CA or with the pinned fingerprint, and a
// wrong pin refused as a changed certificate.
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryClient } from '../../electron/http/registry-client'
import type { RegistryClient, TlsTrust } from '../../electron/http/client-types'
import { getLab } from '../lab/lab-client'

const clients: RegistryClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function tlsClient(trust?: TlsTrust): RegistryClient {
  const lab = getLab()
  const reader = lab.users.reader
  const client = createRegistryClient({
    endpoint: { url: lab.tls.url, host: lab.tls.host, insecure: false },
    ...(trust ? { trust } : {}),
    credentials: () => Promise.resolve({ kind: 'basic', username: reader.username, password: reader.password }),
  })
  clients.push(client)
  return client
}

const nested = 'group/subgroup/project/image'

function truthTags(repository: string): string[] {
  return Object.keys(getLab().truth.repositories[repository] ?? {}).sort()
}

describe('tls registry', () => {
  it('refuses the registry without trust, carrying the presented certificate', async () => {
    const error: unknown = await tlsClient()
      .ping()
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).toMatchObject({ code: 'tls_untrusted', data: { certificate: { fingerprint256: getLab().tls.fingerprint256 } } })
  })

  it('works with the lab CA trusted for this registry: ping with certificate, tags through the https realm', async () => {
    const lab = getLab()
    const client = tlsClient({ caPems: [lab.tls.caPem] })
    const ping = await client.ping()
    expect(ping.auth).toBe('bearer')
    expect(ping.realm).toBe(lab.tls.realm)
    expect(ping.certificate?.fingerprint256).toBe(lab.tls.fingerprint256)
    expect((await client.listTags(nested)).sort()).toEqual(truthTags(nested))
    expect((await client.catalog()).catalog).toBe('unavailable')
  })

  it('works with only the pinned fingerprint of the server certificate', async () => {
    const client = tlsClient({ caPems: [], pinnedFingerprint: getLab().tls.fingerprint256 })
    expect((await client.ping()).auth).toBe('bearer')
    expect((await client.listTags(nested)).sort()).toEqual(truthTags(nested))
  })

  it('refuses a wrong pin as tls_changed with both fingerprints, even with the CA trusted', async () => {
    const lab = getLab()
    const wrong = lab.tls.fingerprint256.startsWith('AA') ? `BB${lab.tls.fingerprint256.slice(2)}` : `AA${lab.tls.fingerprint256.slice(2)}`
    const error: unknown = await tlsClient({ caPems: [lab.tls.caPem], pinnedFingerprint: wrong })
      .listTags(nested)
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).toMatchObject({
      code: 'tls_changed',
      data: { expectedFingerprint: wrong, certificate: { fingerprint256: lab.tls.fingerprint256 } },
    })
  })
})

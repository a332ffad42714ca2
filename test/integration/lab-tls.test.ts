import { rootCertificates } from 'node:tls'
import { Agent, fetch as undiciFetch } from 'undici'
import { describe, expect, it } from 'vitest'
import { getLab } from '../lab/lab-client'
import { fetchToken } from '../lab/test-helpers'

const lab = getLab()

describe('the TLS registry', () => {
  it('is refused without the lab CA', async () => {
    await expect(fetch(`${lab.tls.url}/v2/`)).rejects.toThrow()
  })

  it('is accepted with an undici Agent given the bundled roots plus the lab CA, and uses token auth', async () => {
    const dispatcher = new Agent({ connect: { ca: [...rootCertificates, lab.tls.caPem] } })
    try {
      const ping = await undiciFetch(`${lab.tls.url}/v2/`, { dispatcher })
      expect(ping.status).toBe(401)
      expect(ping.headers.get('www-authenticate')).toBe(`Bearer realm="${lab.tls.realm}",service="${lab.tls.service}"`)
      expect(lab.tls.realm.startsWith('https://')).toBe(true)
      const viaCa = ((url: string | URL, init?: RequestInit) =>
        undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch
      const { token } = await fetchToken(lab.tls.realm, lab.tls.service, ['repository:acme/web:pull'], lab.users.reader, viaCa)
      const tags = await undiciFetch(`${lab.tls.url}/v2/acme/web/tags/list`, { dispatcher, headers: { authorization: `Bearer ${token}` } })
      expect(tags.status).toBe(200)
    } finally {
      await dispatcher.close()
    }
  })

  it('exposes the server certificate fingerprint in AA:BB form', () => {
    expect(lab.tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(lab.tls.serverCertPem).toContain('BEGIN CERTIFICATE')
  })
})

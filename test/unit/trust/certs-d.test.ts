import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { defaultCertsDirs, readCertsDirs } from '../../../electron/trust/certs-d'
import { makeTestCertificates, type TestCertificates } from '../stores/trust-fixtures'

let certs: TestCertificates
let root: string
beforeAll(() => {
  certs = makeTestCertificates()
})
afterAll(() => certs.remove())
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-certsd-'))
  return () => rmSync(root, { recursive: true, force: true })
})

function put(host: string, name: string, content: string, base = root): void {
  mkdirSync(join(base, host), { recursive: true })
  writeFileSync(join(base, host, name), content)
}

describe('certs.d', () => {
  it('reads every *.crt in the host:port directory as an extra CA', () => {
    put('r.example.com:5050', 'a.crt', certs.caPem)
    put('r.example.com:5050', 'b.crt', certs.selfSignedCertPem)
    const trust = readCertsDirs('r.example.com:5050', [root])
    expect(trust.caPems).toEqual([certs.caPem, certs.selfSignedCertPem])
    expect(trust.files.map((f) => f.slice(root.length))).toEqual(['/r.example.com:5050/a.crt', '/r.example.com:5050/b.crt'])
  })

  it('does not use another port’s directory', () => {
    put('r.example.com:5050', 'a.crt', certs.caPem)
    expect(readCertsDirs('r.example.com:5051', [root]).caPems).toEqual([])
    expect(readCertsDirs('r.example.com', [root]).caPems).toEqual([])
  })

  it('finds the directory of a default-port registry under host and host:443', () => {
    put('r.example.com', 'a.crt', certs.caPem)
    put('r.example.com:443', 'b.crt', certs.selfSignedCertPem)
    expect(readCertsDirs('r.example.com', [root]).caPems).toHaveLength(2)
  })

  it('pairs *.cert with the *.key of the same name as the client certificate', () => {
    put('h:1', 'client.cert', certs.serverCertPem)
    put('h:1', 'client.key', certs.serverKeyPem)
    expect(readCertsDirs('h:1', [root]).clientCert).toEqual({ certPem: certs.serverCertPem, keyPem: certs.serverKeyPem })
  })

  it('names the file when a client certificate has no key, or a key no certificate', () => {
    put('h:1', 'client.cert', certs.serverCertPem)
    expect(() => readCertsDirs('h:1', [root])).toThrow(/client\.cert has no matching key .*client\.key/)
    rmSync(join(root, 'h:1'), { recursive: true })
    put('h:1', 'lonely.key', certs.serverKeyPem)
    expect(() => readCertsDirs('h:1', [root])).toThrow(/lonely\.key has no matching client certificate/)
  })

  it('names a *.crt file that holds no certificate', () => {
    put('h:1', 'broken.crt', 'not a certificate')
    expect(() => readCertsDirs('h:1', [root])).toThrow(/broken\.crt contains no PEM certificate/)
  })

  it('merges several roots and ignores ones that do not exist', () => {
    const second = join(root, 'second')
    put('h:1', 'a.crt', certs.caPem)
    put('h:1', 'b.crt', certs.selfSignedCertPem, second)
    expect(readCertsDirs('h:1', [join(root, 'missing'), root, second]).caPems).toEqual([certs.caPem, certs.selfSignedCertPem])
  })

  it('looks in the docker and containers roots by default', () => {
    expect(defaultCertsDirs({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toEqual([
      '/etc/docker/certs.d',
      '/etc/containers/certs.d',
      '/xdg/containers/certs.d',
    ])
    expect(defaultCertsDirs({}, 'linux', '/home/u')).toContain('/home/u/.config/containers/certs.d')
  })
})

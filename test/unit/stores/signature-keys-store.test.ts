import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSignatureKeysStore, type SignatureKeysStore } from '../../../electron/stores/signature-keys-store'
import { rejection as refusal } from '../../support/rejection'

let dir = ''
let store: SignatureKeysStore
const pem = (kind: 'ec' | 'ed25519' = 'ec'): string => {
  const pair = kind === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-keys-'))
  store = createSignatureKeysStore(join(dir, 'signature-keys.json'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the signature keys file', () => {
  it('keeps keys per registry, and gives a repository the registry-wide keys and those whose prefix covers it', async () => {
    await store.add({ registry: 'r.example', repository: null, name: 'everything', pem: pem() })
    await store.add({ registry: 'r.example', repository: 'team', name: 'team', pem: pem('ed25519') })
    await store.add({ registry: 'other.example', repository: null, name: 'elsewhere', pem: pem() })
    const names = async (repository: string) => (await store.forRepository('r.example', repository)).map((key) => key.name)
    expect(await names('team/app')).toEqual(['everything', 'team'])
    expect(await names('team')).toEqual(['everything', 'team'])
    // Whole path components: "teamwork" is not under "team".
    expect(await names('teamwork/app')).toEqual(['everything'])
    expect((await store.list('r.example')).map((key) => key.algorithm)).toEqual(['ecdsa-p256', 'ed25519'])
    expect(await store.list()).toHaveLength(3)
  })

  it('stores the canonical PEM and its fingerprint, and refuses the same key twice in one scope', async () => {
    const text = pem()
    const key = await store.add({ registry: 'r.example', repository: null, name: 'a', pem: `comment\n${text}` })
    expect(key.pem).toBe(text)
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    const again = await refusal(store.add({ registry: 'r.example', repository: null, name: 'b', pem: text }))
    expect(again.data.code).toBe('conflict')
    // The same key for another scope is fine.
    await store.add({ registry: 'r.example', repository: 'team', name: 'b', pem: text })
  })

  it('refuses what is not a public key cosign could verify with, saying why', async () => {
    const add = (text: string) => refusal(store.add({ registry: 'r', repository: null, name: 'x', pem: text }))
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    expect((await add(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).message).toContain('This is a private key')
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect((await add(p384)).message).toContain('P-256 only')
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect((await add(small)).message).toContain('1024 bits')
    expect((await add('hello')).message).toContain('No PEM block')
    expect((await add(`${pem()}${pem()}`)).message).toContain('2 PEM blocks')
  })

  it('removes by name, id or fingerprint prefix, within the registry', async () => {
    const a = await store.add({ registry: 'r', repository: null, name: 'a', pem: pem() })
    const b = await store.add({ registry: 'r', repository: null, name: 'b', pem: pem() })
    await store.add({ registry: 'r', repository: null, name: 'c', pem: pem() })
    expect((await store.remove('r', 'a')).id).toBe(a.id)
    expect((await store.remove('r', b.fingerprint.slice(0, 12))).id).toBe(b.id)
    expect((await refusal(store.remove('other', 'c'))).data.code).toBe('not_found')
    expect((await store.list('r')).map((key) => key.name)).toEqual(['c'])
  })

  it('reports a hand-edited file instead of using part of it', async () => {
    await store.add({ registry: 'r', repository: null, name: 'a', pem: pem() })
    const file = join(dir, 'signature-keys.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"ecdsa-p256"', '"dsa"'))
    expect((await refusal(store.list())).message).toContain('keys.0.algorithm')
  })
})

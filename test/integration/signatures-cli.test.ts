// `berth verify` and `berth keys` on the lab's acme/signed (test/lab/fixtures-signed.ts): every
// fixture's verdict, exit code and --json report, with keys given on the command line and stored;
// and openssl, a verifier that is not Berth, agreeing that the lab's signatures are real.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { getLab } from '../lab/lab-client'
import { labSigningKeys, SIGNED_REPOSITORY, SIGNED_TAGS } from '../lab/fixtures-signed'
import { berthInProcess } from '../support/cli-run'

const lab = getLab()
const keys = labSigningKeys()
let dir = ''
let env: Record<string, string> = {}
const file = (name: string): string => join(dir, name)

const reportSchema = z.object({
  digest: z.string(),
  status: z.enum(['verified', 'failed', 'signed-no-key', 'keyless', 'unsigned']),
  signatures: z.array(
    z.object({
      status: z.string(),
      reason: z.string().nullable(),
      source: z.enum(['cosign-tag', 'referrer']),
      key: z.object({ name: z.string(), fingerprint: z.string() }).nullable(),
      signedDigest: z.string().nullable(),
    }),
  ),
  keys: z.array(z.object({ name: z.string(), fingerprint: z.string() })),
})

const exitFor = { verified: 0, failed: 6, unsigned: 7, 'signed-no-key': 8, keyless: 8 } as const

async function verify(tag: string, ...extra: string[]) {
  const run = await berthInProcess(['verify', `${lab.open.host}/${SIGNED_REPOSITORY}:${tag}`, ...extra, '--json'], { env })
  return { code: run.code, stderr: run.stderr, report: run.stdout === '' ? null : reportSchema.parse(JSON.parse(run.stdout)) }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-signatures-'))
  env = { BERTH_DATA_DIR: join(dir, 'data') }
  writeFileSync(file('a.pub'), keys.a.publicPem)
  writeFileSync(file('b.pub'), keys.b.publicPem)
  writeFileSync(file('a.key'), keys.a.privateKey.export({ type: 'pkcs8', format: 'pem' }))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('berth verify --key on every acme/signed fixture', () => {
  for (const [tag, expected] of Object.entries(SIGNED_TAGS)) {
    it(`${tag}: ${expected}, exit ${exitFor[expected]}`, async () => {
      const { code, report } = await verify(tag, '--key', file('a.pub'))
      expect(report?.status).toBe(expected)
      expect(code).toBe(exitFor[expected])
      expect(report?.digest).toBe(lab.truth.repositories[SIGNED_REPOSITORY]?.[tag]?.digest)
    })
  }

  it('names the key that verified, and where the signature was found', async () => {
    const signed = (await verify('signed', '--key', file('b.pub'), '--key', file('a.pub'))).report
    expect(signed?.signatures.map((check) => [check.status, check.source, check.key?.name])).toEqual([['verified', 'cosign-tag', 'a']])
    const referrer = (await verify('referrer', '--key', file('a.pub'))).report
    expect(referrer?.signatures).toEqual([expect.objectContaining({ status: 'verified', source: 'referrer' })])
  })

  it('says why each failure failed', async () => {
    const reason = async (tag: string) => (await verify(tag, '--key', file('a.pub'))).report?.signatures[0]?.reason
    expect(await reason('tampered')).toMatch(/^bad signature/)
    expect(await reason('other-key')).toMatch(/^(bad signature|key type mismatch)/)
    const signedDigest = lab.truth.repositories[SIGNED_REPOSITORY]?.signed?.digest ?? ''
    expect(await reason('wrong-digest')).toBe(`signed another image (${signedDigest})`)
    expect(await reason('keyless')).toContain('not verified here')
  })

  it('verifies the other key’s image with that key, by digest too', async () => {
    expect((await verify('other-key', '--key', file('b.pub'))).code).toBe(0)
    const digest = lab.truth.repositories[SIGNED_REPOSITORY]?.['other-key']?.digest ?? ''
    const run = await berthInProcess(['verify', `${lab.open.host}/${SIGNED_REPOSITORY}@${digest}`, '--key', file('b.pub')], { env })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Verified by b (SHA256:')
  })

  it('refuses a private key given as --key, without echoing it', async () => {
    const run = await berthInProcess(['verify', `${lab.open.host}/${SIGNED_REPOSITORY}:signed`, '--key', file('a.key')], { env })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('This is a private key')
    expect(run.stderr).not.toContain('PRIVATE KEY-----')
  })
})

describe('berth keys, and verify with the stored keys', () => {
  it('without any key, a signed image is "signed, no key" (exit 8) and the output says how to add one', async () => {
    const run = await berthInProcess(['verify', `${lab.open.host}/${SIGNED_REPOSITORY}:signed`], { env })
    expect(run.code).toBe(8)
    expect(run.stdout).toContain('berth keys add')
  })

  it('adds a key for a repository prefix, verifies with it, lists and removes it', async () => {
    const add = await berthInProcess(['keys', 'add', `${lab.open.host}/acme`, file('a.pub'), '--name', 'release'], { env })
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toContain('Added ecdsa-p256 key "release"')
    const again = await berthInProcess(['keys', 'add', `${lab.open.host}/acme`, file('a.pub')], { env })
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already there')

    const { code, report } = await verify('signed')
    expect(code).toBe(0)
    expect(report?.keys.map((key) => key.name)).toEqual(['release'])
    expect((await verify('tampered')).code).toBe(6)
    // The key's scope is acme/…: another repository of the registry does not get it.
    const elsewhere = await berthInProcess(['verify', `${lab.open.host}/public/hello:1.0`, '--json'], { env })
    expect(reportSchema.parse(JSON.parse(elsewhere.stdout))).toMatchObject({ status: 'unsigned', keys: [] })
    expect(elsewhere.code).toBe(7)

    const list = await berthInProcess(['keys', 'list', lab.open.host, '--json'], { env })
    const listed = z
      .array(z.object({ name: z.string(), repository: z.string().nullable(), fingerprint: z.string() }))
      .parse(JSON.parse(list.stdout))
    expect(listed).toEqual([expect.objectContaining({ name: 'release', repository: 'acme' })])
    expect(list.stdout).not.toContain('BEGIN PUBLIC KEY')

    const rm = await berthInProcess(['keys', 'rm', lab.open.host, 'release'], { env })
    expect(rm.code, rm.stderr).toBe(0)
    expect((await verify('signed')).code).toBe(8)
  })

  it('says what is wrong with a bad key file or action', async () => {
    const add = await berthInProcess(['keys', 'add', lab.open.host, file('missing.pub')], { env })
    expect(add.code).toBe(1)
    expect(add.stderr).toContain('cannot read')
    const action = await berthInProcess(['keys', 'show'], { env })
    expect(action.code).toBe(1)
    expect(action.stderr).toContain('unknown keys action "show"')
  })
})

describe('the lab’s signatures, checked by openssl', () => {
  it('the signature on `signed` verifies over the payload bytes with key A', async () => {
    const digest = lab.truth.repositories[SIGNED_REPOSITORY]?.signed?.digest ?? ''
    const get = async (path: string, accept?: string) =>
      Buffer.from(
        await (await fetch(`${lab.open.url}/v2/${SIGNED_REPOSITORY}/${path}`, accept ? { headers: { accept } } : {})).arrayBuffer(),
      )
    const manifest = z
      .object({ layers: z.array(z.object({ digest: z.string(), annotations: z.record(z.string(), z.string()) })) })
      .parse(JSON.parse((await get(`manifests/${digest.replace(':', '-')}.sig`, 'application/vnd.oci.image.manifest.v1+json')).toString()))
    const layer = manifest.layers[0]
    writeFileSync(file('payload'), await get(`blobs/${layer?.digest ?? ''}`))
    writeFileSync(file('payload.sig'), Buffer.from(layer?.annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64'))
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', file('a.pub'), '-signature', file('payload.sig'), file('payload')], {
      encoding: 'utf8',
    })
    expect(out.trim()).toBe('Verified OK')
  })
})

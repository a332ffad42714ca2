// `berth login` and `berth trust` against the real lab, with a real Secret Service (gnome-keyring on
// a private bus): login checks the credentials with the registry and its token server before it
// stores anything; a TLS registry whose token realm is on another host (the lab's `tlsRealm`) gets
// a message naming that host, and `berth trust` shows and trusts both certificates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { startKeyring, type Keyring } from '../lab/keyring'
import { getLab } from '../lab/lab-client'
import { berthInProcess, type CliRun } from '../support/cli-run'
import { makeTestCertificates, type TestCertificates } from '../unit/stores/trust-fixtures'

let keyring: Keyring
let workDir: string
let dataDir: string
let otherCa: TestCertificates
const savedEnv: Record<string, string | undefined> = {}
const keyringVariables = ['HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'DBUS_SESSION_BUS_ADDRESS'] as const

beforeAll(async () => {
  keyring = await startKeyring()
  // The in-process CLI's keychain child inherits this process's environment: point it at the test keyring.
  for (const name of keyringVariables) {
    savedEnv[name] = process.env[name]
    process.env[name] = keyring.env[name]
  }
  workDir = mkdtempSync(join(tmpdir(), 'berth-login-cli-'))
  otherCa = makeTestCertificates()
})

afterAll(async () => {
  for (const name of keyringVariables) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
  await keyring.stop()
  otherCa.remove()
  rmSync(workDir, { recursive: true, force: true })
})

beforeEach(() => {
  dataDir = mkdtempSync(join(workDir, 'data-'))
})

function berth(args: string[], stdin?: string): Promise<CliRun> {
  return berthInProcess(args, { env: { BERTH_DATA_DIR: dataDir }, ...(stdin !== undefined ? { stdin } : {}) })
}

const registriesSchema = z.array(
  z.object({
    url: z.string(),
    hasCredential: z.boolean(),
    pinnedFingerprint: z.string().optional(),
    hostPins: z.array(z.object({ host: z.string(), fingerprint: z.string() })).optional(),
  }),
)

async function registries(): Promise<z.infer<typeof registriesSchema>> {
  const run = await berth(['registries', '--json'])
  expect(run.code).toBe(0)
  return registriesSchema.parse(JSON.parse(run.stdout))
}

describe('berth login checks before it stores', () => {
  it('refuses a wrong password with exit 3 and stores nothing; stores the right one', async () => {
    const lab = getLab()
    const { username, password } = lab.users.reader
    const wrong = await berth(['login', lab.basic.host, '--username', username, '--password-stdin'], `${password}-wrong\n`)
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain(`${lab.basic.host} refused these credentials`)
    expect(wrong.stderr).toContain('Nothing was saved.')
    expect(wrong.stderr).not.toContain(password)
    expect(await registries()).toEqual([])

    const right = await berth(['login', lab.basic.host, '--username', username, '--password-stdin'], `${password}\n`)
    expect(right.stderr).toBe('')
    expect(right.code).toBe(0)
    expect(right.stdout).toBe(`${lab.basic.host} accepted the credentials of ${username}: stored them in the system keychain.\n`)
    // A bare loopback address that answers in plain HTTP is saved as the http URL it answered on.
    expect(await registries()).toEqual([{ url: lab.basic.url, hasCredential: true }])
  })
})

describe('a TLS registry whose token realm is on another host (the lab’s tlsRealm)', () => {
  it('names the token server and `berth trust` when nothing is trusted, and stores nothing', async () => {
    const { tlsRealm, users } = getLab()
    const run = await berth(['login', tlsRealm.host, '--username', users.reader.username, '--password-stdin'], `${users.reader.password}\n`)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`the token server ${tlsRealm.realmHost}`)
    expect(run.stderr).toContain(`the registry ${tlsRealm.host}`)
    expect(run.stderr).toContain(`berth trust ${tlsRealm.host} --show`)
    expect(await registries()).toEqual([])
  })

  it('shows both certificates, pins both, then logs in and lists tags through the token server', async () => {
    const lab = getLab()
    const { tlsRealm, users } = lab
    const show = await berth(['trust', tlsRealm.host, '--show'])
    expect(show.code).toBe(0)
    expect(show.stdout).toContain(`Registry ${tlsRealm.host}: NOT trusted`)
    expect(show.stdout).toContain(`Token server ${tlsRealm.realmHost}: NOT trusted`)
    expect(show.stdout).toContain(tlsRealm.fingerprint256)
    expect(show.stdout).toContain(tlsRealm.realmFingerprint256)
    expect(show.stdout).toContain(
      `berth trust ${tlsRealm.host} --fingerprint ${tlsRealm.fingerprint256} --fingerprint ${tlsRealm.realmFingerprint256}`,
    )

    // The registry alone first: the token server is then named as still untrusted.
    const half = await berth(['trust', tlsRealm.host, '--fingerprint', tlsRealm.fingerprint256])
    expect(half.code).toBe(0)
    expect(half.stderr).toContain(`the token server ${tlsRealm.realmHost} is still not trusted`)
    const refused = await berth(
      ['tags', `${tlsRealm.host}/acme/web`, '--username', users.reader.username, '--password-stdin'],
      `${users.reader.password}\n`,
    )
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      `The certificate of the token server ${tlsRealm.realmHost} is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE). ` +
        `${tlsRealm.host} sends Berth there for its tokens.`,
    )
    expect(refused.stderr).toContain(`berth trust ${tlsRealm.host} --show`)

    const both = await berth(['trust', tlsRealm.host, '--fingerprint', tlsRealm.realmFingerprint256])
    expect(both.code).toBe(0)
    expect(both.stdout).toBe(`Pinned ${tlsRealm.realmFingerprint256} for the token server ${tlsRealm.realmHost} of ${tlsRealm.host}.\n`)
    expect(await registries()).toEqual([
      {
        url: tlsRealm.url,
        hasCredential: false,
        pinnedFingerprint: tlsRealm.fingerprint256,
        hostPins: [{ host: tlsRealm.realmHost, fingerprint: tlsRealm.realmFingerprint256 }],
      },
    ])

    const wrong = await berth(['login', tlsRealm.host, '--username', users.reader.username, '--password-stdin'], 'nope\n')
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain(
      `${tlsRealm.host} refused these credentials: its token server ${tlsRealm.realmHost} answered HTTP 401: HTTP Basic: Access denied.`,
    )
    expect((await registries())[0]?.hasCredential).toBe(false)

    const login = await berth(
      ['login', tlsRealm.host, '--username', users.reader.username, '--password-stdin'],
      `${users.reader.password}\n`,
    )
    expect(login.code).toBe(0)
    const tags = await berth(['tags', `${tlsRealm.host}/acme/web`, '--json'])
    expect(tags.stderr).toBe('')
    expect((JSON.parse(tags.stdout) as string[]).sort()).toEqual(Object.keys(lab.truth.repositories['acme/web'] ?? {}).sort())
  })

  it('trusts one CA for both hosts, and refuses a CA that issued neither', async () => {
    const { tlsRealm, users } = getLab()
    const other = join(dataDir, 'other-ca.pem')
    writeFileSync(other, otherCa.caPem)
    const wrongCa = await berth(['trust', tlsRealm.host, '--ca', other])
    expect(wrongCa.code).toBe(2)
    expect(wrongCa.stderr).toContain(
      `did not issue the certificate of the registry ${tlsRealm.host} and the token server ${tlsRealm.realmHost}`,
    )
    expect(await registries()).toEqual([])

    const ca = await berth(['trust', tlsRealm.host, '--ca', tlsRealm.caPath])
    expect(ca.code).toBe(0)
    const login = await berth(
      ['login', tlsRealm.host, '--username', users.reader.username, '--password-stdin'],
      `${users.reader.password}\n`,
    )
    expect(login.stderr).toBe('')
    expect(login.code).toBe(0)
  })
})

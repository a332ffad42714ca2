// Fuzzing docker/podman credential files (electron/stores/docker-logins/auth-config.ts, docker-config.ts):
// any JSON, and config.json-shaped documents with any field wrong, scanned and read the way the
// import dialog does. Invariant: results, or a BerthError naming the file — never a crash.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeAuthEntry, parseAuthConfig } from '../../../electron/stores/docker-logins/auth-config'
import { readLoginSecret, scanLogins } from '../../../electron/stores/docker-logins/docker-config'
import { normalizeRegistryHost } from '../../../electron/stores/profiles/registry-host'
import { fuzzParameters, fuzzTimeoutMs } from '../../fuzz/settings'
import { onlyBerthErrors, onlyBerthErrorsAsync } from '../../fuzz/only-berth-errors'

// An empty home with no config files and no PATH: only DOCKER_AUTH_CONFIG is read, and no
// credential helper can run (the fuzzed documents carry no credsStore/credHelpers either).
const home = mkdtempSync(join(tmpdir(), 'berth-fuzz-home-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))
const envWith = (config: string): NodeJS.ProcessEnv => ({
  HOME: home,
  DOCKER_CONFIG: join(home, 'docker'),
  REGISTRY_AUTH_FILE: join(home, 'none.json'),
  PATH: '',
  DOCKER_AUTH_CONFIG: config,
})

function mostly<T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) })
}
const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
const key = fc.oneof(
  fc.constantFrom(
    'https://index.docker.io/v1/',
    'registry.example.test',
    '127.0.0.1:5000',
    'http://localhost:5000',
    'https://[::1]:5443/v2/',
    'ghcr.io',
  ),
  fc.string({ maxLength: 30 }),
)
const authEntry = fc.record(
  {
    auth: mostly(
      fc.oneof(
        fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([u, p]) => base64(`${u}:${p}`)),
        fc.string({ maxLength: 20 }).map(base64),
        fc.string({ maxLength: 20 }),
      ),
    ),
    username: mostly(fc.string({ maxLength: 12 })),
    password: mostly(fc.string({ maxLength: 12 })),
    identitytoken: mostly(fc.string({ maxLength: 20 })),
    email: mostly(fc.string({ maxLength: 12 })),
  },
  { requiredKeys: [] },
)
const configDocument = fc.record(
  { auths: mostly(fc.dictionary(key, mostly(authEntry), { maxKeys: 4 })), proxies: fc.jsonValue({ maxDepth: 2 }), detachKeys: fc.string() },
  { requiredKeys: [] },
)

describe('docker config parsing on hostile input', () => {
  it(
    'parses any JSON text to a config or throws a BerthError naming the origin',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.string(),
          ),
          (text) => {
            try {
              parseAuthConfig(text, 'fuzz.json')
            } catch (error) {
              expect(error).toMatchObject({ name: 'BerthError', code: 'invalid_input' })
              expect((error as Error).message).toContain('fuzz.json')
            }
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'scans and reads every login of a config.json-shaped document with any field wrong, throwing only BerthErrors',
    async () => {
      await fc.assert(
        fc.asyncProperty(configDocument, async (document) => {
          const env = envWith(JSON.stringify(document))
          const logins = await onlyBerthErrorsAsync(() => scanLogins(env))
          for (const login of logins ?? []) {
            expect(typeof login.key).toBe('string')
            const secret = await onlyBerthErrorsAsync(() => readLoginSecret(login.key, env))
            if (secret !== undefined) expect(secret.secret.length).toBeGreaterThan(0)
          }
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'round-trips base64(user:password) in auths[].auth, splitting at the first colon',
    () => {
      const username = fc.string({ minLength: 1, maxLength: 20 }).filter((u) => !u.includes(':'))
      const password = fc.string({ minLength: 1, maxLength: 30 }).filter((p) => !p.endsWith('\0'))
      fc.assert(
        fc.property(username, password, (user, pass) => {
          expect(decodeAuthEntry({ auth: base64(`${user}:${pass}`) }, 'fuzz.json', 'k')).toEqual({
            username: user,
            secret: pass,
            kind: 'basic',
          })
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'decodes any entry to a login, null, or a BerthError',
    () => {
      fc.assert(
        fc.property(
          fc.record({ auth: fc.string(), username: fc.string(), password: fc.string(), identitytoken: fc.string() }, { requiredKeys: [] }),
          (entry) => {
            onlyBerthErrors(() => decodeAuthEntry(entry, 'fuzz.json', 'k'))
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'normalizes any login key to a host or null without throwing',
    () => {
      fc.assert(
        fc.property(fc.oneof(key, fc.webUrl(), fc.string()), (input) => {
          const host = normalizeRegistryHost(input)
          if (host !== null) expect(host).not.toMatch(/[\s/]/)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

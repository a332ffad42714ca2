import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import { createProfileStore, type ProfileStore } from '../../../electron/stores/profiles/profile-store'
import { importLogins, readLoginSecret, scanLogins } from '../../../electron/stores/docker-logins/docker-config'
import { normalizeRegistryHost } from '../../../electron/stores/profiles/registry-host'
import { createMemorySecretStore } from '../../../electron/stores/secrets/secret-store'
import { makeHelperDir, type HelperDir } from './credential-helper-fixtures'

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

let helpers: HelperDir
let home: string
let env: NodeJS.ProcessEnv
let profiles: ProfileStore

beforeAll(() => {
  helpers = makeHelperDir()
  helpers.addStore('berthtest', { 'helper.example.com': { username: 'helper-user', secret: 'helper-secret' } })
  helpers.addStore('berthstore', {
    'https://store.example.com': { username: 'store-user', secret: 'store-secret' },
    'helper.example.com': { username: 'wrong', secret: 'the store must not win over credHelpers' },
    'https://index.docker.io/v1/access-token': { username: 'desktop', secret: 'not a login' },
    'token.example.com': { username: '<token>', secret: 'identity-from-store' },
  })
})
afterAll(() => helpers.remove())

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'berth-docker-'))
  mkdirSync(join(home, '.docker'))
  mkdirSync(join(home, 'run'))
  // Only the fake home: never the real ~/.docker or podman files of whoever runs the tests.
  env = { PATH: helpers.env.PATH, HOME: home, XDG_RUNTIME_DIR: join(home, 'run'), XDG_CONFIG_HOME: join(home, 'config') }
  profiles = createProfileStore(join(home, 'berth', 'profiles.json'))
  return () => rmSync(home, { recursive: true, force: true })
})

function writeDockerConfig(config: unknown): void {
  writeFileSync(join(home, '.docker', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config))
}

function writePodmanAuth(config: unknown, path = join(home, 'run', 'containers', 'auth.json')): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, JSON.stringify(config))
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise
  } catch (error) {
    if (isBerthError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a rejection')
}

describe('login keys normalised to a registry host', () => {
  it.each([
    ['https://index.docker.io/v1/', 'registry-1.docker.io'],
    ['docker.io', 'registry-1.docker.io'],
    ['Registry.Example.com', 'registry.example.com'],
    ['registry.example.com:443', 'registry.example.com'],
    ['https://registry.example.com:5050/v2/', 'registry.example.com:5050'],
    ['http://localhost:5000', 'localhost:5000'],
    ['quay.io/team/app', 'quay.io'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%s → %s', (key, host) => {
    expect(normalizeRegistryHost(key)).toBe(host)
  })

  it.each([[''], ['   '], ['https://user:pw@host'], ['ftp://']])('%j is not a host', (key) => {
    expect(normalizeRegistryHost(key)).toBeNull()
  })
})

describe('docker config.json auths', () => {
  it('splits auth at the first colon and trims trailing NULs', async () => {
    writeDockerConfig({ auths: { 'registry.example.com': { auth: b64('alice:pa:ss\0\0') } } })
    expect(await readLoginSecret('registry.example.com', env)).toEqual({ username: 'alice', secret: 'pa:ss', kind: 'basic' })
  })

  it('reads username and password fields', async () => {
    writeDockerConfig({ auths: { 'https://r.example.com:5050': { username: 'bob', password: 'pw' } } })
    expect(await readLoginSecret('https://r.example.com:5050', env)).toEqual({ username: 'bob', secret: 'pw', kind: 'basic' })
  })

  it('turns an identitytoken into a refresh token with the <token> username', async () => {
    writeDockerConfig({ auths: { 'ghcr.io': { auth: b64('carol:'), identitytoken: 'refresh-me' } } })
    expect(await readLoginSecret('ghcr.io', env)).toEqual({
      username: '<token>',
      secret: 'refresh-me',
      kind: 'refresh_token',
      account: 'carol',
    })
  })

  it('lists logins with normalised registry URLs, usernames and no secrets', async () => {
    writeDockerConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') },
        'http://localhost:5000/v2/': { auth: b64('local:localpass') },
        '127.0.0.1:5001': { auth: b64('loop:looppass') },
        'registry.example.com:443': { auth: b64('dave:davepass') },
        'placeholder.example.com': {},
      },
    })
    const existing = profiles.save({ name: 'Hub', url: 'https://registry-1.docker.io' })
    const candidates = await scanLogins(env, profiles)
    expect(candidates).toEqual([
      {
        key: 'https://index.docker.io/v1/',
        registryUrl: 'https://registry-1.docker.io',
        username: 'hubuser',
        source: 'docker-config',
        existingProfileId: existing.id,
      },
      {
        key: 'http://localhost:5000/v2/',
        registryUrl: 'http://localhost:5000',
        username: 'local',
        source: 'docker-config',
        existingProfileId: null,
      },
      { key: '127.0.0.1:5001', registryUrl: 'http://127.0.0.1:5001', username: 'loop', source: 'docker-config', existingProfileId: null },
      {
        key: 'registry.example.com:443',
        registryUrl: 'https://registry.example.com',
        username: 'dave',
        source: 'docker-config',
        existingProfileId: null,
      },
    ])
    expect(JSON.stringify(candidates)).not.toMatch(/pass/)
  })

  it('finds nothing when there is no config at all', async () => {
    expect(await scanLogins(env)).toEqual([])
  })
})

describe('credential helpers', () => {
  it('lets credHelpers[host] win over credsStore', async () => {
    writeDockerConfig({ credsStore: 'berthstore', credHelpers: { 'helper.example.com': 'berthtest' }, auths: { 'helper.example.com': {} } })
    expect(await readLoginSecret('helper.example.com', env)).toEqual({ username: 'helper-user', secret: 'helper-secret', kind: 'basic' })
  })

  it('reads everything else from the credsStore, skipping its non-login entries', async () => {
    writeDockerConfig({ credsStore: 'berthstore', credHelpers: { 'helper.example.com': 'berthtest' } })
    const candidates = await scanLogins(env)
    expect(candidates.map((c) => [c.key, c.username, c.source])).toEqual([
      ['helper.example.com', 'helper-user', 'docker-credential-helper'],
      ['https://store.example.com', 'store-user', 'docker-credential-helper'],
      ['token.example.com', null, 'docker-credential-helper'],
    ])
    expect(await readLoginSecret('https://store.example.com', env)).toEqual({
      username: 'store-user',
      secret: 'store-secret',
      kind: 'basic',
    })
    expect(await readLoginSecret('token.example.com', env)).toEqual({
      username: '<token>',
      secret: 'identity-from-store',
      kind: 'refresh_token',
    })
  })

  it('falls back to the inline auth when the store has nothing for that key', async () => {
    writeDockerConfig({ credsStore: 'berthstore', auths: { 'inline.example.com': { auth: b64('eve:evepass') } } })
    expect(await readLoginSecret('inline.example.com', env)).toEqual({ username: 'eve', secret: 'evepass', kind: 'basic' })
  })
})

describe('DOCKER_AUTH_CONFIG', () => {
  it('takes precedence over config.json for the same key', async () => {
    writeDockerConfig({ auths: { 'registry.example.com': { auth: b64('file:filepass') }, 'other.example.com': { auth: b64('o:opass') } } })
    const withEnv = { ...env, DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'registry.example.com': { auth: b64('envuser:envpass') } } }) }
    expect(await readLoginSecret('registry.example.com', withEnv)).toEqual({ username: 'envuser', secret: 'envpass', kind: 'basic' })
    const candidates = await scanLogins(withEnv)
    expect(candidates.map((c) => [c.key, c.username, c.source])).toEqual([
      ['registry.example.com', 'envuser', 'DOCKER_AUTH_CONFIG'],
      ['other.example.com', 'o', 'docker-config'],
    ])
  })

  it('names the variable when its JSON is malformed', async () => {
    const failure = await errorOf(scanLogins({ ...env, DOCKER_AUTH_CONFIG: '{ nope' }))
    expect(failure.code).toBe('invalid_input')
    expect(failure.message).toMatch(/DOCKER_AUTH_CONFIG environment variable is malformed/)
  })
})

describe('podman auth.json', () => {
  it('reads ${XDG_RUNTIME_DIR}/containers/auth.json, keys prefixed with podman:', async () => {
    writePodmanAuth({ auths: { 'quay.io/team': { auth: b64('pod:podpass') } } })
    const candidates = await scanLogins(env)
    expect(candidates).toEqual([
      { key: 'podman:quay.io/team', registryUrl: 'https://quay.io', username: 'pod', source: 'podman-auth', existingProfileId: null },
    ])
    expect(await readLoginSecret('podman:quay.io/team', env)).toEqual({ username: 'pod', secret: 'podpass', kind: 'basic' })
  })

  it('prefers $REGISTRY_AUTH_FILE', async () => {
    writePodmanAuth({ auths: { 'quay.io': { auth: b64('runtime:x') } } })
    const explicit = join(home, 'elsewhere', 'auth.json')
    writePodmanAuth({ auths: { 'quay.io': { auth: b64('explicit:y') } } }, explicit)
    expect(await readLoginSecret('podman:quay.io', { ...env, REGISTRY_AUTH_FILE: explicit })).toMatchObject({ username: 'explicit' })
  })
})

describe('malformed files', () => {
  it.each([
    ['not JSON', '{ "auths": ', /not valid JSON/],
    ['auths that is not an object', '{ "auths": [1, 2] }', /auths/],
    [
      'an auth that is not base64',
      JSON.stringify({ auths: { 'r.example.com': { auth: '!!!' } } }),
      /auths\["r\.example\.com"\]\.auth is not base64/,
    ],
    [
      'an auth without a colon',
      JSON.stringify({ auths: { 'r.example.com': { auth: b64('nocolon') } } }),
      /does not decode to "username:password"/,
    ],
  ])('gives a clear invalid_input naming config.json for %s', async (_name, text, detail) => {
    writeDockerConfig(text)
    const failure = await errorOf(scanLogins(env))
    expect(failure.code).toBe('invalid_input')
    expect(failure.message).toContain(join(home, '.docker', 'config.json'))
    expect(failure.message).toMatch(detail)
  })

  it('honours $DOCKER_CONFIG and names that file', async () => {
    const custom = join(home, 'custom-docker')
    mkdirSync(custom)
    writeFileSync(join(custom, 'config.json'), 'garbage')
    const failure = await errorOf(readLoginSecret('x', { ...env, DOCKER_CONFIG: custom }))
    expect(failure.message).toContain(join(custom, 'config.json'))
  })
})

describe('importLogins', () => {
  it('creates profiles and copies only the picked secrets into the keychain', async () => {
    writeDockerConfig({
      auths: { 'a.example.com': { auth: b64('alice:apass') }, 'b.example.com': { auth: b64('bob:bpass') } },
    })
    writePodmanAuth({ auths: { 'ghcr.io': { identitytoken: 'gh-refresh' } } })
    const secrets = createMemorySecretStore()
    const imported = await importLogins(['a.example.com', 'podman:ghcr.io'], { profiles, secrets, env })
    expect(imported.map((p) => [p.id, p.url, p.username, p.kind])).toEqual([
      ['a-example-com', 'https://a.example.com', 'alice', 'generic'],
      ['ghcr-io', 'https://ghcr.io', undefined, 'ghcr'],
    ])
    expect(await secrets.get('a-example-com')).toBe('apass')
    expect(await secrets.get('ghcr-io:refresh')).toBe('gh-refresh')
    expect(await secrets.get('ghcr-io')).toBeNull()
    expect(profiles.findByHost('b.example.com')).toBeUndefined()
  })

  it('updates the existing profile for the host and replaces a stale refresh token', async () => {
    writeDockerConfig({ auths: { 'a.example.com': { auth: b64('alice2:newpass') } } })
    const existing = profiles.save({ name: 'Mine', url: 'https://a.example.com', username: 'old' })
    const secrets = createMemorySecretStore({ [`${existing.id}:refresh`]: 'stale' })
    const [profile] = await importLogins(['a.example.com'], { profiles, secrets, env })
    expect(profile).toMatchObject({ id: existing.id, name: 'Mine', username: 'alice2' })
    expect(await secrets.get(existing.id)).toBe('newpass')
    expect(await secrets.get(`${existing.id}:refresh`)).toBeNull()
    expect(profiles.list()).toHaveLength(1)
  })

  it('writes nothing when one picked key cannot be read', async () => {
    writeDockerConfig({ auths: { 'a.example.com': { auth: b64('alice:apass') } } })
    const secrets = createMemorySecretStore()
    const failure = await errorOf(importLogins(['a.example.com', 'gone.example.com'], { profiles, secrets, env }))
    expect(failure).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/No docker or podman login named "gone\.example\.com"/) as unknown,
    })
    expect(profiles.list()).toEqual([])
    expect(await secrets.get('a-example-com')).toBeNull()
  })
})

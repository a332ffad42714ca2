import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import type { RegistryKind } from '../../../shared/types'
import {
  createProfileStore,
  defaultDataDirectory,
  detectRegistryKind,
  type PingSignals,
} from '../../../electron/stores/profiles/profile-store'

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-profiles-'))
  file = join(dir, 'profiles.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('profile store', () => {
  it('starts empty when there is no file', () => {
    const store = createProfileStore(file)
    expect(store.list()).toEqual([])
    expect(store.warnings).toEqual([])
  })

  it('saves a profile with an id slugged from the host and reads it back from disk', () => {
    const saved = createProfileStore(file).save({ name: 'Work', url: 'https://Registry.Example.com:5050/', username: 'me' })
    expect(saved).toMatchObject({
      id: 'registry-example-com-5050',
      url: 'https://registry.example.com:5050',
      kind: 'generic',
      authMode: 'auto',
      insecure: false,
      favorites: [],
    })
    const again = createProfileStore(file)
    expect(again.get(saved.id)).toEqual(saved)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, profiles: [saved] })
  })

  it('makes ids unique when two profiles share a host', () => {
    const store = createProfileStore(file)
    const a = store.save({ name: 'A', url: 'https://r.example.com' })
    const b = store.save({ name: 'B', url: 'https://r.example.com' })
    expect([a.id, b.id]).toEqual(['r-example-com', 'r-example-com-2'])
  })

  it('writes the file with mode 0600 and leaves no temporary files behind', () => {
    createProfileStore(file).save({ name: 'A', url: 'https://r.example.com' })
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['profiles.json'])
  })

  it('finds a profile by host in any notation', () => {
    const store = createProfileStore(file)
    const hub = store.save({ name: 'Hub', url: 'https://registry-1.docker.io' })
    const local = store.save({ name: 'Local', url: 'http://127.0.0.1:5000' })
    expect(store.findByHost('docker.io')?.id).toBe(hub.id)
    expect(store.findByHost('https://index.docker.io/v1/')?.id).toBe(hub.id)
    expect(store.findByHost('127.0.0.1:5000')?.id).toBe(local.id)
    expect(store.findByHost('127.0.0.1:5001')).toBeUndefined()
  })

  it('updates fields, ignores undefined, clears with null and never changes the id', () => {
    const store = createProfileStore(file)
    const saved = store.save({ name: 'A', url: 'https://r.example.com', username: 'me' })
    const pinned = store.update(saved.id, { pinnedFingerprint: 'AA:'.repeat(31) + 'AA', username: undefined, id: 'other' })
    expect(pinned).toMatchObject({ id: saved.id, username: 'me', pinnedFingerprint: 'AA:'.repeat(31) + 'AA' })
    const cleared = store.update(saved.id, { pinnedFingerprint: null })
    expect(cleared.pinnedFingerprint).toBeUndefined()
    expect(store.get(saved.id)).toEqual(cleared)
  })

  it('refuses an update that would make the profile invalid, and an unknown id', () => {
    const store = createProfileStore(file)
    const saved = store.save({ name: 'A', url: 'https://r.example.com' })
    expect(() => store.update(saved.id, { pinnedFingerprint: 'not-a-fingerprint' })).toThrow(/pinnedFingerprint/)
    expect(() => store.update('nope', { name: 'x' })).toThrow(/No registry with id "nope"/)
  })

  it('rejects an input that is not a valid profile', () => {
    const store = createProfileStore(file)
    const attempt = (): unknown => store.save({ name: '', url: 'https://r.example.com' })
    expect(attempt).toThrow(/name/)
    expect(() => store.save({ name: 'x', url: 'ftp://r.example.com' })).toThrow(/https:\/\/ or http:\/\//)
  })

  it('removes a profile and says whether there was one', () => {
    const store = createProfileStore(file)
    const saved = store.save({ name: 'A', url: 'https://r.example.com' })
    expect(store.remove(saved.id)).toBe(true)
    expect(store.remove(saved.id)).toBe(false)
    expect(store.list()).toEqual([])
  })

  it('moves a corrupt file aside and reports it instead of silently dropping it', () => {
    writeFileSync(file, '{ "version": 1, "profiles": [ {"id": 3} ] }')
    const store = createProfileStore(file)
    expect(store.list()).toEqual([])
    expect(store.warnings).toHaveLength(1)
    expect(store.warnings[0]).toMatch(/profiles\.json\.bak-/)
    const aside = readdirSync(dir).find((name) => name.startsWith('profiles.json.bak-'))
    expect(aside).toBeDefined()
    expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toContain('"id": 3')
  })

  it('moves a file that is not JSON aside too', () => {
    writeFileSync(file, 'not json')
    const store = createProfileStore(file)
    expect(store.list()).toEqual([])
    expect(store.warnings[0]).toMatch(/not JSON/)
  })

  it('refuses to touch a file written by a newer version', () => {
    writeFileSync(file, '{ "version": 2, "profiles": [] }')
    const store = createProfileStore(file)
    let caught: unknown
    try {
      store.list()
    } catch (error) {
      caught = error
    }
    expect(isBerthError(caught) && caught.code).toBe('conflict')
    expect(readdirSync(dir)).toEqual(['profiles.json'])
  })
})

describe('default data directory', () => {
  const home = '/home/u'
  it.each([
    [{ BERTH_DATA_DIR: '/custom' }, 'linux', '/custom'],
    [{ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/berth'],
    [{ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/u/.config/berth'],
    [{}, 'linux', '/home/u/.config/berth'],
    [{}, 'darwin', '/home/u/Library/Application Support/Berth'],
    [{ APPDATA: '/appdata' }, 'win32', '/appdata/Berth'],
  ] as const)('with %j on %s is %s', (env, platform, expected) => {
    expect(defaultDataDirectory(env, platform, home).replace(/\\/g, '/')).toBe(expected)
  })
})

describe('registry kind detection', () => {
  const distribution = { 'Docker-Distribution-Api-Version': 'registry/2.0' }
  const cases: [string, PingSignals, string, RegistryKind][] = [
    [
      'GitLab by its /jwt/auth realm',
      { headers: distribution, realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry' },
      'https://registry.example.com',
      'gitlab',
    ],
    [
      'GitLab by its service name alone',
      { headers: {}, realm: 'https://git.example.com/auth', service: 'container_registry' },
      'https://r.example.com',
      'gitlab',
    ],
    [
      'Docker Hub by its realm',
      { headers: distribution, realm: 'https://auth.docker.io/token', service: 'registry.docker.io' },
      'https://mirror.example.com',
      'dockerhub',
    ],
    ['Docker Hub by its host', { headers: {} }, 'https://registry-1.docker.io', 'dockerhub'],
    ['GHCR by its host', { headers: distribution, realm: 'https://ghcr.io/token', service: 'ghcr.io' }, 'https://ghcr.io', 'ghcr'],
    ['Quay by its host', { headers: {} }, 'https://quay.io', 'quay'],
    ['Quay by its headers', { headers: { 'Quay-Version': '3.9' } }, 'https://quay.internal', 'quay'],
    [
      'Harbor by its token path and service',
      { headers: distribution, realm: 'https://harbor.example.com/service/token', service: 'harbor-registry' },
      'https://harbor.example.com',
      'harbor',
    ],
    [
      'Harbor with a relative realm',
      { headers: {}, realm: '/service/token', service: 'harbor-registry' },
      'https://h.example.com',
      'harbor',
    ],
    [
      'ECR by its Basic realm',
      { headers: {}, realm: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/' },
      'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'ecr',
    ],
    ['zot by its header', { headers: { 'X-Zot-Version': '2.1' } }, 'https://zot.example.com', 'zot'],
    [
      'distribution by its API version header',
      { headers: distribution, realm: 'https://auth.example.com/token', service: 'registry' },
      'https://r.example.com',
      'distribution',
    ],
    ['generic when nothing is recognisable', { headers: { server: 'nginx' } }, 'https://r.example.com', 'generic'],
  ]
  it.each(cases)('recognises %s', (_name, ping, url, kind) => {
    expect(detectRegistryKind(ping, url)).toBe(kind)
  })
})

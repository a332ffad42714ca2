import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import { formatReference, parseImageReference, parseRegistryAddress } from '../../../electron/http/reference'
import type { ImageReference } from '../../../electron/http/reference'

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`

describe('parseImageReference', () => {
  it.each<[string, ImageReference]>([
    ['registry.example.com/app', { registry: 'registry.example.com', repository: 'app' }],
    ['registry.example.com:5000/team/app:1.2.3', { registry: 'registry.example.com:5000', repository: 'team/app', tag: '1.2.3' }],
    ['localhost/app:latest', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b/c/d', { registry: 'localhost:5000', repository: 'a/b/c/d' }],
    ['127.0.0.1:5443/team/app@' + digest, { registry: '127.0.0.1:5443', repository: 'team/app', digest }],
    ['registry.example.com/team/app:v1@' + digest, { registry: 'registry.example.com', repository: 'team/app', tag: 'v1', digest }],
    ['[::1]:5000/app:x', { registry: '[::1]:5000', repository: 'app', tag: 'x' }],
    ['Registry.Example.COM/app', { registry: 'registry.example.com', repository: 'app' }],
    [
      'gitlab.example.com:5050/group/sub-group/project/image:main',
      { registry: 'gitlab.example.com:5050', repository: 'group/sub-group/project/image', tag: 'main' },
    ],
    ['r.example/a.b_c__d---e/f:TAG_1.0-rc', { registry: 'r.example', repository: 'a.b_c__d---e/f', tag: 'TAG_1.0-rc' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/bitnami/redis', { registry: 'docker.io', repository: 'bitnami/redis' }],
    ['  registry.example.com/app  ', { registry: 'registry.example.com', repository: 'app' }],
  ])('parses %s', (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected)
  })

  it.each([
    ['nginx', /registry host is missing/],
    ['team/app:1.0', /registry host is missing/],
    ['registry.example.com/Team/App', /must be lower-case/],
    ['registry.example.com/app:', /not a valid tag/],
    ['registry.example.com/app:-bad', /not a valid tag/],
    [`registry.example.com/app:${'a'.repeat(129)}`, /not a valid tag/],
    ['registry.example.com/app@sha256:abc', /sha256:<64 hex>/],
    [`registry.example.com/app@${digest.toUpperCase().replace('SHA256', 'sha256')}`, /lower-case hex/],
    ['registry.example.com//app', /empty path component/],
    ['registry.example.com/app/', /empty path component/],
    ['registry.example.com/-app', /not a valid repository path component/],
    ['registry.example.com/app_', /not a valid repository path component/],
    ['registry.example.com/', /repository name is missing/],
    ['https://registry.example.com/app', /no scheme/],
    ['registry.example.com:99999/app', /out of range/],
    ['bad_host.example.com/app', /not a valid registry host/],
    ['registry.example.com/a pp', /whitespace/],
    [`r.example/${'a'.repeat(250)}`, /longer than 255/],
    ['', /empty/],
  ])('rejects %j with a clear invalid_input', (input, message) => {
    let caught: unknown
    try {
      parseImageReference(input)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(BerthError)
    expect((caught as BerthError).code).toBe('invalid_input')
    expect((caught as BerthError).message).toMatch(message)
  })

  it('never echoes the password of an address with credentials', () => {
    let caught: unknown
    try {
      parseRegistryAddress('https://ada:s3cr3t-pw@registry.example.com:5000')
    } catch (error) {
      caught = error
    }
    const data = (caught as BerthError).toData()
    expect(JSON.stringify(data)).not.toContain('s3cr3t-pw')
    expect(data.message).toContain('https://registry.example.com:5000')
  })

  it('throws nothing but BerthError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-zA-Z0-9.:/@_-]{0,40}$/)), (input) => {
        try {
          parseImageReference(input)
        } catch (error) {
          expect(error).toBeInstanceOf(BerthError)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips parse ∘ format', () => {
    const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/).filter((s) => s.length <= 30)
    const host = fc.constantFrom('registry.example.com', 'localhost:5000', '127.0.0.1:5443', 'r.example:443', 'docker.io')
    const tag = fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), { nil: undefined })
    const dig = fc.option(
      fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`),
      { nil: undefined },
    )
    fc.assert(
      fc.property(host, fc.array(component, { minLength: 1, maxLength: 4 }), tag, dig, (registry, parts, t, d) => {
        const ref = parseImageReference(formatReference({ registry, repository: parts.join('/'), tag: t, digest: d }))
        expect(parseImageReference(formatReference(ref))).toEqual(ref)
        if (registry !== 'docker.io') expect(ref.repository).toBe(parts.join('/'))
      }),
      { numRuns: 500 },
    )
  })
})

describe('formatReference', () => {
  it.each([
    [{ registry: 'r.example', repository: 'a/b' }, 'r.example/a/b'],
    [{ registry: 'r.example:5000', repository: 'a', tag: 't' }, 'r.example:5000/a:t'],
    [{ registry: 'r.example', repository: 'a', tag: 't', digest }, `r.example/a:t@${digest}`],
    [{ registry: 'docker.io', repository: 'library/nginx', digest }, `docker.io/library/nginx@${digest}`],
  ])('formats %j', (ref, expected) => {
    expect(formatReference(ref)).toBe(expected)
  })
})

describe('parseRegistryAddress', () => {
  it.each([
    ['registry.example.com', undefined, { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }],
    [
      'registry.example.com:5050',
      undefined,
      { url: 'https://registry.example.com:5050', host: 'registry.example.com:5050', insecure: false },
    ],
    [
      'https://registry.example.com:5050/',
      undefined,
      { url: 'https://registry.example.com:5050', host: 'registry.example.com:5050', insecure: false },
    ],
    ['https://registry.example.com/v2/', undefined, { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }],
    ['https://registry.example.com/v2', undefined, { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }],
    ['https://registry.example.com:443', undefined, { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }],
    ['HTTPS://Registry.Example.com', undefined, { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }],
    ['http://127.0.0.1:5000', undefined, { url: 'http://127.0.0.1:5000', host: '127.0.0.1:5000', insecure: true }],
    ['http://localhost:5000/v2/', undefined, { url: 'http://localhost:5000', host: 'localhost:5000', insecure: true }],
    ['http://[::1]:5000', undefined, { url: 'http://[::1]:5000', host: '[::1]:5000', insecure: true }],
    ['http://10.0.0.5:5000', { insecure: true }, { url: 'http://10.0.0.5:5000', host: '10.0.0.5:5000', insecure: true }],
    ['10.0.0.5:5000', { insecure: true }, { url: 'https://10.0.0.5:5000', host: '10.0.0.5:5000', insecure: true }],
    ['127.0.0.1:5443', undefined, { url: 'https://127.0.0.1:5443', host: '127.0.0.1:5443', insecure: false }],
    ['docker.io', undefined, { url: 'https://registry-1.docker.io', host: 'docker.io', insecure: false }],
    ['https://index.docker.io/v2/', undefined, { url: 'https://registry-1.docker.io', host: 'docker.io', insecure: false }],
  ])('parses %s (options %j)', (input, options, expected) => {
    expect(parseRegistryAddress(input, options)).toEqual(expected)
  })

  it.each([
    ['http://registry.example.com', /--insecure/],
    ['ftp://registry.example.com', /ftp:\/\/ scheme is not supported/],
    ['https://user:pw@registry.example.com', /contains credentials/],
    ['registry.example.com/group/project', /has a path/],
    ['https://registry.example.com/?x=1', /query/],
    ['', /empty/],
    ['https://', /not a valid host/],
  ])('rejects %j', (input, message) => {
    let caught: unknown
    try {
      parseRegistryAddress(input)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(BerthError)
    expect((caught as BerthError).code).toBe('invalid_input')
    const text = `${(caught as BerthError).message} ${(caught as BerthError).fix ?? ''}`
    expect(text).toMatch(message)
  })

  it('throws nothing but BerthError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), fc.boolean(), (input, insecure) => {
        try {
          const endpoint = parseRegistryAddress(input, { insecure })
          expect(endpoint.url).toMatch(/^https?:\/\/[^/]+$/)
        } catch (error) {
          expect(error).toBeInstanceOf(BerthError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

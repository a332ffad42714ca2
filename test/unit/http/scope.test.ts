import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { catalogScope, mergeScopes, parseScope, repositoryScope, scopeCacheKey, scopesFromChallenge } from '../../../electron/http/scope'
import { parseChallenges } from '../../../electron/http/challenge'

describe('repositoryScope', () => {
  it.each([
    ['group/project', ['pull'], 'repository:group/project:pull'],
    ['a', ['pull', 'push'], 'repository:a:pull,push'],
    ['team/app', ['pull', 'push', 'delete'], 'repository:team/app:pull,push,delete'],
  ])('builds the scope for %s with %j', (repository, actions, expected) => {
    expect(repositoryScope(repository, actions)).toBe(expected)
  })

  it('exposes the catalog scope', () => {
    expect(catalogScope).toBe('registry:catalog:*')
  })
})

describe('parseScope', () => {
  it.each([
    ['repository:library/nginx:pull', { type: 'repository', name: 'library/nginx', actions: ['pull'] }],
    ['repository:a:pull,push', { type: 'repository', name: 'a', actions: ['pull', 'push'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    // The name may hold host:port colons: actions follow the LAST colon.
    ['repository:localhost:5000/team/app:pull', { type: 'repository', name: 'localhost:5000/team/app', actions: ['pull'] }],
    ['repository(plugin):name:pull', { type: 'repository', class: 'plugin', name: 'name', actions: ['pull'] }],
    ['repository:a:', { type: 'repository', name: 'a', actions: [] }],
  ])('parses %s', (input, expected) => {
    expect(parseScope(input)).toEqual(expected)
  })

  it.each(['', 'repository', 'repository:a', ':a:pull', 'repository::pull', 'bad type:a:pull', 'repository(:a:pull'])(
    'rejects %j',
    (input) => {
      expect(parseScope(input)).toBeNull()
    },
  )

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseScope(s)
      }),
      { numRuns: 500 },
    )
  })
})

describe('mergeScopes', () => {
  it.each([
    {
      name: 'unions actions of the same repository in first-seen order',
      input: ['repository:a:pull', 'repository:a:push,pull', 'repository:a:delete'],
      expected: ['repository:a:pull,push,delete'],
    },
    {
      name: 'keeps different repositories apart, in order',
      input: ['repository:b:pull', 'repository:a:pull', 'repository:b:push'],
      expected: ['repository:b:pull,push', 'repository:a:pull'],
    },
    {
      name: 'keeps the resource class distinct',
      input: ['repository(plugin):a:pull', 'repository:a:push'],
      expected: ['repository(plugin):a:pull', 'repository:a:push'],
    },
    {
      name: 'dedupes unparseable scopes without dropping them',
      input: ['weird', 'weird', 'registry:catalog:*'],
      expected: ['weird', 'registry:catalog:*'],
    },
    {
      name: 'handles names with ports',
      input: ['repository:h:5000/x:pull', 'repository:h:5000/x:push'],
      expected: ['repository:h:5000/x:pull,push'],
    },
    { name: 'returns nothing for nothing', input: [], expected: [] },
  ])('$name', ({ input, expected }) => {
    expect(mergeScopes(input)).toEqual(expected)
  })
})

describe('scopeCacheKey', () => {
  it('ignores scope order, action order and duplicates', () => {
    const a = scopeCacheKey('https://auth.example/token', 'reg', ['repository:b:pull', 'repository:a:push,pull', 'repository:a:pull'])
    const b = scopeCacheKey('https://auth.example/token', 'reg', ['repository:a:pull,push', 'repository:b:pull'])
    expect(a).toBe(b)
  })

  it('distinguishes realms, services and scopes', () => {
    const base = scopeCacheKey('https://auth.example/token', 'reg', ['repository:a:pull'])
    expect(scopeCacheKey('https://other.example/token', 'reg', ['repository:a:pull'])).not.toBe(base)
    expect(scopeCacheKey('https://auth.example/token', undefined, ['repository:a:pull'])).not.toBe(base)
    expect(scopeCacheKey('https://auth.example/token', 'reg', ['repository:a:pull,push'])).not.toBe(base)
  })

  it('cannot be confused by separators inside values', () => {
    expect(scopeCacheKey('a', 'b c', [])).not.toBe(scopeCacheKey('a b', 'c', []))
  })
})

describe('scopesFromChallenge', () => {
  it.each([
    ['Bearer realm="r",scope="repository:a:pull"', ['repository:a:pull']],
    ['Bearer realm="r",scope="repository:a:pull,push repository:b:pull"', ['repository:a:pull,push', 'repository:b:pull']],
    ['Bearer realm="r",scope="  registry:catalog:*  "', ['registry:catalog:*']],
    ['Bearer realm="r"', []],
  ])('reads the scopes of %s', (header, expected) => {
    const [challenge] = parseChallenges(header)
    expect(challenge).toBeDefined()
    if (challenge) expect(scopesFromChallenge(challenge)).toEqual(expected)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareSemver, compileTagFilter, sortTags } from '../../../shared/tag-sort'

describe('compareSemver', () => {
  it('orders by semver 2.0 precedence, v prefixes and missing parts tolerated', () => {
    const tags = [
      'latest',
      '1.10.0',
      'v1.2',
      '1.0.0',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '2',
      '1.2.1',
      'main',
    ]
    expect([...tags].sort(compareSemver)).toEqual([
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      'v1.2',
      '1.2.1',
      '1.10.0',
      '2',
      'latest',
      'main',
    ])
  })

  it.each([
    ['1.0.0', '1.0.0+build.5', -1],
    ['v1.0.0', '1.0.0', 1],
    ['1.0', '1.0.0', -1],
    ['99999999999999999999.0.0', '99999999999999999998.0.0', 1],
    ['1.0.0', 'latest', -1],
    ['build-9', 'build-10', -1],
  ])('compares %s with %s as %i', (a, b, expected) => {
    expect(Math.sign(compareSemver(a, b))).toBe(expected)
  })

  it('is a total order: antisymmetric and consistent with sorting twice', () => {
    const tag = fc.oneof(fc.stringMatching(/^v?\d{1,3}(\.\d{1,3}){0,2}(-[0-9a-z.]{1,6})?$/), fc.string({ maxLength: 8 }))
    fc.assert(
      fc.property(tag, tag, (a, b) => {
        expect(Math.sign(compareSemver(a, b))).toBe(-Math.sign(compareSemver(b, a)) || 0)
      }),
      { numRuns: 500 },
    )
  })
})

interface Row {
  tag: string
  created?: string | null
  size?: number | null
}

const rows: Row[] = [
  { tag: 'b', created: '2024-02-01T00:00:00Z', size: 300 },
  { tag: 'a', created: null, size: null },
  { tag: 'c', created: '2024-01-01T00:00:00Z', size: 100 },
  { tag: 'd', created: 'not a date', size: 200 },
  { tag: 'e', created: '2024-02-01T00:00:00Z', size: 100 },
]

describe('sortTags', () => {
  it.each([
    ['name', 'asc', ['a', 'b', 'c', 'd', 'e']],
    ['name', 'desc', ['e', 'd', 'c', 'b', 'a']],
    ['date', 'asc', ['c', 'b', 'e', 'a', 'd']],
    ['date', 'desc', ['b', 'e', 'c', 'a', 'd']],
    ['size', 'asc', ['c', 'e', 'd', 'b', 'a']],
    ['size', 'desc', ['b', 'd', 'c', 'e', 'a']],
  ] as const)('sorts by %s %s, unknowns last and ties stable', (key, direction, expected) => {
    expect(sortTags(rows, key, direction).map((r) => r.tag)).toEqual(expected)
  })

  it('puts non-semver tags after versions in both directions', () => {
    const input = ['latest', '1.2.0', 'main', 'v1.10', '1.9.9'].map((tag) => ({ tag }))
    expect(sortTags(input, 'semver', 'asc').map((r) => r.tag)).toEqual(['1.2.0', '1.9.9', 'v1.10', 'latest', 'main'])
    expect(sortTags(input, 'semver', 'desc').map((r) => r.tag)).toEqual(['v1.10', '1.9.9', '1.2.0', 'main', 'latest'])
  })

  it('uses human order for names with numbers', () => {
    expect(
      sortTags(
        ['build-10', 'build-9', 'build-100'].map((tag) => ({ tag })),
        'name',
        'asc',
      ).map((r) => r.tag),
    ).toEqual(['build-9', 'build-10', 'build-100'])
  })

  it('does not modify its input', () => {
    const copy = [...rows]
    sortTags(rows, 'size', 'desc')
    expect(rows).toEqual(copy)
  })
})

describe('compileTagFilter', () => {
  it('matches text case-insensitively as a substring', () => {
    const filter = compileTagFilter('RC', 'text')
    expect(filter.ok && ['1.0-rc1', 'latest'].filter((t) => filter.test(t))).toEqual(['1.0-rc1'])
  })

  it('matches everything with an empty text filter', () => {
    const filter = compileTagFilter('', 'text')
    expect(filter.ok && filter.test('anything')).toBe(true)
  })

  it('compiles a valid regex', () => {
    const filter = compileTagFilter('^v?1\\.\\d+$', 'regex')
    expect(filter.ok && ['1.2', 'v1.10', '1.2.3', 'x1.2'].filter((t) => filter.test(t))).toEqual(['1.2', 'v1.10'])
  })

  it.each([
    ['(unclosed', /Invalid regular expression/],
    ['[a-', /Invalid regular expression/],
    ['(a+)+$', /nests a repetition/],
    ['(\\w*)*x', /nests a repetition/],
    ['(a{1,5})+', /nests a repetition/],
    ['a'.repeat(201), /longer than 200/],
  ])('refuses %j saying what is wrong', (pattern, message) => {
    const filter = compileTagFilter(pattern, 'regex')
    expect(filter.ok).toBe(false)
    if (!filter.ok) expect(filter.error).toMatch(message)
  })

  it('never throws on arbitrary patterns', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.constantFrom('text' as const, 'regex' as const), (pattern, mode) => {
        const filter = compileTagFilter(pattern, mode)
        if (filter.ok) filter.test('v1.2.3-rc.1')
      }),
      { numRuns: 500 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import { formatLinkHeader, nextPageUrl, parseLinkHeader } from '../../../electron/http/link'

describe('parseLinkHeader', () => {
  it.each([
    {
      name: 'distribution relative next link',
      header: '</v2/_catalog?last=b&n=2>; rel="next"',
      expected: [{ url: '/v2/_catalog?last=b&n=2', rel: ['next'] }],
    },
    {
      name: 'GitLab absolute next and previous links',
      header:
        '<https://registry.example.com/v2/_catalog?last=b&n=2>; rel="next", ' +
        '<https://registry.example.com/v2/_catalog?before=a&n=2>; rel="previous"',
      expected: [
        { url: 'https://registry.example.com/v2/_catalog?last=b&n=2', rel: ['next'] },
        { url: 'https://registry.example.com/v2/_catalog?before=a&n=2', rel: ['previous'] },
      ],
    },
    { name: 'space-separated relation types', header: '</p2>; rel="next previous"', expected: [{ url: '/p2', rel: ['next', 'previous'] }] },
    { name: 'unquoted rel, upper case', header: '</p2>; REL=Next', expected: [{ url: '/p2', rel: ['next'] }] },
    {
      name: 'extra quoted parameters with commas and semicolons',
      header: '</p2>; title="a, b; c"; rel="next"; type="x"',
      expected: [{ url: '/p2', rel: ['next'] }],
    },
    {
      name: 'a URL containing commas',
      header: '</v2/x/tags/list?last=a,b>; rel="next"',
      expected: [{ url: '/v2/x/tags/list?last=a,b', rel: ['next'] }],
    },
    { name: 'only the first rel counts', header: '</p2>; rel="prev"; rel="next"', expected: [{ url: '/p2', rel: ['prev'] }] },
    { name: 'a link without rel', header: '</p2>', expected: [{ url: '/p2', rel: [] }] },
    {
      name: 'garbage elements are skipped',
      header: 'nonsense, </p2>; rel="next", <unterminated',
      expected: [{ url: '/p2', rel: ['next'] }],
    },
    { name: 'empty header', header: '', expected: [] },
    { name: 'missing header', header: null, expected: [] },
  ])('parses $name', ({ header, expected }) => {
    expect(parseLinkHeader(header)).toEqual(expected)
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[<>;=", a-z/]{0,60}$/)), (header) => {
        parseLinkHeader(header)
      }),
      { numRuns: 500 },
    )
  })

  it('round-trips format then parse', () => {
    const url = fc.stringMatching(/^[a-z0-9/?&=.:,;_-]{1,40}$/).filter((u) => u.trim().length > 0 && u === u.trim())
    const rel = fc.array(fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/), { maxLength: 3 })
    fc.assert(
      fc.property(fc.array(fc.record({ url, rel }), { maxLength: 4 }), (links) => {
        expect(parseLinkHeader(formatLinkHeader(links))).toEqual(links)
      }),
      { numRuns: 500 },
    )
  })
})

describe('nextPageUrl', () => {
  const request = 'https://registry.example.com:5050/v2/_catalog?n=100'

  it.each([
    {
      name: 'resolves a relative link against the request URL',
      header: '</v2/_catalog?last=b&n=100>; rel="next"',
      expected: 'https://registry.example.com:5050/v2/_catalog?last=b&n=100',
    },
    {
      name: 'accepts an absolute link on the same origin',
      header: '<https://registry.example.com:5050/v2/_catalog?last=b>; rel="next"',
      expected: 'https://registry.example.com:5050/v2/_catalog?last=b',
    },
    {
      name: 'picks next among next and previous',
      header: '</prev>; rel="previous", </next>; rel="next"',
      expected: 'https://registry.example.com:5050/next',
    },
    {
      name: 'a short page with a Link is not the end',
      header: '</v2/_catalog?last=only&n=100>; rel="next"',
      expected: 'https://registry.example.com:5050/v2/_catalog?last=only&n=100',
    },
    { name: 'returns null without rel=next', header: '</prev>; rel="previous"', expected: null },
    { name: 'returns null without a Link header', header: null, expected: null },
  ])('$name', ({ header, expected }) => {
    expect(nextPageUrl(header, request)).toBe(expected)
  })

  it('treats the default port as the same origin', () => {
    expect(nextPageUrl('<https://registry.example.com:443/v2/x?last=a>; rel="next"', 'https://registry.example.com/v2/x')).toBe(
      'https://registry.example.com/v2/x?last=a',
    )
  })

  it.each([
    ['another host', '<https://evil.example.com/v2/_catalog?last=b>; rel="next"'],
    ['another port', '<https://registry.example.com:6000/v2/_catalog>; rel="next"'],
    ['another scheme', '<http://registry.example.com:5050/v2/_catalog>; rel="next"'],
    ['a protocol-relative link', '<//evil.example.com/v2/_catalog>; rel="next"'],
  ])('refuses a link to %s', (_what, header) => {
    let caught: unknown
    try {
      nextPageUrl(header, request)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(BerthError)
    expect((caught as BerthError).code).toBe('invalid_response')
    expect((caught as BerthError).message).toMatch(/tried to send us to another host/)
  })

  it('throws nothing but BerthError on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (url, rel) => {
        try {
          nextPageUrl(`<${url}>; rel="${rel} next"`, request)
        } catch (error) {
          expect(error).toBeInstanceOf(BerthError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

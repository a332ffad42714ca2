// Plain HTTP sent to a TLS port: Go (distribution) and nginx answer 400 with their own words. Berth
// says what happened and what to do, instead of a generic "check the repository name".
import { describe, expect, it } from 'vitest'
import { errorFromResponse } from '../../../electron/http/registry-errors'

const answer = (bodyText: string, url = 'http://localhost:41029/v2/') =>
  errorFromResponse({ status: 400, method: 'GET', url, headers: {}, bodyText, operation: 'check the registry API (/v2/)' })

describe('an http request to an https server', () => {
  it.each([
    ['Go', 'Client sent an HTTP request to an HTTPS server.\n'],
    ['nginx', '<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>'],
  ])('is named as such, with the https address to use (%s)', (_, body) => {
    const error = answer(body)
    expect(error.code).toBe('network')
    expect(error.message).toBe(
      'localhost:41029 serves HTTPS on this port, but Berth spoke plain HTTP to it (the address says http://localhost:41029).',
    )
    expect(error.fix).toBe(
      'Use https://localhost:41029 — or type just localhost:41029: Berth tries https first. For a saved registry, edit its URL.',
    )
  })

  it('leaves other 400s to the registry’s own words', () => {
    expect(answer('{"errors":[{"code":"NAME_INVALID","message":"invalid repository name"}]}').message).toContain('invalid repository name')
    // Over https the sentence cannot be about plain HTTP.
    expect(answer('Client sent an HTTP request to an HTTPS server.', 'https://localhost:41029/v2/').code).toBe('invalid_input')
  })
})

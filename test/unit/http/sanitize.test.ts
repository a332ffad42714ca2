import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sanitizeForMessage, scrubCredentials } from '../../../electron/http/sanitize'

describe('scrubCredentials', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [redacted]'],
    ['basic dXNlcjpwYXNz==', 'basic [redacted]'],
    ['got eyJhbGciOi.eyJzdWIiOi.c2ln here', 'got [redacted] here'],
    ['{"token":"s3cr3t","x":1}', '{"token":"[redacted]","x":1}'],
    ['password=hunter2&user=me', 'password=[redacted]&user=me'],
    ['nothing secret here', 'nothing secret here'],
  ])('scrubs %j', (input, expected) => {
    expect(scrubCredentials(input)).toBe(expected)
  })
})

describe('sanitizeForMessage', () => {
  it('removes terminal escapes and folds newlines', () => {
    expect(sanitizeForMessage('\u001b[31mred\u001b[0m\nnext\u0007')).toBe('[31mred[0m next')
  })

  it('caps the length', () => {
    expect(sanitizeForMessage('x'.repeat(1000), 300)).toHaveLength(301)
  })

  it('never leaves control characters', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        // eslint-disable-next-line no-control-regex
        expect(sanitizeForMessage(s)).not.toMatch(/[\u0000-\u001f\u007f]/)
      }),
      { numRuns: 500 },
    )
  })
})

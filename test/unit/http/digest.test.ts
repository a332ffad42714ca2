import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BerthError } from '../../../shared/errors'
import { isDigest, sha256Digest, shortDigest, verifyDigest } from '../../../electron/http/digest'

const hello = new TextEncoder().encode('hello')
const helloDigest = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'

describe('sha256Digest', () => {
  it('hashes the exact bytes', () => {
    expect(sha256Digest(hello)).toBe(helloDigest)
    expect(sha256Digest(new Uint8Array())).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('isDigest', () => {
  it.each([
    [helloDigest, true],
    [`sha512:${'a'.repeat(128)}`, true],
    [helloDigest.toUpperCase(), false],
    ['sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824', false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha256:${'a'.repeat(65)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    [`md5:${'a'.repeat(32)}`, false],
    [`sha256:${'g'.repeat(64)}`, false],
    [`${helloDigest}\n`, false],
    ['', false],
  ])('%s → %s', (input, expected) => {
    expect(isDigest(input)).toBe(expected)
  })
})

describe('verifyDigest', () => {
  it('accepts matching bytes', () => {
    expect(() => verifyDigest(hello, helloDigest)).not.toThrow()
  })

  it('verifies sha512 digests with sha512', () => {
    const sha512 =
      'sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7' +
      '2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043'
    expect(() => verifyDigest(hello, sha512)).not.toThrow()
  })

  it('throws digest_mismatch naming both digests', () => {
    const other = sha256Digest(new TextEncoder().encode('hellO'))
    let caught: unknown
    try {
      verifyDigest(hello, other)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(BerthError)
    expect((caught as BerthError).code).toBe('digest_mismatch')
    expect((caught as BerthError).message).toContain(other)
    expect((caught as BerthError).message).toContain(helloDigest)
  })

  it('rejects something that is not a digest as invalid input', () => {
    expect(() => verifyDigest(hello, 'sha256:nope')).toThrow(expect.objectContaining({ code: 'invalid_input' }) as Error)
  })

  it('throws only BerthError for arbitrary expected strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.string(), (bytes, expected) => {
        try {
          verifyDigest(bytes, expected)
        } catch (error) {
          expect(error).toBeInstanceOf(BerthError)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('always verifies its own sha256', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        verifyDigest(bytes, sha256Digest(bytes))
      }),
      { numRuns: 200 },
    )
  })
})

describe('shortDigest', () => {
  it('shows the first 12 hex characters by default', () => {
    expect(shortDigest(helloDigest)).toBe('2cf24dba5fb0')
    expect(shortDigest(helloDigest, 7)).toBe('2cf24db')
  })
})

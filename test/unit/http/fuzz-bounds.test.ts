// Fuzzing the bounds of issue 17: whatever pages a registry sends, a listing never holds more than
// its budgets and fails only with a BerthError; body deadlines stay finite and grow with the size;
// any BERTH_* text yields usable limits; and the realm guard refuses a resolved name exactly when
// one of its addresses is loopback, private or link-local (docs/registry-notes.md "Auth").
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import { checkRealmAddresses } from '../../../electron/http/auth'
import { isPrivateOrLinkLocalHost } from '../../../electron/http/host-address'
import { bodyAllowanceMs } from '../../../electron/http/http-deadline'
import { listingVariables, resolveHttpDeadlines, resolveListingLimits, deadlineVariables } from '../../../electron/http/http-limits'
import { startListingGuard } from '../../../electron/http/listing-guard'
import { fuzzParameters, fuzzTimeoutMs } from '../../fuzz/settings'
import { onlyBerthErrorsAsync } from '../../fuzz/only-berth-errors'

const page = fc.record({ bytes: fc.nat({ max: 64 * 1024 * 1024 }), items: fc.nat({ max: 500_000 }) })

describe('listing budgets under any sequence of pages', () => {
  it(
    'never accepts more items or bytes than the budgets, and refuses only with invalid_response',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2_000_000 }),
          fc.integer({ min: 1, max: 256 * 1024 * 1024 }),
          fc.array(page, { maxLength: 60 }),
          (maxItems, maxBytes, pages) => {
            const guard = startListingGuard({
              what: 'the tags of a',
              entry: ['tag', 'tags'],
              limits: { deadlineMs: 60_000, maxItems, maxBytes },
            })
            let items = 0
            let bytes = 0
            try {
              for (const next of pages) {
                try {
                  guard.addPage(next.bytes, next.items)
                  items += next.items
                  bytes += next.bytes
                } catch (error) {
                  expect(isBerthError(error) && error.code === 'invalid_response').toBe(true)
                  expect(items + next.items > maxItems || bytes + next.bytes > maxBytes).toBe(true)
                  break
                }
                expect(items).toBeLessThanOrEqual(maxItems)
                expect(bytes).toBeLessThanOrEqual(maxBytes)
              }
              expect(guard.items).toBe(items)
            } finally {
              guard.finish()
            }
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

describe('body deadlines', () => {
  it(
    'are finite, at least the base, and grow with the bytes expected',
    () => {
      fc.assert(
        fc.property(
          fc.record({
            headersMs: fc.integer({ min: 1, max: 10 ** 9 }),
            bodyBaseMs: fc.integer({ min: 1, max: 10 ** 9 }),
            bodyMinBytesPerSecond: fc.integer({ min: 1, max: 10 ** 9 }),
          }),
          fc.nat({ max: 2 ** 40 }),
          fc.nat({ max: 2 ** 40 }),
          (deadlines, smaller, extra) => {
            const first = bodyAllowanceMs(deadlines, smaller)
            const second = bodyAllowanceMs(deadlines, smaller + extra)
            expect(Number.isFinite(second)).toBe(true)
            expect(first).toBeGreaterThanOrEqual(deadlines.bodyBaseMs)
            expect(second).toBeGreaterThanOrEqual(first)
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )

  it(
    'come out positive and finite from any environment text',
    () => {
      const names = [...Object.values(deadlineVariables), ...Object.values(listingVariables)]
      fc.assert(
        fc.property(
          fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string(), fc.nat().map(String), fc.constant('1e400'))),
          (environment) => {
            const deadlines = resolveHttpDeadlines(undefined, environment)
            const limits = resolveListingLimits(undefined, environment)
            const values: number[] = [
              deadlines.headersMs,
              deadlines.bodyBaseMs,
              deadlines.bodyMinBytesPerSecond,
              limits.deadlineMs,
              limits.maxItems,
              limits.maxBytes,
            ]
            for (const value of values) {
              expect(Number.isFinite(value)).toBe(true)
              expect(value).toBeGreaterThan(0)
            }
          },
        ),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

describe('the realm guard on resolved names', () => {
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom(
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ),
  )
  const registry = { url: 'https://registry.example.com', host: 'registry.example.com', insecure: false }

  it(
    'refuses a name exactly when one of its addresses is local, and fails with nothing but BerthErrors',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(address, { minLength: 1, maxLength: 6 }), async (addresses) => {
          const resolveHost = (hostname: string): Promise<string[]> =>
            Promise.resolve(hostname === 'auth.example.test' ? addresses : ['203.0.113.1'])
          let refused = false
          const judged = await onlyBerthErrorsAsync(async () => {
            try {
              return await checkRealmAddresses(new URL('https://auth.example.test/token'), registry, resolveHost)
            } catch (error) {
              refused = isBerthError(error) && error.code === 'unsafe_realm'
              throw error
            }
          })
          const local = addresses.some((candidate) => isPrivateOrLinkLocalHost(candidate))
          expect(refused).toBe(local)
          if (!local) expect(judged).toEqual(addresses)
        }),
        fuzzParameters(),
      )
    },
    fuzzTimeoutMs,
  )
})

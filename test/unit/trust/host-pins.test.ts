// Which pins apply to a connection: exact host:port pins, other ports of a pinned host fall back to
// its pins after verification, other hosts verify — for the registry's pin and its realm's alike.
import { describe, expect, it } from 'vitest'
import { canonicalAuthority, pinnedHostsOf, pinRuleFor } from '../../../electron/trust/host-pins'

const a = 'AA:'.repeat(31) + 'AA'
const b = 'BB:'.repeat(31) + 'BB'

describe('canonicalAuthority', () => {
  it.each([
    ['Registry.Example.com', 'registry.example.com:443'],
    ['registry.example.com:5050', 'registry.example.com:5050'],
    ['localhost:443', 'localhost:443'],
    ['[0:0:0:0:0:0:0:1]:5000', '[::1]:5000'],
    ['127.1:80', '127.0.0.1:80'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalAuthority(input)).toBe(expected)
  })

  it.each(['', 'host/path', 'user@host', 'https://'])('refuses %j', (input) => {
    expect(() => canonicalAuthority(input)).toThrow(/is not a host\[:port\]/)
  })
})

describe('pinRuleFor', () => {
  const pins = pinnedHostsOf('127.0.0.1:5443', {
    pinnedFingerprint: a.toLowerCase(),
    hostPins: [{ host: 'localhost:6443', fingerprint: b }],
  })

  it('binds the registry pin and each realm pin to its own host:port', () => {
    expect(pins).toEqual([
      { authority: '127.0.0.1:5443', fingerprint: a },
      { authority: 'localhost:6443', fingerprint: b },
    ])
    expect(pinRuleFor('127.0.0.1:5443', pins)).toEqual({ mode: 'pin', fingerprint: a })
    expect(pinRuleFor('localhost:6443', pins)).toEqual({ mode: 'pin', fingerprint: b })
  })

  it('lets other ports of a pinned host verify, then fall back to that host’s pins', () => {
    expect(pinRuleFor('127.0.0.1:7000', pins)).toEqual({ mode: 'verify-or-pin', fingerprints: [a] })
    expect(pinRuleFor('localhost:443', pins)).toEqual({ mode: 'verify-or-pin', fingerprints: [b] })
  })

  it('verifies every other host normally', () => {
    expect(pinRuleFor('registry.example.com:443', pins)).toEqual({ mode: 'verify' })
    expect(pinRuleFor('127.0.0.1:5443', [])).toEqual({ mode: 'verify' })
  })
})

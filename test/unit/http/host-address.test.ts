import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hostnameOf, isLoopbackHost, isPrivateOrLinkLocalHost } from '../../../electron/http/host-address'

describe('host classification', () => {
  it.each([
    // host, loopback, private-or-link-local
    ['localhost', true, true],
    ['localhost:5000', true, true],
    ['registry.localhost', true, true],
    ['127.0.0.1', true, true],
    ['127.8.9.10:443', true, true],
    ['127.1', true, true],
    ['2130706433', true, true],
    ['::1', true, true],
    ['[::1]:5000', true, true],
    ['::ffff:127.0.0.1', true, true],
    ['[::ffff:7f00:1]', true, true],
    ['10.1.2.3', false, true],
    ['172.16.0.1', false, true],
    ['172.31.255.255:80', false, true],
    ['172.32.0.1', false, false],
    ['192.168.1.1', false, true],
    ['169.254.169.254', false, true],
    ['0.0.0.0', false, true],
    ['fc00::1', false, true],
    ['fd12:3456::1', false, true],
    ['fe80::1', false, true],
    ['[fe80::1]:5000', false, true],
    ['::ffff:10.0.0.1', false, true],
    ['::', false, true],
    ['2001:db8::1', false, false],
    ['8.8.8.8', false, false],
    ['registry.example.com', false, false],
    ['registry.example.com:5000', false, false],
    ['10.example.com', false, false],
  ])('%s: loopback %s, private or link-local %s', (host, loopback, privateOrLinkLocal) => {
    expect(isLoopbackHost(host)).toBe(loopback)
    expect(isPrivateOrLinkLocalHost(host)).toBe(privateOrLinkLocal)
  })

  it.each([
    ['Registry.Example.com:5000', 'registry.example.com'],
    ['[::1]:5000', '::1'],
    ['::1', '::1'],
    ['example.com.', 'example.com'],
  ])('takes the host name of %s', (host, expected) => {
    expect(hostnameOf(host)).toBe(expected)
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV6(), fc.ipV4Extended()), (host) => {
        isLoopbackHost(host)
        isPrivateOrLinkLocalHost(host)
      }),
      { numRuns: 500 },
    )
  })
})

// The one rule every door uses for an address the user typed: the scheme it names, or https first;
// plain http only as the fallback of a bare address on loopback or marked insecure.
import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from '../../../electron/http/host-address'
import { isLoopbackHostname, planRegistryAddress } from '../../../shared/registry-address'

describe('planRegistryAddress', () => {
  it.each([
    [
      'localhost:41029',
      false,
      { host: 'localhost:41029', first: 'https://localhost:41029', fallback: 'http://localhost:41029', explicit: false },
    ],
    [
      '127.0.0.1:5000/',
      false,
      { host: '127.0.0.1:5000', first: 'https://127.0.0.1:5000', fallback: 'http://127.0.0.1:5000', explicit: false },
    ],
    ['[::1]:5000/v2/', false, { host: '[::1]:5000', first: 'https://[::1]:5000', fallback: 'http://[::1]:5000', explicit: false }],
    [
      'Registry.Example.com:5050',
      false,
      { host: 'registry.example.com:5050', first: 'https://registry.example.com:5050', fallback: null, explicit: false },
    ],
    [
      'registry.lan:5000',
      true,
      { host: 'registry.lan:5000', first: 'https://registry.lan:5000', fallback: 'http://registry.lan:5000', explicit: false },
    ],
    ['http://localhost:5000', false, { host: 'localhost:5000', first: 'http://localhost:5000', fallback: null, explicit: true }],
    ['https://localhost:5000/', true, { host: 'localhost:5000', first: 'https://localhost:5000', fallback: null, explicit: true }],
    ['  https://ghcr.example  ', false, { host: 'ghcr.example', first: 'https://ghcr.example', fallback: null, explicit: true }],
  ])('%s (insecure %s)', (input, insecure, expected) => {
    expect(planRegistryAddress(input, { insecure })).toEqual(expected)
  })

  it.each(['', '   ', 'ftp://host', 'https://host/team/app', 'host/team', 'https://'])('is no address: %j', (input) => {
    expect(planRegistryAddress(input, { insecure: false })).toBeNull()
  })
})

describe('isLoopbackHostname agrees with main’s isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['localhost:5000', true],
    ['registry.localhost:443', true],
    ['127.0.0.1', true],
    ['127.1:5000', true],
    ['127.255.255.254:1', true],
    ['[::1]:5000', true],
    ['::1', true],
    ['[::ffff:127.0.0.1]:80', true],
    ['[0:0:0:0:0:0:0:1]', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['[::2]', false],
    ['localhost.example.com', false],
    ['registry.example.com:5000', false],
    ['notlocalhost', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHostname(host)).toBe(loopback)
    expect(isLoopbackHost(host)).toBe(loopback)
  })
})

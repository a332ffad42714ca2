// The keychain store's deadline, cancellation and fail-fast logic, against a fake host that answers
// when told to (or never). The real host and a real hung bus: test/integration/keychain-hung-bus.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isBerthError, type BerthError } from '../../../shared/errors'
import type {
  KeychainHost,
  KeychainHostEvents,
  KeychainHostLauncher,
  KeychainRequest,
} from '../../../electron/stores/secrets/keychain-host'
import { createKeychainStore, keychainFailureOf, type KeychainStoreOptions } from '../../../electron/stores/secrets/keychain-store'

/** One launched fake host: what it was sent, whether it was killed, and a way to answer. */
interface FakeHost {
  service: string
  sent: KeychainRequest[]
  killed: boolean
  events: KeychainHostEvents
  answer(value: string | boolean | null, request?: KeychainRequest): void
  refuse(message: string): void
}

function fakeLauncher(): { launch: KeychainHostLauncher; hosts: FakeHost[] } {
  const hosts: FakeHost[] = []
  const launch: KeychainHostLauncher = (service, events) => {
    const fake: FakeHost = {
      service,
      sent: [],
      killed: false,
      events,
      answer(value, request = fake.sent.at(-1)) {
        events.reply({ id: request?.id, ok: true, value })
      },
      refuse(message) {
        events.reply({ id: fake.sent.at(-1)?.id, ok: false, message })
      },
    }
    hosts.push(fake)
    const host: KeychainHost = {
      send: (request) => void fake.sent.push(request),
      kill: () => void (fake.killed = true),
    }
    return host
  }
  return { launch, hosts }
}

async function rejection(promise: Promise<unknown>): Promise<BerthError> {
  try {
    await promise
  } catch (error) {
    if (isBerthError(error)) return error
    throw error
  }
  throw new Error('expected a rejection')
}

/** Lets the store's promise chains run (no timers involved). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('keychain store', () => {
  let fake: ReturnType<typeof fakeLauncher>
  const storeWith = (options: KeychainStoreOptions = {}) =>
    createKeychainStore({ launch: fake.launch, platform: 'linux', env: {}, ...options })

  beforeEach(() => {
    fake = fakeLauncher()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs get, set and delete in one host, one at a time, and maps the answers', async () => {
    const store = storeWith({ service: 'berth-test' })
    const got = store.get('a')
    const stored = store.set('a', 's3cret')
    const deleted = store.delete('a')
    await settle()
    expect(fake.hosts).toHaveLength(1)
    const [host] = fake.hosts
    if (host === undefined) throw new Error('no host')
    expect(host.service).toBe('berth-test')
    // The next call is sent only once the previous one has answered: each has its own deadline.
    expect(host.sent).toEqual([{ id: 1, op: 'get', account: 'a' }])
    host.answer('pw')
    await settle()
    expect(host.sent.at(-1)).toEqual({ id: 2, op: 'set', account: 'a', secret: 's3cret' })
    host.answer(null)
    await settle()
    host.answer(true)
    expect(await got).toBe('pw')
    expect(await stored).toBeUndefined()
    expect(await deleted).toBe(true)
    expect(host.killed).toBe(false)
  })

  it('maps a missing secret to null and nothing deleted to false', async () => {
    const store = storeWith()
    const got = store.get('none')
    await settle()
    fake.hosts[0]?.answer(null)
    expect(await got).toBeNull()
    const deleted = store.delete('none')
    await settle()
    fake.hosts[0]?.answer(false)
    expect(await deleted).toBe(false)
  })

  it('fails a call with no answer within 2 s as keychain_unavailable and kills the host', async () => {
    const store = storeWith()
    const stored = rejection(store.set('a', 'pw'))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(fake.hosts[0]?.killed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await stored
    expect(error.code).toBe('keychain_unavailable')
    expect(error.message).toBe(
      'The system keychain (the Secret Service on the D-Bus session bus) did not answer within 2 s (write): ' +
        'it may be locked, or the service behind it is stuck.',
    )
    expect(error.fix).toMatch(/Unlock your keyring and check that gnome-keyring or KWallet is running/)
    expect(error.fix).toMatch(/--username and --password-stdin/)
    expect(error.fix).toMatch(/never stores secrets in a file/)
    expect(keychainFailureOf(error)).toMatchObject({ kind: 'timeout', operation: 'set' })
    expect(fake.hosts[0]?.killed).toBe(true)
  })

  it('after a timeout fails later calls at once, without a new host, until retryAfterMs has passed', async () => {
    const store = storeWith({ retryAfterMs: 10_000 })
    const first = rejection(store.get('a'))
    const queued = rejection(store.get('b'))
    await vi.advanceTimersByTimeAsync(2_000)
    expect((await first).code).toBe('keychain_unavailable')
    // The call waiting behind the stuck one is not sent to a fresh host to wait another 2 s.
    const behind = await queued
    expect(keychainFailureOf(behind)?.kind).toBe('skipped')
    const later = await rejection(store.delete('c'))
    expect(later.code).toBe('keychain_unavailable')
    expect(later.message).toMatch(/did not answer within 2 s earlier in this run, so Berth did not ask it again \(delete\)/)
    expect(fake.hosts).toHaveLength(1)
    // Past the window the keychain is tried afresh, in a new host.
    await vi.advanceTimersByTimeAsync(10_000)
    const retried = store.get('a')
    await settle()
    expect(fake.hosts).toHaveLength(2)
    fake.hosts[1]?.answer('pw')
    expect(await retried).toBe('pw')
  })

  it('ignores a late answer or exit from a host that missed its deadline', async () => {
    const store = storeWith({ retryAfterMs: 0 })
    const first = rejection(store.get('a'))
    await vi.advanceTimersByTimeAsync(2_000)
    await first
    const [stale] = fake.hosts
    const second = store.get('a')
    await settle()
    stale?.answer('stale', stale.sent[0])
    stale?.events.exit('the keychain process stopped (SIGKILL)')
    fake.hosts[1]?.answer('fresh')
    expect(await second).toBe('fresh')
  })

  it('starts each deadline when the call is sent, so slow answers in a row all succeed', async () => {
    const store = storeWith()
    const calls = [store.get('a'), store.get('b'), store.get('c')]
    for (const value of ['1', '2', '3']) {
      await vi.advanceTimersByTimeAsync(1_500)
      fake.hosts[0]?.answer(value)
    }
    expect(await Promise.all(calls)).toEqual(['1', '2', '3'])
  })

  it('takes the deadline from options, else BERTH_KEYCHAIN_TIMEOUT_MS, ignoring a value that is not a positive number', async () => {
    for (const [options, deadline] of [
      [{ env: { BERTH_KEYCHAIN_TIMEOUT_MS: '250' } }, 250],
      [{ env: { BERTH_KEYCHAIN_TIMEOUT_MS: '250' }, timeoutMs: 700 }, 700],
      [{ env: { BERTH_KEYCHAIN_TIMEOUT_MS: 'soon' } }, 2_000],
      [{ env: { BERTH_KEYCHAIN_TIMEOUT_MS: '-5' } }, 2_000],
    ] as const) {
      const store = storeWith(options)
      const pending = rejection(store.get('a'))
      await vi.advanceTimersByTimeAsync(deadline - 1)
      expect(fake.hosts.at(-1)?.killed).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect((await pending).message).toContain(deadline === 2_000 ? 'within 2 s' : `within ${deadline} ms`)
    }
  })

  it('reports a backend error as keychain_unavailable with a bounded detail, and keeps the host', async () => {
    const store = storeWith()
    const got = rejection(store.get('a'))
    await settle()
    fake.hosts[0]?.refuse(`Platform secure storage failure: ${'x'.repeat(1_000)}`)
    const error = await got
    expect(error.code).toBe('keychain_unavailable')
    expect(error.message.length).toBeLessThan(450)
    expect(keychainFailureOf(error)?.kind).toBe('failed')
    expect(fake.hosts[0]?.killed).toBe(false)
    // Not a deadline miss: the next call is asked normally.
    const next = store.get('a')
    await settle()
    fake.hosts[0]?.answer('pw')
    expect(await next).toBe('pw')
  })

  it('fails the calls of a host that stopped, and starts a new one for the next call', async () => {
    const store = storeWith()
    const first = rejection(store.get('a'))
    const second = rejection(store.get('b'))
    await settle()
    fake.hosts[0]?.events.exit('the keychain process stopped (SIGSEGV)')
    expect((await first).message).toMatch(/is unavailable \(read\): the keychain process stopped \(SIGSEGV\)/)
    expect(keychainFailureOf(await second)?.kind).toBe('failed')
    const third = store.get('c')
    await settle()
    expect(fake.hosts).toHaveLength(2)
    fake.hosts[1]?.answer('pw')
    expect(await third).toBe('pw')
  })

  it('cancels a call in flight: rejected as cancelled, its host killed, the next call in a new host', async () => {
    const store = storeWith()
    const abort = new AbortController()
    const cancelled = rejection(store.set('a', 'pw', { signal: abort.signal }))
    const next = store.get('b')
    await settle()
    abort.abort()
    const error = await cancelled
    expect(error.code).toBe('cancelled')
    expect(keychainFailureOf(error)).toMatchObject({ kind: 'cancelled', operation: 'set' })
    expect(fake.hosts[0]?.killed).toBe(true)
    await settle()
    expect(fake.hosts[1]?.sent).toEqual([{ id: 2, op: 'get', account: 'b' }])
    fake.hosts[1]?.answer('pw')
    expect(await next).toBe('pw')
    // A cancel is not a keychain failure: no fail-fast window.
    const after = store.get('c')
    await settle()
    fake.hosts[1]?.answer(null)
    expect(await after).toBeNull()
  })

  it('cancels a queued call without sending it, and refuses an already aborted signal', async () => {
    const store = storeWith()
    const abort = new AbortController()
    const first = store.get('a')
    const queued = rejection(store.get('b', { signal: abort.signal }))
    await settle()
    abort.abort()
    expect((await queued).code).toBe('cancelled')
    fake.hosts[0]?.answer('pw')
    expect(await first).toBe('pw')
    expect(fake.hosts[0]?.sent.map((request) => request.account)).toEqual(['a'])
    expect((await rejection(store.get('c', { signal: AbortSignal.abort() }))).code).toBe('cancelled')
    expect(fake.hosts[0]?.killed).toBe(false)
  })

  it('close() kills the host and fails what is pending as cancelled', async () => {
    const store = storeWith()
    const first = rejection(store.get('a'))
    const second = rejection(store.get('b'))
    await settle()
    await store.close()
    expect((await first).code).toBe('cancelled')
    expect((await second).code).toBe('cancelled')
    expect(fake.hosts[0]?.killed).toBe(true)
  })

  it('names the keychain of the platform in its messages', async () => {
    for (const [platform, name, fix] of [
      ['darwin', 'The macOS Keychain', /login keychain/],
      ['win32', 'The Windows Credential Manager', /Credential Manager service/],
    ] as const) {
      const store = storeWith({ platform })
      const pending = rejection(store.get('a'))
      await vi.advanceTimersByTimeAsync(2_000)
      const error = await pending
      expect(error.message.startsWith(`${name} did not answer within 2 s (read)`)).toBe(true)
      expect(error.fix).toMatch(fix)
    }
  })
})

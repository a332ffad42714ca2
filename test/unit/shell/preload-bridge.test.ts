import { describe, expect, it } from 'vitest'
import { createBridgedApi, isIpcResult, resultApiOf } from '../../../shared/api-bridge'
import { apiEventNames, apiMethodNames, eventChannel, isApiMethod, methodChannel } from '../../../shared/api-methods'
import { BerthError, type BerthErrorData } from '../../../shared/errors'
import { apiMethods, channelFor, type Api, type ApiMethod } from '../../../shared/ipc'

describe('the zod-free method list', () => {
  it('names exactly the methods of the contract', () => {
    expect([...apiMethodNames].sort()).toEqual([...apiMethods].sort())
  })

  it('uses the same IPC channels as the contract', () => {
    for (const method of apiMethods) expect(methodChannel(method)).toBe(channelFor(method))
  })

  it('puts events on channels no method uses', () => {
    const methodChannels = new Set(apiMethods.map(channelFor))
    for (const event of apiEventNames) expect(methodChannels.has(eventChannel(event))).toBe(false)
  })

  it('does not take inherited property names for methods', () => {
    expect(isApiMethod('constructor')).toBe(false)
    expect(isApiMethod('listTags')).toBe(true)
  })
})

describe('createBridgedApi', () => {
  it('has one function per method and nothing else', () => {
    const api = createBridgedApi(() => Promise.resolve({ ok: true, value: null }))
    expect(Object.keys(api).sort()).toEqual([...apiMethods].sort())
    for (const method of apiMethods) expect(typeof api[method]).toBe('function')
  })

  it('sends the method and request and resolves with the result as it came', async () => {
    const calls: Array<[ApiMethod, unknown]> = []
    const api = createBridgedApi((method, request) => {
      calls.push([method, request])
      return Promise.resolve({ ok: true, value: ['a', 'b'] })
    })
    await expect(api.listTags({ registryId: 'r1', repository: 'team/app' })).resolves.toEqual({ ok: true, value: ['a', 'b'] })
    expect(calls).toEqual([['listTags', { registryId: 'r1', repository: 'team/app' }]])
  })

  it('resolves with the error data of a failed call, without throwing', async () => {
    const data: BerthErrorData = { code: 'delete_disabled', message: 'DELETE answered 405', fix: 'Enable storage.delete', status: 405 }
    const api = createBridgedApi(() => Promise.resolve({ ok: false, error: data }))
    const result = await api.deleteTags({ registryId: 'r1', repository: 'a', tags: ['1'], mode: 'tag', expectedDigests: {} })
    expect(result).toEqual({ ok: false, error: data })
  })

  it('turns a door that rejects into an internal error', async () => {
    const api = createBridgedApi(() => Promise.reject(new Error("No handler registered for 'berth:login'")))
    const result = await api.login({ registryId: 'r1', username: 'u', secret: 's' })
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: "login failed: No handler registered for 'berth:login'" } })
  })
})

describe('isIpcResult', () => {
  it('accepts a value or known error data, and nothing else', () => {
    expect(isIpcResult({ ok: true, value: null })).toBe(true)
    expect(isIpcResult({ ok: false, error: { code: 'not_found', message: 'gone' } })).toBe(true)
    expect(isIpcResult({ ok: true })).toBe(false)
    expect(isIpcResult({ ok: false, error: { code: 'pwned', message: 'x' } })).toBe(false)
    expect(isIpcResult({ ok: false, error: { code: 'not_found' } })).toBe(false)
    expect(isIpcResult('{"ok":true,"value":1}')).toBe(false)
    expect(isIpcResult(null)).toBe(false)
  })
})

describe('resultApiOf', () => {
  const data: BerthErrorData = { code: 'unauthorized', message: 'Log in to 127.0.0.1:5000' }
  const direct = {
    listRegistries: () => Promise.resolve([]),
    logout: () => Promise.reject(new BerthError(data)),
    removeRegistry: () => Promise.reject(new Error('boom')),
    on: () => () => undefined,
  } as unknown as Api & { on: () => () => void }

  it('resolves with the value, a thrown BerthError as its data, anything else as internal', async () => {
    const api = resultApiOf(direct)
    await expect(api.listRegistries({})).resolves.toEqual({ ok: true, value: [] })
    await expect(api.logout({ registryId: 'r1' })).resolves.toEqual({ ok: false, error: data })
    const other = await api.removeRegistry({ registryId: 'r1' })
    expect(other.ok === false && other.error.code).toBe('internal')
  })

  it('passes pushes on', () => {
    expect(typeof resultApiOf(direct).on).toBe('function')
  })
})

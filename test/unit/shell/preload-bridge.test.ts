import { describe, expect, it } from 'vitest'
import { createBridgedApi, errorDataOf, errorFromData, unwrapResult } from '../../../shared/api-bridge'
import { apiEventNames, apiMethodNames, eventChannel, isApiMethod, methodChannel } from '../../../shared/api-methods'
import { BerthError, type BerthErrorData } from '../../../shared/errors'
import { apiMethods, channelFor, type ApiMethod, type IpcResult } from '../../../shared/ipc'

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

  it('sends the method and request and resolves with the unwrapped value', async () => {
    const calls: Array<[ApiMethod, unknown]> = []
    const api = createBridgedApi((method, request) => {
      calls.push([method, request])
      return Promise.resolve({ ok: true, value: ['a', 'b'] })
    })
    await expect(api.listTags({ registryId: 'r1', repository: 'team/app' })).resolves.toEqual(['a', 'b'])
    expect(calls).toEqual([['listTags', { registryId: 'r1', repository: 'team/app' }]])
  })

  it('rejects with an Error from which the BerthErrorData can be recovered', async () => {
    const data: BerthErrorData = { code: 'delete_disabled', message: 'DELETE answered 405', fix: 'Enable storage.delete', status: 405 }
    const api = createBridgedApi(() => Promise.resolve({ ok: false, error: data }))
    const error: unknown = await api
      .deleteTags({ registryId: 'r1', repository: 'a', tags: ['1'], mode: 'tag', expectedDigests: {} })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(errorDataOf(error)).toEqual(data)
  })
})

describe('errorDataOf', () => {
  const data: BerthErrorData = { code: 'unauthorized', message: 'Log in to 127.0.0.1:5000' }

  it('recovers the data after Electron prefixes the message', () => {
    const wrapped = new Error(`Error invoking remote method 'berth:login': ${errorFromData(data).message}`)
    expect(errorDataOf(wrapped)).toEqual(data)
  })

  it('turns any other error into an internal error with its message', () => {
    expect(errorDataOf(new Error('Failed to fetch'))).toEqual({ code: 'internal', message: 'Failed to fetch' })
    expect(errorDataOf('plain string')).toEqual({ code: 'internal', message: 'plain string' })
  })

  it('reads the data of a BerthError thrown in the same realm', () => {
    expect(errorDataOf(new BerthError(data))).toEqual(data)
  })

  it('does not accept JSON with an unknown error code', () => {
    expect(errorDataOf(new Error('{"code":"pwned","message":"x"}')).code).toBe('internal')
  })

  it('round-trips through unwrapResult', () => {
    const result: IpcResult<number> = { ok: false, error: data }
    expect(() => unwrapResult(result)).toThrow(Error)
    try {
      unwrapResult(result)
    } catch (error) {
      expect(errorDataOf(error)).toEqual(data)
    }
    expect(unwrapResult<number>({ ok: true, value: 7 })).toBe(7)
  })
})

import { describe, expect, it } from 'vitest'
import { createDispatcher } from '../../../electron/doors/api-dispatch'
import { BerthError } from '../../../shared/errors'
import { apiMethods, type Api } from '../../../shared/ipc'
import type { RegistryView } from '../../../shared/types'
import { genericCapabilities } from '../../../shared/registry-capabilities'

function fakeApi(handlers: Partial<Api>): Api {
  const api: Record<string, unknown> = {}
  for (const method of apiMethods) {
    api[method] =
      handlers[method] ?? (() => Promise.reject(new BerthError({ code: 'unsupported', message: `${method} is not part of this fake` })))
  }
  return api as Api
}

const view: RegistryView = {
  id: 'r1',
  name: 'lab',
  url: 'http://127.0.0.1:5000',
  kind: 'distribution',
  authMode: 'auto',
  insecure: false,
  favorites: [],
  hasCredential: false,
  capabilities: genericCapabilities,
}

describe('createDispatcher', () => {
  it('calls the handler with the validated request, defaults applied, and wraps the value', async () => {
    let received: unknown
    const dispatch = createDispatcher(
      fakeApi({
        probeRegistry: (request) => {
          received = request
          return Promise.resolve({ url: request.url, auth: 'open' as const } as never)
        },
      }),
    )
    const result = await dispatch('probeRegistry', { url: 'http://127.0.0.1:5000' })
    expect(received).toEqual({ url: 'http://127.0.0.1:5000', insecure: false })
    expect(result).toEqual({ ok: true, value: { url: 'http://127.0.0.1:5000', auth: 'open' } })
  })

  it('treats a missing request as an empty object for methods without parameters', async () => {
    const dispatch = createDispatcher(fakeApi({ listRegistries: () => Promise.resolve([view]) }))
    expect(await dispatch('listRegistries', undefined)).toEqual({ ok: true, value: [view] })
  })

  it('turns a handler that resolves to undefined into null, which every transport can carry', async () => {
    const dispatch = createDispatcher(fakeApi({ removeRegistry: () => Promise.resolve(undefined as unknown as null) }))
    expect(await dispatch('removeRegistry', { registryId: 'r1' })).toEqual({ ok: true, value: null })
  })

  it('refuses an unknown method as invalid input without calling anything', async () => {
    const result = await createDispatcher(fakeApi({}))('dropDatabase', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(JSON.stringify(result)).toContain('dropDatabase')
  })

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses the inherited property name %s as a method',
    async (name) => {
      const result = await createDispatcher(fakeApi({}))(name, {})
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    },
  )

  it('names the invalid field and the problem when validation fails', async () => {
    let called = false
    const dispatch = createDispatcher(
      fakeApi({
        listTags: () => {
          called = true
          return Promise.reject(new Error('unreachable'))
        },
      }),
    )
    const result = await dispatch('listTags', { registryId: 'r1', repository: 'Not/Valid' })
    expect(called).toBe(false)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid_input')
    expect(result.error.message).toContain('repository')
    expect(result.error.message).toContain('not a valid repository name')
  })

  it('names a nested field by its path', async () => {
    const result = await createDispatcher(fakeApi({}))('previewDelete', {
      registryId: 'r1',
      repository: 'team/app',
      tags: ['ok', '-bad'],
      mode: 'tag',
    })
    expect(result.ok ? '' : result.error.message).toContain('tags.1')
  })

  it('never echoes a rejected secret back in the error', async () => {
    const secret = `S3CRET-${'x'.repeat(10_001)}`
    const result = await createDispatcher(fakeApi({}))('login', { registryId: 'r1', username: 'me', secret })
    expect(result.ok).toBe(false)
    const text = JSON.stringify(result)
    expect(text).toContain('secret')
    expect(text).not.toContain('S3CRET')
    expect(text).not.toContain('xxxxxxxx')
  })

  it('refuses a request that is not an object', async () => {
    const result = await createDispatcher(fakeApi({}))('listTags', 'registryId=r1')
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('passes a BerthError through as data, every field intact', async () => {
    const data = {
      code: 'forbidden' as const,
      message: '127.0.0.1:5000 answered 403 to DELETE',
      fix: 'Ask for delete rights.',
      status: 403,
      registryCode: 'DENIED',
    }
    const dispatch = createDispatcher(fakeApi({ logout: () => Promise.reject(new BerthError(data)) }))
    expect(await dispatch('logout', { registryId: 'r1' })).toEqual({ ok: false, error: data })
  })

  it('reports an unexpected error as internal, without a stack trace, and tells onError', async () => {
    const seen: Array<[string, unknown]> = []
    const failure = new TypeError('cannot read properties of undefined')
    const dispatch = createDispatcher(fakeApi({ listRepositories: () => Promise.reject(failure) }), {
      onError: (method, error) => seen.push([method, error]),
    })
    const result = await dispatch('listRepositories', { registryId: 'r1' })
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    const text = JSON.stringify(result)
    expect(text).toContain('cannot read properties of undefined')
    expect(text).not.toContain('api-dispatch')
    expect(text).not.toMatch(/\bat .*:\d+:\d+/)
    expect(seen).toEqual([['listRepositories', failure]])
  })

  it('does not tell onError about BerthErrors, which are expected outcomes', async () => {
    const seen: string[] = []
    const dispatch = createDispatcher(fakeApi({}), { onError: (method) => seen.push(method) })
    await dispatch('listRepositories', { registryId: 'r1' })
    expect(seen).toEqual([])
  })

  it('catches a handler that throws synchronously', async () => {
    const dispatch = createDispatcher(
      fakeApi({
        readAuditLog: () => {
          throw new Error('boom')
        },
      }),
    )
    expect(await dispatch('readAuditLog', {})).toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})

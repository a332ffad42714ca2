// The preload itself, run against a stand-in for the two Electron objects it touches (the Electron
// binary cannot run here): what it exposes, and how it talks to main.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { apiMethods, channelFor } from '../../../shared/ipc'
import type { BerthBridge } from '../../../shared/api-bridge'

type Listener = (event: unknown, payload: unknown) => void

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>()
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  const invocations: Array<[string, unknown]> = []
  let answer: unknown = { ok: true, value: null }
  return {
    exposed,
    listeners,
    invocations,
    setAnswer: (value: unknown) => {
      answer = value
    },
    module: {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: (channel: string, request: unknown) => {
          invocations.push([channel, request])
          return Promise.resolve(answer)
        },
        on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
          const set = listeners.get(channel) ?? new Set()
          set.add(listener)
          listeners.set(channel, set)
        },
        removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
          listeners.get(channel)?.delete(listener)
        },
      },
    },
  }
})

vi.mock('electron', () => electron.module)

let berth: BerthBridge

beforeAll(async () => {
  await import('../../../electron/preload')
  berth = electron.exposed.get('berth') as BerthBridge
})

function push(channel: string, payload: unknown): void {
  for (const listener of electron.listeners.get(channel) ?? new Set<Listener>()) listener({ sender: 'ipcRenderer' }, payload)
}

describe('the preload', () => {
  it('exposes only window.berth, with one function per Api method plus on', () => {
    expect([...electron.exposed.keys()]).toEqual(['berth'])
    expect(Object.keys(berth).sort()).toEqual([...apiMethods, 'on'].sort())
    for (const value of Object.values(berth)) expect(typeof value).toBe('function')
  })

  it('exposes neither ipcRenderer nor a generic invoke', () => {
    const values = Object.values(berth) as unknown[]
    expect(values).not.toContain(electron.module.ipcRenderer)
    expect(values).not.toContain(electron.module.ipcRenderer.invoke)
    expect(Object.keys(berth)).not.toContain('invoke')
  })

  it("invokes the method channel with the request and resolves with main's result itself", async () => {
    electron.setAnswer({ ok: true, value: [{ id: 'r1' }] })
    await expect(berth.listRegistries({})).resolves.toEqual({ ok: true, value: [{ id: 'r1' }] })
    expect(electron.invocations.at(-1)).toEqual([channelFor('listRegistries'), {}])
  })

  it('resolves with the error as data, never rejecting', async () => {
    const error = { code: 'unauthorized', message: '401 from 127.0.0.1:5000', fix: 'Log in' }
    electron.setAnswer({ ok: false, error })
    await expect(berth.listRepositories({ registryId: 'r1' })).resolves.toEqual({ ok: false, error })
  })

  it('answers invalid_response for anything main sends that is not a result', async () => {
    for (const answer of [null, 'text', { ok: false, error: { code: 'pwned', message: 'x' } }, { ok: true }]) {
      electron.setAnswer(answer)
      const result = await berth.listRegistries({})
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('invalid_response')
    }
  })

  it('delivers pushed events without the IPC event object, until unsubscribed', () => {
    const seen: unknown[] = []
    const off = berth.on('navigate', (payload) => seen.push(payload))
    push('berth-event:navigate', { hash: '#/registry/r1' })
    off()
    push('berth-event:navigate', { hash: '#/ignored' })
    expect(seen).toEqual([{ hash: '#/registry/r1' }])
    expect(electron.listeners.get('berth-event:navigate')?.size).toBe(0)
  })

  it('refuses to subscribe to a channel that is not an Api event', () => {
    const untyped = berth as unknown as { on: (event: string, listener: () => void) => () => void }
    expect(() => untyped.on('berth:login', () => undefined)).toThrow(/Unknown event/)
    expect(electron.listeners.has('berth-event:berth:login')).toBe(false)
  })
})

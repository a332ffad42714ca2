// Exposes exactly the Api of shared/ipc.ts as `window.berth` — one function per method plus a typed
// `on` for pushes — and nothing else: never ipcRenderer, never a generic invoke (docs/registry-notes.md "One
// contract"). Each method resolves with main's IpcResult itself (checked, never thrown), so an error
// reaches the renderer as data. Runs sandboxed, so it may import only 'electron'; the shared modules
// it uses are zod-free and bundled into preload.cjs.
import { contextBridge, ipcRenderer } from 'electron'
import { createBridgedApi, type BerthBridge } from '../shared/api-bridge'
import { eventChannel, isApiEventName, methodChannel } from '../shared/api-methods'
import type { ApiEvents } from '../shared/ipc'

const api = createBridgedApi((method, request): Promise<unknown> => ipcRenderer.invoke(methodChannel(method), request))

const bridge: BerthBridge = {
  ...api,
  on<K extends keyof ApiEvents>(event: K, listener: (payload: ApiEvents[K]) => void): () => void {
    // Only the contract's events: the renderer must not be able to listen on arbitrary channels.
    if (!isApiEventName(event)) throw new Error(`Unknown event "${String(event)}"`)
    if (typeof listener !== 'function') throw new Error('on(event, listener): listener must be a function')
    const channel = eventChannel(event)
    // The IpcRendererEvent (it holds `sender`, i.e. ipcRenderer) is dropped here, never passed on.
    const wrapped = (_event: Electron.IpcRendererEvent, payload: ApiEvents[K]) => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('berth', bridge)

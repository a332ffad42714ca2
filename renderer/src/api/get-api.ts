// Where the Api comes from: the Electron preload's `window.berth`, else (web mode) the HTTP bridge.
import type { ApiWithEvents } from './call'
import { createWebApi } from './web-api'

export { installApi } from './call'

export function getApi(): ApiWithEvents {
  return window.berth ?? createWebApi()
}

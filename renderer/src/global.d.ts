import type { Api } from '../../shared/ipc'
import type { BerthBridge } from '../../shared/api-bridge'

declare global {
  interface Window {
    /** Set by the Electron preload (or the UI harness); absent in web mode. */
    berth?: Api & Partial<Pick<BerthBridge, 'on'>>
  }
}

export {}

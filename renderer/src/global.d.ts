import type { ApiEventSource, ResultApi } from '../../shared/api-bridge'

declare global {
  interface Window {
    /** Set by the Electron preload (or the UI harness); absent in web mode. */
    berth?: ResultApi & Partial<ApiEventSource>
  }
}

export {}

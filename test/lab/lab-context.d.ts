import type { LabInfo } from './lab-types'

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabInfo
  }
}

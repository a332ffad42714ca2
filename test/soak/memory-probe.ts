// Heap figures are only comparable after a full collection: without one, "heap used" mostly says
// when V8 last felt like collecting. `npm run soak` passes --expose-gc; run another way (plain
// `npx tsx`), the collector is exposed at runtime instead, which V8 allows for this purpose.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface MemorySample {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export interface GarbageCollector {
  /** How the collector was reached: the --expose-gc flag, or exposed at runtime. */
  readonly source: 'flag' | 'runtime'
  collect(): void
}

export function garbageCollector(): GarbageCollector {
  const flagged = (globalThis as { gc?: () => void }).gc
  if (typeof flagged === 'function') return { source: 'flag', collect: () => flagged() }
  setFlagsFromString('--expose-gc')
  // A fresh context sees the flag; the global of the already-running one does not.
  const exposed = runInNewContext('gc') as () => void
  return { source: 'runtime', collect: () => exposed() }
}

export function sampleMemory(collector: GarbageCollector | null): MemorySample {
  collector?.collect()
  const usage = process.memoryUsage()
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers }
}

// Runs before renderer/src/main.tsx (module scripts execute in document order): installs the fake
// Api as `window.berth`, exactly where the Electron preload puts the real one, answering with results
// as the preload does.
// `?empty` starts without registries; `?latency=<ms>` changes how long each call takes; `?cold`
// starts as if Berth had never seen any repository (no cached rows).
import { resultApiOf } from '../../shared/api-bridge'
import { createFakeApi } from './fake-api'

const page = globalThis as unknown as { location: { search: string }; berth?: unknown }
const params = new URLSearchParams(page.location.search)
page.berth = resultApiOf(
  createFakeApi({
    empty: params.has('empty'),
    latencyMs: params.has('latency') ? Number(params.get('latency')) : undefined,
    seenBefore: !params.has('cold'),
  }),
)

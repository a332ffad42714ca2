// The faults a soak iteration runs under, drawn from the seeded generator: each iteration arms a
// few rules on the fault proxy (which request, which fault, how many times), or none. Every fault
// is one the hardening tests (test/integration/faults-*.test.ts) show Berth answering with a
// BerthError; the soak checks it keeps doing so for minutes without leaking what each one leaves
// behind (reset sockets, abandoned bodies, retry timers, half-read pages).
import type { Fault, FaultRule } from '../lab/fault-proxy'
import type { SeededRandom } from './seeded-random'

interface Target {
  name: string
  method?: string
  path: RegExp
  /** Listings can get endless pages and foreign Links; manifests can be tampered with or replaced. */
  kind: 'catalog' | 'tags' | 'manifest' | 'blob' | 'write' | 'any'
}

const targets: Target[] = [
  { name: 'catalog', method: 'GET', path: /^\/v2\/_catalog/, kind: 'catalog' },
  { name: 'catalog page 2+', method: 'GET', path: /^\/v2\/_catalog\?.*last=/, kind: 'catalog' },
  { name: 'tags/list', method: 'GET', path: /\/tags\/list/, kind: 'tags' },
  { name: 'tags/list page 2+', method: 'GET', path: /\/tags\/list\?.*last=/, kind: 'tags' },
  { name: 'manifest GET', method: 'GET', path: /\/manifests\//, kind: 'manifest' },
  { name: 'manifest HEAD', method: 'HEAD', path: /\/manifests\//, kind: 'manifest' },
  { name: 'blob GET', method: 'GET', path: /\/blobs\/sha256:/, kind: 'blob' },
  { name: 'manifest DELETE', method: 'DELETE', path: /\/manifests\//, kind: 'write' },
  { name: 'manifest PUT', method: 'PUT', path: /\/manifests\//, kind: 'write' },
  { name: 'blob upload', path: /\/blobs\/uploads\//, kind: 'write' },
  { name: 'any /v2/', path: /^\/v2\//, kind: 'any' },
]

const placeholderManifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] }),
)

/** A fault for `target`, with a short name for the report. */
function faultFor(target: Target, random: SeededRandom): { label: string; fault: Fault } {
  type Choice = () => { label: string; fault: Fault }
  const choices: { weight: number; value: Choice }[] = [
    { weight: 4, value: () => ({ label: 'reset', fault: { kind: 'reset' } }) },
    { weight: 2, value: () => ({ label: 'reset-after-forward', fault: { kind: 'reset-after-forward' } }) },
    {
      weight: 4,
      value: () => {
        const status = random.pick([500, 502, 503, 504])
        return { label: `status ${status}`, fault: { kind: 'status', status, headers: status === 503 ? { 'retry-after': '0' } : {} } }
      },
    },
    { weight: 1, value: () => ({ label: 'status 401', fault: { kind: 'status', status: 401 } }) },
    { weight: 1, value: () => ({ label: 'status 403', fault: { kind: 'status', status: 403 } }) },
    { weight: 1, value: () => ({ label: 'status 404', fault: { kind: 'status', status: 404 } }) },
    { weight: 3, value: () => ({ label: 'rate-limit', fault: { kind: 'rate-limit', retryAfter: random.pick(['0', '1']) } }) },
    { weight: 2, value: () => ({ label: 'delay short', fault: { kind: 'delay', ms: random.between(50, 400) } }) },
    // Past the soak's 2 s headers deadline: the request must end in a timeout, not wait the 3.5 s.
    { weight: 2, value: () => ({ label: 'delay past deadline', fault: { kind: 'delay', ms: 3_500 } }) },
    { weight: 3, value: () => ({ label: 'truncate', fault: { kind: 'truncate', keepBytes: random.between(0, 40) } }) },
    { weight: 3, value: () => ({ label: 'garbage', fault: { kind: 'garbage', bytes: random.between(16, 4096) } }) },
    // Declared over every cap Berth has for a JSON body: refused on the Content-Length, nothing read.
    { weight: 1, value: () => ({ label: 'huge declared', fault: { kind: 'huge', bytes: 12 * 1024 * 1024, declareLength: true } }) },
    // Chunked, so only the byte cap while reading stops it: Berth must hang up at its cap.
    { weight: 1, value: () => ({ label: 'huge chunked', fault: { kind: 'huge', bytes: 10 * 1024 * 1024, declareLength: false } }) },
    { weight: 2, value: () => ({ label: 'trickle', fault: { kind: 'trickle', intervalMs: random.between(150, 400) } }) },
    {
      weight: 1,
      value: () => ({ label: 'redirect loop', fault: { kind: 'redirect', status: random.pick([302, 307]), location: (path) => path } }),
    },
    {
      weight: 1,
      // Basic, not Bearer: a Bearer challenge would send Berth to a token realm the open registry does not have.
      value: () => ({ label: 'www-authenticate basic', fault: { kind: 'www-authenticate', value: 'Basic realm="soak"' } }),
    },
  ]
  if (target.kind === 'catalog' || target.kind === 'tags') {
    const field = target.kind === 'catalog' ? 'repositories' : 'tags'
    choices.push(
      {
        weight: 2,
        value: () => ({
          label: 'endless pages',
          fault: { kind: 'endless-pages', field, perPage: random.pick([200, 1000]), nameLength: 40 },
        }),
      },
      {
        weight: 1,
        value: () => ({
          label: 'endless slow pages',
          fault: { kind: 'endless-pages', field, perPage: 10, nameLength: 10, delayMs: 400 },
        }),
      },
      // Another loopback address: Berth must refuse to follow a Link off the registry's origin.
      { weight: 1, value: () => ({ label: 'foreign link', fault: { kind: 'link', target: 'http://127.0.0.2:9/v2/_catalog?n=5' } }) },
    )
  }
  if (target.kind === 'manifest' || target.kind === 'blob') {
    choices.push({ weight: 3, value: () => ({ label: 'tamper body', fault: { kind: 'tamper-body' } }) })
  }
  if (target.kind === 'manifest') {
    choices.push({
      weight: 2,
      value: () => ({
        label: 'serve other manifest',
        fault: { kind: 'serve', body: placeholderManifest, contentType: 'application/vnd.oci.image.manifest.v1+json' },
      }),
    })
  }
  return random.weighted(choices)()
}

export interface ArmedFaults {
  rules: FaultRule[]
  /** "reset on manifest GET ×2", for the log of a hung iteration. */
  labels: string[]
}

/** The rules for one iteration: none about one time in five, else one to four. */
export function drawFaults(random: SeededRandom): ArmedFaults {
  if (random.chance(0.2)) return { rules: [], labels: [] }
  const count = random.between(1, 4)
  const rules: FaultRule[] = []
  const labels: string[] = []
  for (let index = 0; index < count; index++) {
    const target = random.pick(targets)
    const { label, fault } = faultFor(target, random)
    const times = random.between(1, 4)
    const skip = random.chance(0.5) ? random.between(0, 6) : 0
    rules.push({ ...(target.method !== undefined ? { method: target.method } : {}), path: target.path, times, skip, fault })
    labels.push(`${label} on ${target.name} ×${times}${skip > 0 ? ` after ${skip}` : ''}`)
  }
  return { rules, labels }
}

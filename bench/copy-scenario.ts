// Scenario 11: copying (issue 20, "Tests and bench"), on the bench lab's token + TLS registry and, as
// the destination, distribution 2.8 with htpasswd users and a CA of its own:
// - a realistic image (test/lab/big-image.ts: an OCI index over 3 platforms of 6–8 layers, ~300 MB,
//   generated once and cached) is linked into the lab registry as public/big-image:1.0 (anonymous
//   pull), then copied cold to a fresh, empty destination registry by `berth cp` (bin/berth and its
//   bundle as a whole process, a fresh data directory) and by `skopeo copy --all`, interleaved:
//   wall time, CPU, peak RSS, and the registries' CPU. Each run checks the index digest the
//   destination serves (skopeo inspect --raw);
// - a retag (`berth tag`'s path: the engine in-process, a fresh session): the requests it sends,
//   counted on undici's diagnostics channels (bench/request-counter.ts), and those after the token;
// - a copy to another repository of the same registry: the blob bytes uploaded (the request bodies
//   undici sent to …/blobs/uploads/), which mounts make zero;
// - a 50-tag sync of perf/many to the destination registry (`berth sync`'s path, in-process: the CLI
//   takes one secret on standard input and both sides need one) and `skopeo sync` of the same tags.
// Run alone: `npx tsx bench/copy-scenario.ts [--reps N]`, or `npm run bench -- --only copy`;
// `--cp-only` runs only the big copies; `--cpu-prof DIR` too, each `berth cp` under V8's profiler.
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { CopyResult } from '../shared/copy'
import { createEngine } from '../electron/session/engine'
import type { CopySelection } from '../electron/session/copy-service'
import type { RegistryCredential } from '../electron/http/client-types'
import { createMemorySecretStore } from '../electron/stores/secrets/secret-store'
import { BIG_IMAGE_REPOSITORY, BIG_IMAGE_TAG, ensureBigImage, linkBigImage, type BigImage } from '../test/lab/big-image'
import { generateCertificates } from '../test/lab/certs'
import { writeHtpasswd } from '../test/lab/registry-process'
import { startBenchLab, type BenchLab } from './bench-lab'
import { killChildren } from './child-processes'
import { ensureCliBundle, rotation } from './cli-process'
import {
  servedDigest,
  startCopyProbe,
  startMirror,
  timeBerthCp,
  timeSkopeoCopy,
  timeSkopeoSync,
  withRegistryCpu,
  type CopyEndpoint,
  type Mirror,
  type ProbedCall,
  type ProcessTiming,
} from './copy-processes'
import { formatMarkdown, formatRatio, formatTable, machineInfo, writeJson, type MeasurementRow, type RatioRow } from './report'
import { repeat } from './repeat'
import { classifyRequest, startRequestCounter, type RequestCounts } from './request-counter'
import { elapsedMs, formatMs, summarize } from './stats'

export interface CopyScenarioOptions {
  reps: number
  /** Profiles each `berth cp` process into this directory (node --cpu-prof): the timings then include the profiler. */
  cpuProfileDir?: string
  /** Where data directories, certificates and destination registries go (removed afterwards). */
  workDir: string
  log: (line: string) => void
}

interface CopyRun extends ProcessTiming {
  /** CPU of the source registry and of the destination registry during the run. */
  sourceMs: number
  destinationMs: number
}

export interface CopyTimings {
  image: { digest: string; blobs: number; blobBytes: number; platforms: string[]; layers: number[] }
  berth: CopyRun[]
  skopeo: CopyRun[]
  retag: { wallMs: number; requests: RequestCounts; afterToken: string[] }[]
  sameRegistry: { wallMs: number; blobUploadBytes: number; reportedBytes: number; mounted: number; uploaded: number }[]
  sync: { berthMs: number[]; skopeoMs: number[]; tags: number }
}

/** perf/many's tag-0000 … tag-0049. */
const syncPattern = '^tag-00[0-4][0-9]$'
const syncTags = Array.from({ length: 50 }, (_, i) => `tag-${String(i).padStart(4, '0')}`)

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message)
}

function checkCopied(result: CopyResult, image: BigImage, what: string): void {
  const [item] = result.items
  check(
    item !== undefined && item.status === 'copied' && item.destinationDigest === image.digest,
    `${what}: ${item?.status ?? 'no item'} at ${item?.destinationDigest ?? 'nothing'}, expected copied at ${image.digest}` +
      (item?.error ? ` (${item.error.message})` : ''),
  )
}

/** Reads the source's blob files once, untimed, so that neither tool's first run pays for the disk. */
async function warmPageCache(image: BigImage): Promise<void> {
  const dir = join(image.layoutDir, 'blobs', 'sha256')
  for (const name of await readdir(dir)) {
    await new Promise<void>((resolve, reject) =>
      createReadStream(join(dir, name))
        .on('data', () => undefined)
        .on('end', resolve)
        .on('error', reject),
    )
  }
}

interface Setup {
  bench: BenchLab
  image: BigImage
  source: CopyEndpoint
  /** The source with the lab's writer (retag, same-registry copy) and reader (sync), for in-process sessions. */
  credential(user: 'writer' | 'reader'): RegistryCredential
  newMirror(name: string): Promise<{ mirror: Mirror; endpoint: CopyEndpoint }>
}

async function setUp(bench: BenchLab, workDir: string, log: (line: string) => void): Promise<Setup> {
  const image = await ensureBigImage(log)
  await linkBigImage(image, join(bench.lab.dir, 'tls', 'storage'))
  const certs = join(workDir, 'certs')
  await mkdir(join(certs, 'lab'), { recursive: true })
  await mkdir(join(certs, 'mirror'), { recursive: true })
  await writeFile(join(certs, 'lab', 'ca.crt'), bench.target.caPem)
  const mirrorCerts = await generateCertificates(join(certs, 'mirror'))
  const htpasswd = join(workDir, 'mirror-htpasswd')
  const mirrorUser = { username: 'mirror', password: 'mirror-pass' }
  await writeHtpasswd(htpasswd, [mirrorUser])
  await warmPageCache(image)
  const { users } = bench.lab
  return {
    bench,
    image,
    source: { host: bench.host, caFile: join(certs, 'lab', 'ca.crt'), certDir: join(certs, 'lab'), user: null },
    credential: (user) => ({ kind: 'basic', username: users[user].username, password: users[user].password }),
    async newMirror(name) {
      const mirror = await startMirror(join(workDir, 'mirrors', name), mirrorCerts, htpasswd)
      // skopeo's --cert-dir takes *.crt; the generated CA is ca.pem.
      const certDir = join(workDir, 'mirror-cert-dir')
      await mkdir(certDir, { recursive: true })
      await writeFile(join(certDir, 'ca.crt'), mirrorCerts.caPem)
      return { mirror, endpoint: { host: mirror.host, caFile: mirrorCerts.caPath, certDir, user: mirrorUser } }
    },
  }
}

async function bigCopies(setup: Setup, options: CopyScenarioOptions): Promise<{ berth: CopyRun[]; skopeo: CopyRun[] }> {
  const { image, source, bench } = setup
  const berth: CopyRun[] = []
  const skopeo: CopyRun[] = []
  const from = { endpoint: source, reference: `${BIG_IMAGE_REPOSITORY}:${BIG_IMAGE_TAG}` }
  const sourcePids = bench.lab.pids
  const tools = ['berth', 'skopeo'] as const
  await repeat(
    async (i) => {
      for (const index of rotation(tools.length, i)) {
        const tool = tools[index]
        const { mirror, endpoint } = await setup.newMirror(`${tool}-${i}`)
        try {
          const to = { endpoint, reference: `bench/${tool}-${i}:${BIG_IMAGE_TAG}` }
          const pids = { source: sourcePids, destination: [mirror.pid] }
          if (tool === 'berth') {
            const dataDirectory = await mkdtemp(join(options.workDir, 'cp-data-'))
            const { value, sourceMs, destinationMs } = await withRegistryCpu(pids, () =>
              timeBerthCp(from, to, dataDirectory, { nodeArgs: profileArgs(options) }),
            )
            await rm(dataDirectory, { recursive: true, force: true })
            checkCopied(value.result, image, `berth cp #${i + 1}`)
            const item = value.result.items[0]
            check(
              item?.bytesUploaded === image.blobBytes && item.blobs.uploaded === image.blobs,
              `berth cp #${i + 1}: uploaded ${item?.blobs.uploaded} blobs, ${item?.bytesUploaded} bytes; ` +
                `a cold copy uploads all ${image.blobs} (${image.blobBytes} bytes)`,
            )
            berth.push({ ...value, sourceMs, destinationMs })
            options.log(
              `  berth cp #${i + 1}: ${formatMs(value.wallMs)}; CPU berth ${formatMs(value.cpuMs)}, ` +
                `registries ${formatMs(sourceMs)} + ${formatMs(destinationMs)}; peak RSS ${value.maxRssMiB} MiB`,
            )
          } else {
            const { value, sourceMs, destinationMs } = await withRegistryCpu(pids, () => timeSkopeoCopy(from, to))
            skopeo.push({ ...value, sourceMs, destinationMs })
            options.log(
              `  skopeo copy --all #${i + 1}: ${formatMs(value.wallMs)}; CPU skopeo ${formatMs(value.cpuMs)}, ` +
                `registries ${formatMs(sourceMs)} + ${formatMs(destinationMs)}; peak RSS ${value.maxRssMiB} MiB`,
            )
          }
          const served = await servedDigest(endpoint, to.reference)
          check(served === image.digest, `${tool} #${i + 1}: the destination serves ${served} for ${to.reference}, not ${image.digest}`)
        } finally {
          await mirror.stop()
        }
      }
    },
    { reps: options.reps, minReps: Math.min(options.reps, 2), budgetMs: 180_000 },
  )
  return { berth, skopeo }
}

function profileArgs(options: CopyScenarioOptions): string[] {
  return options.cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir]
}

/** A fresh engine (empty data directory), its session on the lab registry as `user`, and cleanup. */
async function withSession<T>(
  setup: Setup,
  workDir: string,
  user: 'writer' | 'reader',
  work: (engine: ReturnType<typeof createEngine>, session: ReturnType<ReturnType<typeof createEngine>['sessionForAddress']>) => Promise<T>,
): Promise<T> {
  const dataDirectory = await mkdtemp(join(workDir, 'engine-'))
  const engine = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  try {
    const session = engine.sessionForAddress(setup.source.host, { caPems: [setup.bench.target.caPem], credentials: setup.credential(user) })
    return await work(engine, session)
  } finally {
    await engine.close()
    await rm(dataDirectory, { recursive: true, force: true })
  }
}

/** Plan + run, as `berth tag`/`cp`/`sync` do (electron/doors/cli/copy-commands.ts). */
async function copyInProcess(
  engine: ReturnType<typeof createEngine>,
  sessions: Parameters<ReturnType<typeof createEngine>['copies']['plan']>[0],
  selection: CopySelection,
): Promise<CopyResult> {
  const prepared = await engine.copies.plan(sessions, selection)
  return engine.copies.run(prepared)
}

async function retags(setup: Setup, options: CopyScenarioOptions): Promise<CopyTimings['retag']> {
  const out: CopyTimings['retag'] = []
  await repeat(
    async (i) => {
      await withSession(setup, options.workDir, 'writer', async (engine, session) => {
        const counter = startRequestCounter()
        const probe = startCopyProbe()
        const start = performance.now()
        let result: CopyResult
        try {
          result = await copyInProcess(
            engine,
            { source: session, destination: session },
            {
              sourceRepository: BIG_IMAGE_REPOSITORY,
              destinationRepository: BIG_IMAGE_REPOSITORY,
              items: [{ reference: BIG_IMAGE_TAG, tags: [`retag-${i}`] }],
            },
          )
        } finally {
          counter.stop()
          probe.stop()
        }
        const wallMs = elapsedMs(start)
        checkCopied(result, setup.image, `retag #${i + 1}`)
        check(result.mode === 'retag', `retag #${i + 1}: mode ${result.mode}`)
        const afterToken = probe.calls.filter(isAfterToken).map((call) => `${call.method} ${call.path}`)
        const requests = counter.snapshot()
        out.push({ wallMs, requests, afterToken })
        options.log(
          `  retag #${i + 1}: ${formatMs(wallMs)}, ${requests.total} requests ` +
            `(${requests.byKind.token} token, ${requests.unauthorized} × 401); ` +
            `after the token: ${afterToken.length} (${afterToken.join(', ')})`,
        )
      })
    },
    { reps: options.reps, minReps: 1, budgetMs: 20_000 },
  )
  return out
}

/** A registry request sent with its token (or credentials), not the token request itself. */
function isAfterToken(call: ProbedCall): boolean {
  return call.authorized && classifyRequest(call.method, call.path) !== 'token'
}

async function sameRegistryCopies(setup: Setup, options: CopyScenarioOptions): Promise<CopyTimings['sameRegistry']> {
  const out: CopyTimings['sameRegistry'] = []
  await repeat(
    async (i) => {
      await withSession(setup, options.workDir, 'writer', async (engine, session) => {
        const probe = startCopyProbe()
        const start = performance.now()
        let result: CopyResult
        try {
          result = await copyInProcess(
            engine,
            { source: session, destination: session },
            {
              sourceRepository: BIG_IMAGE_REPOSITORY,
              destinationRepository: `bench/same-${i}`,
              items: [{ reference: BIG_IMAGE_TAG, tags: [BIG_IMAGE_TAG] }],
            },
          )
        } finally {
          probe.stop()
        }
        const wallMs = elapsedMs(start)
        checkCopied(result, setup.image, `same-registry copy #${i + 1}`)
        const item = result.items[0]
        const row = {
          wallMs,
          blobUploadBytes: probe.blobUploadBytes(),
          reportedBytes: item?.bytesUploaded ?? -1,
          mounted: item?.blobs.mounted ?? 0,
          uploaded: item?.blobs.uploaded ?? 0,
        }
        out.push(row)
        options.log(
          `  same-registry copy #${i + 1}: ${formatMs(wallMs)}; ${row.mounted} blobs mounted, ${row.uploaded} uploaded; ` +
            `blob bytes sent ${row.blobUploadBytes}`,
        )
      })
    },
    { reps: options.reps, minReps: 1, budgetMs: 30_000 },
  )
  return out
}

async function syncs(setup: Setup, options: CopyScenarioOptions): Promise<CopyTimings['sync']> {
  const berthMs: number[] = []
  const skopeoMs: number[] = []
  const tools = ['berth', 'skopeo'] as const
  const repository = setup.bench.target.repository
  await repeat(
    async (i) => {
      for (const index of rotation(tools.length, i)) {
        const tool = tools[index]
        const { mirror, endpoint } = await setup.newMirror(`sync-${tool}-${i}`)
        try {
          if (tool === 'berth') {
            await withSession(setup, options.workDir, 'reader', async (engine, source) => {
              const user = endpoint.user ?? { username: '', password: '' }
              const destination = engine.sessionForAddress(endpoint.host, {
                caPems: [await readFile(endpoint.caFile, 'utf8')],
                credentials: { kind: 'basic', username: user.username, password: user.password },
              })
              const start = performance.now()
              const result = await copyInProcess(
                engine,
                { source, destination },
                { sourceRepository: repository, destinationRepository: `sync/berth-${i}`, sync: { tagPattern: syncPattern } },
              )
              const ms = elapsedMs(start)
              const copied = result.items.filter((item) => item.status === 'copied').length
              check(result.complete && copied === syncTags.length, `berth sync #${i + 1}: ${copied} of ${result.items.length} copied`)
              berthMs.push(ms)
              options.log(`  berth sync #${i + 1} (${copied} tags): ${formatMs(ms)}`)
            })
          } else {
            const timing = await timeSkopeoSync(
              { endpoint: { ...setup.source, user: toUser(setup.credential('reader')) }, repository, tags: syncTags },
              { endpoint, path: `sync/skopeo-${i}` },
              join(options.workDir, 'skopeo-sync'),
            )
            const last = syncTags[syncTags.length - 1] ?? ''
            const leaf = repository.split('/').pop() ?? repository
            const served = await servedDigest(endpoint, `sync/skopeo-${i}/${leaf}:${last}`)
            check(served.startsWith('sha256:'), `skopeo sync #${i + 1}: ${last} missing at the destination`)
            skopeoMs.push(timing.wallMs)
            options.log(`  skopeo sync #${i + 1} (${syncTags.length} tags): ${formatMs(timing.wallMs)}`)
          }
        } finally {
          await mirror.stop()
        }
      }
    },
    { reps: options.reps, minReps: Math.min(options.reps, 2), budgetMs: 90_000 },
  )
  return { berthMs, skopeoMs, tags: syncTags.length }
}

function toUser(credential: RegistryCredential): { username: string; password: string } {
  if (credential.kind !== 'basic') throw new Error('the lab users sign in with a password')
  return { username: credential.username, password: credential.password }
}

export async function runCopyScenario(bench: BenchLab, options: CopyScenarioOptions): Promise<CopyTimings> {
  const setup = await setUp(bench, options.workDir, options.log)
  const { image } = setup
  options.log(
    `  image: ${image.platforms.map((p) => `${p.platform} (${p.layers} layers)`).join(', ')}; ` +
      `${image.blobs} blobs, ${(image.blobBytes / 1e6).toFixed(1)} MB`,
  )
  const { berth, skopeo } = await bigCopies(setup, options)
  const retag = await retags(setup, options)
  const sameRegistry = await sameRegistryCopies(setup, options)
  const sync = await syncs(setup, options)
  return {
    image: {
      digest: image.digest,
      blobs: image.blobs,
      blobBytes: image.blobBytes,
      platforms: image.platforms.map((p) => p.platform),
      layers: image.platforms.map((p) => p.layers),
    },
    berth,
    skopeo,
    retag,
    sameRegistry,
    sync,
  }
}

/** Peak RSS target: 200 MB (decimal), in the MiB the rows use. */
const rssTargetMiB = 200e6 / 1024 ** 2

export function copyRows(t: CopyTimings): { rows: MeasurementRow[]; ratios: RatioRow[] } {
  const mb = `${Math.round(t.image.blobBytes / 1e6)} MB`
  const berthWall = summarize(t.berth.map((r) => r.wallMs))
  const skopeoWall = summarize(t.skopeo.map((r) => r.wallMs))
  const rows: MeasurementRow[] = [
    {
      id: 'copy-berth-wall',
      label: `11. berth cp, ${mb} index (${t.image.platforms.length} platforms), cold, across registries`,
      summary: berthWall,
    },
    { id: 'copy-skopeo-wall', label: '11. skopeo copy --all, the same', summary: skopeoWall },
    { id: 'copy-berth-cpu', label: '11. berth cp: CPU of the berth process', summary: summarize(t.berth.map((r) => r.cpuMs)) },
    { id: 'copy-skopeo-cpu', label: '11. skopeo copy --all: CPU of skopeo', summary: summarize(t.skopeo.map((r) => r.cpuMs)) },
    // A copy is a pipeline of three processes (source registry → copier → destination registry) on
    // shared cores: the copier's CPU against the registries' says which stage bounds it.
    { id: 'copy-source-cpu', label: '11. source registry CPU, berth runs', summary: summarize(t.berth.map((r) => r.sourceMs)) },
    {
      id: 'copy-destination-cpu',
      label: '11. destination registry CPU, berth runs',
      summary: summarize(t.berth.map((r) => r.destinationMs)),
    },
    { id: 'copy-source-cpu-skopeo', label: '11. source registry CPU, skopeo runs', summary: summarize(t.skopeo.map((r) => r.sourceMs)) },
    {
      id: 'copy-destination-cpu-skopeo',
      label: '11. destination registry CPU, skopeo runs',
      summary: summarize(t.skopeo.map((r) => r.destinationMs)),
    },
    {
      id: 'copy-berth-rss',
      label: '11. berth cp: peak RSS',
      unit: 'MiB',
      summary: summarize(t.berth.map((r) => r.maxRssMiB)),
      target: { maxMs: rssTargetMiB, text: '≤ 200 MB' },
    },
    { id: 'copy-skopeo-rss', label: '11. skopeo copy --all: peak RSS', unit: 'MiB', summary: summarize(t.skopeo.map((r) => r.maxRssMiB)) },
    {
      id: 'copy-retag',
      label: '11. retag (fresh session, token included)',
      summary: summarize(t.retag.map((r) => r.wallMs)),
      details: { requests: t.retag.map((r) => r.requests), afterToken: t.retag.map((r) => r.afterToken) },
    },
    {
      id: 'copy-same-registry',
      label: `11. copy to another repository, same registry (mounts)`,
      summary: summarize(t.sameRegistry.map((r) => r.wallMs)),
      details: { sameRegistry: t.sameRegistry },
    },
    { id: 'copy-sync-berth', label: `11. sync ${t.sync.tags} tags across registries (in-process)`, summary: summarize(t.sync.berthMs) },
    { id: 'copy-sync-skopeo', label: `11. skopeo sync, the same ${t.sync.tags} tags`, summary: summarize(t.sync.skopeoMs) },
  ]
  const ratios: RatioRow[] = [
    {
      id: 'copy-skopeo-ratio',
      label: '11. berth cp vs skopeo copy --all (wall, same run)',
      value: skopeoWall.median / berthWall.median,
      target: { minRatio: 1.5, text: '≥ 1.5×' },
    },
    {
      id: 'copy-sync-ratio',
      label: `11. berth sync vs skopeo sync, ${t.sync.tags} tags (wall)`,
      value: summarize(t.sync.skopeoMs).median / summarize(t.sync.berthMs).median,
    },
  ]
  return { rows, ratios }
}

/** The figures that are counts, not times: a retag's requests, the same-registry copy's blob bytes. */
export function copyCountLines(t: CopyTimings): string[] {
  const afterToken = Math.max(...t.retag.map((r) => r.afterToken.length))
  const first = t.retag[0]
  const uploaded = Math.max(...t.sameRegistry.map((r) => r.blobUploadBytes))
  const mounted = t.sameRegistry[0]?.mounted ?? 0
  return [
    `11. retag: ${afterToken} registry requests after the token (target ≤ 3: ${afterToken <= 3 ? 'pass' : 'miss'}): ` +
      `${first?.afterToken.join(', ') ?? ''}; in all ${first?.requests.total ?? 0} requests, ` +
      `${first?.requests.byKind.token ?? 0} token, ${first?.requests.unauthorized ?? 0} × 401`,
    `11. same-registry copy: ${uploaded} blob bytes uploaded, ${mounted} of ${t.image.blobs} blobs mounted ` +
      `(target 0: ${uploaded === 0 ? 'pass' : 'miss'})`,
  ]
}

/** `--only copy` and the stand-alone run: the table, the counts, and bench/results/copy.json. */
export async function copyOnly(bench: BenchLab, options: CopyScenarioOptions & { resultsDir: string }): Promise<CopyTimings> {
  options.log(`scenario 11: copy, ${options.reps} repetitions`)
  const timings = await runCopyScenario(bench, options)
  const { rows, ratios } = copyRows(timings)
  const counts = copyCountLines(timings)
  console.log(formatTable(rows, ratios))
  for (const line of counts) console.log(line)
  const machine = machineInfo()
  console.log(`machine: ${String(machine.cpus)} × ${String(machine.cpuModel)}, load ${JSON.stringify(machine.loadAverage)}`)
  await writeJson(join(options.resultsDir, 'copy.json'), {
    date: new Date().toISOString(),
    machine,
    image: timings.image,
    rows,
    ratios,
    counts,
    markdown: formatMarkdown(rows, ratios),
  })
  options.log(`ratio berth cp vs skopeo: ${formatRatio(ratios[0]?.value ?? 0)}`)
  return timings
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '3' }, 'cp-only': { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' } },
    strict: true,
  })
  const reps = Math.max(1, Number(values.reps))
  const workDir = await mkdtemp(join(tmpdir(), 'berth-bench-copy-'))
  const log = (line: string): void => console.error(line)
  ensureCliBundle(log)
  log('starting the bench lab (token + TLS registry with perf/many)…')
  const bench = await startBenchLab()
  try {
    const cpuProfileDir = values['cpu-prof']
    if (cpuProfileDir === undefined && !values['cp-only']) {
      await copyOnly(bench, { reps, workDir, log, resultsDir: join(import.meta.dirname, 'results') })
      return
    }
    // Only the big copies (to try a change to the copy engine), each `berth cp` under V8's profiler
    // with --cpu-prof: `npx tsx bench/cpu-profile-top.ts <dir>` summarises.
    if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true })
    const options = { reps, workDir, log, ...(cpuProfileDir !== undefined ? { cpuProfileDir } : {}) }
    const { berth, skopeo } = await bigCopies(await setUp(bench, workDir, log), options)
    const median = (runs: CopyRun[], pick: (run: CopyRun) => number): number => summarize(runs.map(pick)).median
    log(
      `medians: berth cp ${formatMs(median(berth, (r) => r.wallMs))} (CPU ${formatMs(median(berth, (r) => r.cpuMs))}), ` +
        `skopeo ${formatMs(median(skopeo, (r) => r.wallMs))} (CPU ${formatMs(median(skopeo, (r) => r.cpuMs))}); ` +
        `ratio ${formatRatio(median(skopeo, (r) => r.wallMs) / median(berth, (r) => r.wallMs))}`,
    )
  } finally {
    killChildren()
    await bench.lab.stop()
    await rm(workDir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await main()
  } catch (error) {
    process.exitCode = 1
    console.error(`copy bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  }
}

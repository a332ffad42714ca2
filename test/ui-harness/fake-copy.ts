// The copy methods of the harness's fake Api, answering as the core does (electron/session/
// copy-service.ts, copy-jobs.ts): planCopy is the dry run over the fake images (manifests, blobs
// present, mountable or missing, each destination tag's action, a platform subset's new digest,
// referrers); startCopy answers with a job id and runs in memory, sending `copyProgress` events at
// most ten a second and one `copyFinished` — a retag finishes before startCopy answers, as a fast
// copy can over IPC. Copied tags appear in the destination's listing. A destination repository
// named `…readonly…` refuses the first blob, to show a failure naming the step, blob and registry.
// A sync selects as the core does (shared/copy.ts's syncTagSelection, then the age by push or build
// date) and leaves out, named, a tag it cannot plan.
import { BerthError, toErrorData } from '../../shared/errors'
import { parseDuration } from '../../shared/cleanup-rules'
import {
  parsePlatform,
  platformMatches,
  syncTagSelection,
  type CopyBlobState,
  type CopyItemResult,
  type CopyMode,
  type CopyPlan,
  type CopyPlanItem,
  type CopyPlanTag,
  type CopyProgress,
  type CopyResult,
} from '../../shared/copy'
import { formatBytes, formatPlatform } from '../../shared/format'
import type { Api, ApiEvents, ApiRequests } from '../../shared/ipc'
import { fakeDigest, type FakeImage } from './fake-data'

export interface FakeCopyHost {
  latencyMs: number
  wait: <T>(value: T, ms?: number) => Promise<T>
  /** host[:port] of a configured registry; throws not_found otherwise. */
  hostOf(registryId: string): string
  /** The image a tag, or the digest of an image the fake has made, names; throws not_found otherwise. */
  resolve(registryId: string, repository: string, reference: string): FakeImage
  /** The digest a tag points at now, or null when it (or its repository) does not exist. */
  currentDigest(registryId: string, repository: string, tag: string): string | null
  /** The repository's tags, as listTags answers. */
  tagsOf(registryId: string, repository: string): string[]
  /** True when the repository exists (listed, opened or written to). */
  exists(registryId: string, repository: string): boolean
  /** Writes the tag at the destination; a new repository is created. */
  writeTag(registryId: string, repository: string, tag: string, image: FakeImage): void
}

type CopyApi = Pick<Api, 'planCopy' | 'startCopy' | 'cancelCopy'>
type CopyEvent = 'copyProgress' | 'copyFinished'
type Listener = (payload: ApiEvents[CopyEvent]) => void

interface PreparedItem {
  view: CopyPlanItem
  image: FakeImage
}

export interface FakeCopy extends CopyApi {
  on<K extends CopyEvent>(event: K, listener: (payload: ApiEvents[K]) => void): () => void
}

export function fakeCopyApi(host: FakeCopyHost): FakeCopy {
  const listeners = { copyProgress: new Set<Listener>(), copyFinished: new Set<Listener>() }
  const emit = <K extends CopyEvent>(event: K, payload: ApiEvents[K]): void => {
    for (const listener of listeners[event]) listener(payload)
  }
  /** What each destination repository holds by digest (manifests and blobs) after fake copies. */
  const stored = new Map<string, Set<string>>()
  const storeOf = (registryId: string, repository: string): Set<string> => {
    const k = `${registryId}/${repository}`
    let set = stored.get(k)
    if (!set) stored.set(k, (set = new Set()))
    return set
  }
  const jobs = new Map<string, { cancel(): void }>()
  let lastJob = 0

  function modeOf(request: ApiRequests['planCopy']): CopyMode {
    if (request.source.registryId !== request.destination.registryId) return 'cross-registry'
    return request.source.repository === request.destination.repository ? 'retag' : 'same-registry'
  }

  function planItem(request: ApiRequests['planCopy'], mode: CopyMode, item: { reference: string; tags: string[] }): PreparedItem {
    const image = host.resolve(request.source.registryId, request.source.repository, item.reference)
    const d = image.details
    const selectors = (request.platforms ?? []).map((text) => {
      const selector = parsePlatform(text)
      if (!selector) throw new BerthError({ code: 'invalid_input', message: `"${text}" is not a platform.` })
      return selector
    })
    const all = d.kind === 'index' ? d.platforms : []
    const kept = selectors.length === 0 || all.length === 0 ? all : all.filter((p) => selectors.some((s) => platformMatches(p, s)))
    if (all.length > 0 && kept.length === 0) {
      throw new BerthError({
        code: 'invalid_input',
        message: `${item.reference} has none of the platforms asked for (${(request.platforms ?? []).join(', ')}).`,
        fix: `It has ${all.map(formatPlatform).join(', ')}.`,
      })
    }
    const digestChanges = kept.length < all.length
    const destinationDigest = digestChanges ? fakeDigest(`${d.digest}|${kept.map(formatPlatform).join(',')}`) : d.digest
    const there = storeOf(request.destination.registryId, request.destination.repository)
    const existed = host.exists(request.destination.registryId, request.destination.repository)
    const tags: CopyPlanTag[] = item.tags.map((tag) => {
      const current = host.currentDigest(request.destination.registryId, request.destination.repository, tag)
      const action =
        current === null ? 'create' : current === destinationDigest ? 'unchanged' : request.force === true ? 'overwrite' : 'conflict'
      return { tag, current, action }
    })
    const notes: string[] = []
    const view: CopyPlanItem = {
      reference: item.reference,
      sourceDigest: d.digest,
      mediaType: d.mediaType,
      destinationDigest,
      digestChanges,
      platforms: (d.kind === 'index' ? kept : d.platforms).map(formatPlatform),
      droppedPlatforms: all.filter((p) => !kept.includes(p)).map(formatPlatform),
      tags,
      manifests: [],
      blobs: [],
      referrers: [],
      bytes: { total: 0, present: 0, mount: 0, missing: 0 },
      writable: tags.every((tag) => tag.action !== 'conflict'),
      notes,
    }
    if (mode === 'retag') {
      if (request.referrers === true) notes.push('Referrers stay where they are: a retag writes a tag in the same repository.')
      return { view, image }
    }
    const blobState = (digest: string, index: number): CopyBlobState =>
      there.has(digest) || (existed && index === 0) ? 'present' : mode === 'same-registry' ? 'mount' : 'missing'
    view.manifests.push({
      digest: destinationDigest,
      mediaType: d.mediaType,
      size: 400 + kept.length * 180,
      role: d.kind === 'index' ? 'index' : 'image',
      platform: null,
      present: there.has(destinationDigest),
    })
    for (const platform of kept) {
      if (d.kind !== 'index') break
      view.manifests.push({
        digest: platform.digest,
        mediaType: platform.mediaType,
        size: 1_100,
        role: 'image',
        platform: formatPlatform(platform),
        present: there.has(platform.digest),
      })
    }
    for (let i = 0; i < (d.attestations > 0 ? kept.length : 0); i++) {
      const digest = fakeDigest(`${d.digest}-attestation-${i}`)
      view.manifests.push({
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 840,
        role: 'attestation',
        platform: null,
        present: there.has(digest),
      })
    }
    const configs =
      d.kind === 'index' ? kept.map((p) => fakeDigest(`${p.digest}-config`)) : [d.configDigest ?? fakeDigest(`${d.digest}-config`)]
    const blobs = [
      ...image.layers.map((layer, index) => ({
        digest: layer.digest,
        size: layer.size,
        mediaType: layer.mediaType,
        state: blobState(layer.digest, index),
      })),
      ...configs.map((digest) => ({
        digest,
        size: 1_450,
        mediaType: 'application/vnd.oci.image.config.v1+json',
        state: blobState(digest, 1),
      })),
    ]
    if (request.referrers === true) {
      if (digestChanges) notes.push(`Referrers of the source index ${d.digest} are not copied: the destination index has another digest.`)
      for (const referrer of digestChanges ? [] : image.referrers) {
        const cosign = referrer.kind === 'signature'
        const tag = `${d.digest.replace(':', '-')}.sig`
        const current = cosign ? host.currentDigest(request.destination.registryId, request.destination.repository, tag) : null
        view.referrers.push({
          digest: referrer.digest,
          subject: d.digest,
          kind: referrer.kind === 'signature' || referrer.kind === 'sbom' || referrer.kind === 'attestation' ? referrer.kind : 'other',
          artifactType: referrer.artifactType ?? null,
          source: cosign ? 'cosign-tag' : 'api',
          tags: cosign
            ? [
                {
                  tag,
                  current,
                  action:
                    current === null
                      ? 'create'
                      : current === referrer.digest
                        ? 'unchanged'
                        : request.force === true
                          ? 'overwrite'
                          : 'conflict',
                },
              ]
            : [],
        })
        view.manifests.push({
          digest: referrer.digest,
          mediaType: referrer.mediaType,
          size: referrer.size,
          role: 'referrer',
          platform: null,
          present: there.has(referrer.digest),
        })
        const payload = fakeDigest(`${referrer.digest}-payload`)
        blobs.push({
          digest: payload,
          size: referrer.size,
          mediaType: referrer.artifactType ?? 'application/json',
          state: blobState(payload, 1),
        })
      }
    }
    view.blobs = blobs
    for (const blob of blobs) {
      view.bytes.total += blob.size
      view.bytes[blob.state] += blob.size
    }
    view.writable = [...tags, ...view.referrers.flatMap((r) => r.tags)].every((tag) => tag.action !== 'conflict')
    return { view, image }
  }

  function plan(request: ApiRequests['planCopy']): { plan: CopyPlan; items: PreparedItem[] } {
    const mode = modeOf(request)
    const skipped: CopyPlan['skipped'] = []
    let items: PreparedItem[]
    if (request.items === undefined) {
      const selected = syncTagSelection(host.tagsOf(request.source.registryId, request.source.repository), {
        tagPattern: request.sync?.tagPattern,
        referrers: request.referrers,
      })
      if (!selected.ok) throw new BerthError({ code: 'invalid_input', message: `The tag pattern: ${selected.error}` })
      skipped.push(...selected.skipped)
      const window = request.sync?.newerThan ? parseDuration(request.sync.newerThan) : null
      items = []
      for (const tag of selected.tags.sort()) {
        try {
          if (window !== null) {
            const d = host.resolve(request.source.registryId, request.source.repository, tag).details
            const date = d.pushed ?? d.created
            const time = date ? Date.parse(date) : Number.NaN
            if (Number.isNaN(time)) {
              skipped.push({ reference: tag, reason: 'no push or build date is known' })
              continue
            }
            if (Date.now() - time > window) {
              skipped.push({ reference: tag, reason: `older than ${request.sync?.newerThan ?? ''} (${date ?? ''})` })
              continue
            }
          }
          items.push(planItem(request, mode, { reference: tag, tags: [tag] }))
        } catch (error) {
          skipped.push({ reference: tag, reason: toErrorData(error).message })
        }
      }
    } else {
      if (mode === 'retag' && request.items.some((item) => (item.tags ?? []).length === 0)) {
        throw new BerthError({ code: 'invalid_input', message: 'Copying within the same repository needs at least one new tag.' })
      }
      items = request.items.map((item) => planItem(request, mode, { reference: item.reference, tags: item.tags ?? [] }))
    }
    const unique = new Map(items.flatMap((item) => item.view.blobs.map((blob) => [blob.digest, blob] as const)))
    const blobs = [...unique.values()]
    return {
      items,
      plan: {
        mode,
        source: { registry: host.hostOf(request.source.registryId), repository: request.source.repository },
        destination: { registry: host.hostOf(request.destination.registryId), repository: request.destination.repository },
        items: items.map((item) => item.view),
        skipped,
        totals: {
          items: items.length,
          manifests: new Set(items.flatMap((item) => item.view.manifests.map((m) => m.digest))).size,
          blobs: blobs.length,
          blobsMissing: blobs.filter((blob) => blob.state !== 'present').length,
          bytesMissing: blobs.filter((blob) => blob.state === 'missing').reduce((sum, blob) => sum + blob.size, 0),
          bytesMount: blobs.filter((blob) => blob.state === 'mount').reduce((sum, blob) => sum + blob.size, 0),
          conflicts: items.filter((item) => !item.view.writable).length,
        },
      },
    }
  }

  /** The run: blobs in ticks (a few seconds at the harness's latency), then manifests, then tags. */
  function run(jobId: string, request: ApiRequests['startCopy'], sync: boolean): void {
    let prepared: ReturnType<typeof plan>
    try {
      prepared = plan(request)
      refuseIfMoved(prepared.plan, request.expectedDestinationDigests)
    } catch (error) {
      emit('copyFinished', { jobId, result: null, error: toErrorData(error) })
      return
    }
    const { plan: p, items } = prepared
    const missing = new Map(
      items.flatMap((item) => item.view.blobs.filter((b) => b.state !== 'present').map((b) => [b.digest, b] as const)),
    )
    const bytesTotal = [...missing.values()].filter((b) => b.state === 'missing').reduce((sum, b) => sum + b.size, 0)
    const started = Date.now()
    const progress: CopyProgress = {
      phase: 'blobs',
      item: items[0]?.view.reference ?? null,
      itemsDone: 0,
      itemsTotal: items.length,
      blobsDone: 0,
      blobsTotal: missing.size,
      bytesDone: 0,
      bytesTotal,
      bytesPerSecond: 0,
      active: [],
    }
    const readonly = /readonly/.test(request.destination.repository)
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | null = null
    const ticks = 30
    const tickMs = Math.max(1, Math.min(100, host.latencyMs))
    let tick = 0
    const end = (): void => {
      jobs.delete(jobId)
      const results = items.map((item) => resultOf(item, request, p, { cancelled, readonly, missing: missing.size, bytesTotal }))
      progress.phase = 'done'
      progress.itemsDone = items.length
      emit('copyProgress', { jobId, progress: { ...progress, active: [] } })
      const count = (status: CopyItemResult['status']): number => results.filter((r) => r.status === status).length
      const result: CopyResult = {
        mode: p.mode,
        source: p.source,
        destination: p.destination,
        items: results,
        skipped: [],
        complete: results.every((r) => r.status === 'copied' || r.status === 'up-to-date'),
        totals: {
          copied: count('copied'),
          upToDate: count('up-to-date'),
          failed: results.length - count('copied') - count('up-to-date'),
          bytesUploaded: results.reduce((sum, r) => sum + r.bytesUploaded, 0),
          seconds: Math.round((Date.now() - started) / 100) / 10,
        },
      }
      emit('copyFinished', { jobId, result, error: null })
    }
    const step = (): void => {
      if (cancelled || (readonly && missing.size > 0)) return end()
      tick++
      const share = Math.min(1, tick / ticks)
      progress.phase = share < 1 ? 'blobs' : 'tags'
      progress.bytesDone = Math.round(bytesTotal * share)
      progress.blobsDone = Math.floor(missing.size * share)
      progress.itemsDone = Math.min(items.length - 1, Math.floor(items.length * share))
      progress.item = items[progress.itemsDone]?.view.reference ?? null
      progress.active = [...missing.keys()].slice(progress.blobsDone, progress.blobsDone + 4)
      const seconds = (Date.now() - started) / 1000
      progress.bytesPerSecond = seconds > 0 ? Math.round(progress.bytesDone / seconds) : 0
      emit('copyProgress', { jobId, progress: { ...progress } })
      if (share >= 1) return end()
      timer = setTimeout(step, tickMs)
    }
    jobs.set(jobId, {
      cancel() {
        cancelled = true
        if (timer !== null) clearTimeout(timer)
        end()
      },
    })
    if (sync || missing.size === 0) {
      // A retag or a copy with nothing to send: over before the answer.
      tick = ticks - 1
      step()
    } else {
      emit('copyProgress', { jobId, progress: { ...progress } })
      timer = setTimeout(step, tickMs)
    }
  }

  function resultOf(
    item: PreparedItem,
    request: ApiRequests['startCopy'],
    p: CopyPlan,
    how: { cancelled: boolean; readonly: boolean; missing: number; bytesTotal: number },
  ): CopyItemResult {
    const { view, image } = item
    const base = { reference: view.reference, sourceDigest: view.sourceDigest, destinationDigest: view.destinationDigest }
    const notWritten = view.tags.map((tag) => ({ tag: tag.tag, previous: tag.current, status: 'not-written' as const }))
    const blobs = { uploaded: 0, mounted: 0, present: view.blobs.filter((b) => b.state === 'present').length, resumed: 0 }
    if (how.cancelled) {
      return {
        ...base,
        status: 'cancelled',
        tags: notWritten,
        blobs,
        bytesUploaded: 0,
        verified: false,
        error: { code: 'cancelled', message: 'The copy was cancelled.' },
      }
    }
    if (!view.writable) {
      const list = view.tags.filter((t) => t.action === 'conflict').map((t) => `${t.tag} is at ${t.current ?? 'nothing'}`)
      return {
        ...base,
        status: 'conflict',
        tags: view.tags.map((t) => ({ tag: t.tag, previous: t.current, status: t.action === 'conflict' ? 'refused' : 'not-written' })),
        blobs,
        bytesUploaded: 0,
        verified: false,
        error: {
          code: 'conflict',
          message:
            `${p.destination.registry}/${p.destination.repository}: ${list.join('; ')}, not at ${view.destinationDigest}; ` +
            'nothing was written (a tag that points elsewhere is only moved with force).',
          fix: 'Check that you mean to move the tag, then copy again with --force (or confirm the overwrite in the dialog).',
        },
      }
    }
    const first = view.blobs.find((b) => b.state === 'missing')
    if (how.readonly && first) {
      return {
        ...base,
        status: 'failed',
        tags: notWritten,
        blobs,
        bytesUploaded: 0,
        verified: false,
        error: {
          code: 'forbidden',
          status: 403,
          registryCode: 'DENIED',
          message:
            `Copying blob ${first.digest} (${formatBytes(first.size)}) failed at "start the upload" on ${p.destination.registry}: ` +
            `${p.destination.registry} answered 403 to POST /v2/${p.destination.repository}/blobs/uploads/: ` +
            'requested access to the resource is denied.',
          fix: `Sign in to ${p.destination.registry} with an account that may push to ${p.destination.repository}.`,
        },
      }
    }
    const there = storeOf(request.destination.registryId, request.destination.repository)
    for (const blob of view.blobs) there.add(blob.digest)
    for (const manifest of view.manifests) there.add(manifest.digest)
    const copied: FakeImage = view.digestChanges
      ? {
          ...image,
          details: {
            ...image.details,
            digest: view.destinationDigest,
            platforms: image.details.platforms.filter((platform) => view.platforms.includes(formatPlatform(platform))),
          },
        }
      : image
    for (const tag of view.tags)
      if (tag.action !== 'unchanged') host.writeTag(request.destination.registryId, request.destination.repository, tag.tag, copied)
    const written = view.tags.some((t) => t.action !== 'unchanged') || view.blobs.some((b) => b.state !== 'present')
    const uploaded = view.blobs.filter((b) => b.state === 'missing')
    return {
      ...base,
      status: written ? 'copied' : 'up-to-date',
      tags: view.tags.map((t) => ({ tag: t.tag, previous: t.current, status: t.action === 'unchanged' ? 'unchanged' : 'written' })),
      blobs: { ...blobs, uploaded: uploaded.length, mounted: view.blobs.filter((b) => b.state === 'mount').length },
      bytesUploaded: uploaded.reduce((sum, b) => sum + b.size, 0),
      verified: true,
    }
  }

  return {
    planCopy: (request) => host.wait(plan(request).plan, host.latencyMs * 3),
    startCopy(request) {
      plan(request) // Bad input is refused at once, as by main's dispatcher; the job plans again.
      const jobId = `copy-${++lastJob}`
      if (modeOf(request) === 'retag') {
        run(jobId, request, true)
      } else {
        setTimeout(() => run(jobId, request, false), 0)
      }
      return host.wait({ jobId })
    },
    cancelCopy({ jobId }) {
      jobs.get(jobId)?.cancel()
      return host.wait(null)
    },
    on(event, listener) {
      const set = listeners[event] as Set<Listener>
      const wrapped = listener as Listener
      set.add(wrapped)
      return () => set.delete(wrapped)
    },
  }
}

function refuseIfMoved(plan: CopyPlan, expected: Readonly<Record<string, string>> | undefined): void {
  if (expected === undefined) return
  const moved: string[] = []
  for (const item of plan.items) {
    for (const tag of [...item.tags, ...item.referrers.flatMap((r) => r.tags)]) {
      if (!Object.hasOwn(expected, tag.tag)) continue
      const was = expected[tag.tag] === '' ? null : (expected[tag.tag] ?? null)
      if (was !== tag.current) moved.push(`${tag.tag} is now at ${tag.current ?? 'nothing'}, not ${was ?? 'nothing'}`)
    }
  }
  if (moved.length > 0) {
    throw new BerthError({
      code: 'conflict',
      message: `The destination changed since the plan you confirmed: ${moved.join('; ')}. Nothing was written.`,
      fix: 'Look at the plan again, then copy.',
    })
  }
}

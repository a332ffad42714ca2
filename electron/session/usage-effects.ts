// What a deletion frees, for the delete preview, the cleanup plan and the deletion of an untagged
// image: the bytes that nothing reaches any more once the registry's garbage collection has run, and
// the bytes of what goes that stay because kept tags — or, registry-wide, other repositories as
// Berth last saw them (its tag hints and digest cache, no request per repository) — still use them.
// The safety check before deleting an untagged image lives here too: its digest must be neither a
// tag's nor reached from a tag (a platform or attestation of a tagged index), asked of the registry now.
import { BerthError, toErrorData } from '../../shared/errors'
import type { CleanupPlan } from '../../shared/cleanup-rules'
import type { DeletePreview, TagDetailsResult } from '../../shared/types'
import { garbageCollectionAdvice, type StorageEffect } from '../../shared/usage'
import { formatBytes } from '../../shared/format'
import { shortDigest } from '../http/digest'
import { parseManifest } from '../operations/manifest'
import { createUsageLoader } from '../operations/usage-loader'
import { countDeletion, reachFrom } from '../operations/usage-graph'
import { tagIndexForCache } from '../stores/cache/tag-index'
import { findUntagged } from './usage-service'
import { loadRoot, resolveTags, startUsageRun, type UsageContext, type UsageRun } from './usage-run'

export interface DeletionQuestion {
  repository: string
  /** Every tag that disappears (for a delete by digest, every tag on the digest). */
  removedTags: readonly string[]
  /** Manifests deleted by digest; they go even when untagged. */
  removedDigests?: readonly string[]
  /** Every tag's digest, verified just now by the caller (a delete by digest, a cleanup plan): nothing is listed again. */
  allTagDigests?: ReadonlyMap<string, string>
  /** Digests the caller verified for some tags (those being deleted). */
  knownDigests?: ReadonlyMap<string, string>
  signal?: AbortSignal
}

export interface DeletionEffect extends StorageEffect {
  /** Per removed tag that stays on a kept image: the tags that keep it. */
  stillTagged: Map<string, string[]>
}

export async function storageEffectOf(context: UsageContext, question: DeletionQuestion): Promise<DeletionEffect> {
  const run = startUsageRun(context, question.signal ? { signal: question.signal } : {})
  try {
    const { repository } = question
    let tagDigests: ReadonlyMap<string, string>
    let tagsFromCache = 0
    let incomplete = false
    if (question.allTagDigests) {
      tagDigests = question.allTagDigests
      await Promise.all([...new Set(tagDigests.values())].map((digest) => run.pool.run(() => loadRoot(run, repository, digest))))
    } else {
      const tags = await context.listTags(repository, signalOf(run))
      const resolved = await resolveTags(run, repository, tags, question.knownDigests)
      tagDigests = resolved.tagDigests
      tagsFromCache = resolved.tagsFromCache
      // A tag Berth could not read may keep some of what goes: the figures are then an upper bound.
      if (resolved.failures.length > 0) incomplete = true
    }
    const removedDigests = question.removedDigests ?? []
    await Promise.all(removedDigests.map((digest) => run.pool.run(() => loadRoot(run, repository, digest))))
    const removed = new Set(question.removedTags)
    const going = [...removedDigests]
    const staying: string[] = []
    for (const [tag, digest] of tagDigests) (removed.has(tag) ? going : staying).push(digest)
    for (const tag of removed) {
      const digest = question.knownDigests?.get(tag)
      if (digest !== undefined && !tagDigests.has(tag)) going.push(digest)
    }
    const others = await otherRepositoriesReach(run, repository)
    const count = countDeletion(context.graph, going, staying, others?.reached)
    const stillTagged = new Map<string, string[]>()
    if (removedDigests.length === 0) {
      for (const tag of removed) {
        const digest = tagDigests.get(tag)
        if (digest === undefined) continue
        const keeping = [...tagDigests].filter(([other, at]) => at === digest && !removed.has(other)).map(([other]) => other)
        if (keeping.length > 0) stillTagged.set(tag, keeping)
      }
    }
    const effect = {
      freesBytes: count.freesBytes,
      keptBytes: count.keptBytes,
      keptByOtherRepositoriesBytes: count.keptByOthersBytes,
      otherRepositories: others ? { measured: others.measured, notMeasured: others.notMeasured } : null,
      tagsFromCache,
      incomplete: incomplete || count.incomplete || (others?.incomplete ?? false),
    }
    return { ...effect, stillTagged, note: noteFor(effect, stillTagged), garbageCollection: garbageCollectionAdvice(context.provider.kind) }
  } finally {
    run.finish()
  }
}

export interface UntaggedCheck {
  digest: string
  /**
   * The platform and attestation manifests of an untagged index that no tag reaches: deleted with it.
   * A registry stores them as manifests of their own (distribution: a revision each), and garbage
   * collection keeps what a stored manifest references, untagged or not.
   */
  alsoDeleted: string[]
  lastTags: string[]
  firstSeen: string | null
}

/**
 * Throws unless every digest is stored in `repository` and no tag points at it or reaches it now,
 * asked of the registry (a HEAD or a listing page per tag: this guards a deletion). Returns what
 * Berth's tag history knows of each.
 */
export async function checkUntagged(
  context: UsageContext,
  repository: string,
  digests: readonly string[],
  signal?: AbortSignal,
): Promise<{ checks: UntaggedCheck[]; tagDigests: Map<string, string> }> {
  const run = startUsageRun(context, { verify: true, ...(signal ? { signal } : {}) })
  try {
    const { provider, graph } = context
    for (const digest of digests) {
      try {
        await provider.client.headManifest(repository, digest, signalOf(run))
      } catch (error) {
        const data = toErrorData(error)
        if (data.code !== 'not_found') throw error
        throw new BerthError({
          code: 'not_found',
          message: `${repository} has no manifest ${digest}: it was deleted already, or never stored here.`,
          fix: 'List what is there with: berth du <registry>/<repository> --tags',
        })
      }
    }
    const tagDigests = await provider.tagDigests(repository, signalOf(run))
    await Promise.all([...new Set(tagDigests.values())].map((digest) => run.pool.run(() => loadRoot(run, repository, digest))))
    const reach = reachFrom(graph, tagDigests.values())
    for (const digest of digests) {
      const tags = [...tagDigests].filter(([, at]) => at === digest).map(([tag]) => tag)
      if (tags.length > 0) {
        throw new BerthError({
          code: 'conflict',
          message: `${repository}@${shortDigest(digest)} is tagged (${tags.slice(0, 5).join(', ')}): nothing was deleted.`,
          fix: `Delete it with its tags instead: berth rm <registry>/${repository}:${tags[0] ?? ''} --digest`,
        })
      }
      if (reach.has(digest)) {
        const users = [...tagDigests].filter(([, root]) => graph.closure(root).includes(digest)).map(([tag]) => tag)
        throw new BerthError({
          code: 'conflict',
          message:
            `${repository}@${shortDigest(digest)} has no tag, but tagged images use it ` +
            `(a platform or attestation of ${users.slice(0, 5).join(', ')}): deleting it would break them. Nothing was deleted.`,
          fix: 'Delete the tagged image instead, or leave it: it is freed when no tag reaches it.',
        })
      }
    }
    const hints = await tagIndexForCache(context.cache).open(provider.client.endpoint.host, repository)
    const history = new Map(hints.history())
    await Promise.all(digests.map((digest) => run.pool.run(() => loadRoot(run, repository, digest))))
    const checks = digests.map((digest) => {
      const entry = history.get(digest)
      const alsoDeleted = graph
        .closure(digest)
        .filter((each) => each !== digest && graph.get(each) !== undefined && !reach.has(each) && !digests.includes(each))
      return { digest, alsoDeleted, lastTags: entry ? [...entry.tags] : [], firstSeen: entry?.firstSeen ?? null }
    })
    return { checks, tagDigests }
  } finally {
    run.finish()
  }
}

/**
 * What deleting untagged images frees: what they reach that no tag reaches, nor any other stored
 * untagged image Berth knows (garbage collection keeps whatever any stored manifest references),
 * nor, as last seen, other repositories.
 */
export async function untaggedEffectOf(
  context: UsageContext,
  repository: string,
  checks: readonly UntaggedCheck[],
  tagDigests: ReadonlyMap<string, string>,
  signal?: AbortSignal,
): Promise<StorageEffect & { perDigest: Map<string, { bytes: number; freesBytes: number }> }> {
  const run = startUsageRun(context, signal ? { signal } : {})
  try {
    const { graph } = context
    const digests = checks.map((check) => check.digest)
    await Promise.all(digests.map((digest) => run.pool.run(() => loadRoot(run, repository, digest))))
    const reached = reachFrom(graph, tagDigests.values())
    const going = new Set(checks.flatMap((check) => [check.digest, ...check.alsoDeleted]))
    const otherUntagged = (await findUntagged(run, repository, tagDigests, reached)).images
      .map((image) => image.digest)
      .filter((digest) => !going.has(digest))
    const others = await otherRepositoriesReach(run, repository)
    const staying = [...tagDigests.values(), ...otherUntagged]
    const count = countDeletion(graph, going, staying, others?.reached)
    const perDigest = new Map<string, { bytes: number; freesBytes: number }>()
    for (const check of checks) {
      const mine = new Set([check.digest, ...check.alsoDeleted])
      const alone = countDeletion(graph, mine, [...staying, ...[...going].filter((other) => !mine.has(other))], others?.reached)
      perDigest.set(check.digest, { bytes: alone.freesBytes + alone.keptBytes, freesBytes: alone.freesBytes })
    }
    const effect = {
      freesBytes: count.freesBytes,
      keptBytes: count.keptBytes,
      keptByOtherRepositoriesBytes: count.keptByOthersBytes,
      otherRepositories: others ? { measured: others.measured, notMeasured: others.notMeasured } : null,
      tagsFromCache: 0,
      incomplete: count.incomplete || (others?.incomplete ?? false),
    }
    const note =
      `No tag points at ${digests.length === 1 ? 'this image' : 'these images'}. Deleting ${digests.length === 1 ? 'it' : 'them'} ` +
      `frees ${formatBytes(effect.freesBytes)} once garbage collection runs${keptClause(effect)}.`
    return { ...effect, perDigest, note, garbageCollection: garbageCollectionAdvice(context.provider.kind) }
  } finally {
    run.finish()
  }
}

interface OtherReach {
  reached: Set<string>
  measured: number
  notMeasured: number
  incomplete: boolean
}

/**
 * What the registry's other repositories reach, as Berth last saw them: their tags' digests from the
 * tag hints and their manifests from the digest cache, with no request but the repository listing.
 * A repository Berth never measured is counted as not measured; null when they cannot be listed
 * (no catalog, or one refused to these credentials).
 */
async function otherRepositoriesReach(run: UsageRun, repository: string): Promise<OtherReach | null> {
  const { provider, cache, graph } = run.context
  // A catalog is one cheap request; a provider's own listing (GitLab's groups and projects, a Docker
  // Hub namespace) is many, too many for every delete preview: there, other repositories stay unknown.
  if (provider.capabilities.repositoryListing !== 'catalog') return null
  let names: string[]
  try {
    const listing = await provider.listRepositories(signalOf(run))
    if (listing.catalog === 'unavailable') return null
    names = listing.repositories.filter((name) => name !== repository)
  } catch (error) {
    if (toErrorData(error).code === 'cancelled') throw error
    return null
  }
  const index = tagIndexForCache(cache)
  const cacheOnly = createUsageLoader({
    graph,
    content: {
      async manifest(_repository, digest) {
        const bytes = await cache.get(digest)
        if (bytes === null) throw new BerthError({ code: 'not_found', message: `${digest} is not in Berth's cache.` })
        return { digest, bytes, parsed: parseManifest(bytes, null) }
      },
    },
    ...(run.signal ? { signal: run.signal } : {}),
  })
  const roots = new Set<string>()
  let measured = 0
  let notMeasured = 0
  for (const name of names) {
    const hints = await index.open(provider.client.endpoint.host, name)
    const digests = new Set([...hints.entries()].map(([, digest]) => digest))
    if (digests.size === 0) {
      notMeasured++
      continue
    }
    measured++
    for (const digest of digests) roots.add(digest)
    await Promise.all([...digests].map((digest) => cacheOnly.load(name, digest)))
  }
  return { reached: reachFrom(graph, roots), measured, notMeasured, incomplete: [...roots].some((root) => graph.isPartial(root)) }
}

function noteFor(effect: Omit<StorageEffect, 'note' | 'garbageCollection'>, stillTagged: ReadonlyMap<string, string[]>): string {
  const parts: string[] = []
  for (const [tag, keeping] of stillTagged) {
    parts.push(
      `Deleting only the tag ${tag} frees nothing by itself: the image stays tagged as ${keeping.slice(0, 5).join(', ')}` +
        `${keeping.length > 5 ? ` and ${keeping.length - 5} more` : ''}.`,
    )
  }
  // "Frees 0 B" says nothing the sentences above have not said better.
  if (effect.freesBytes > 0 || stillTagged.size === 0)
    parts.push(`Frees ${formatBytes(effect.freesBytes)} once garbage collection runs${keptClause(effect)}.`)
  if (effect.tagsFromCache > 0)
    parts.push(`${effect.tagsFromCache} kept tags are counted at the digest Berth last verified, not asked again.`)
  if (effect.otherRepositories && effect.otherRepositories.notMeasured > 0)
    parts.push(
      `${effect.otherRepositories.notMeasured} other repositories were never measured by Berth: what they share is not known ` +
        '(run berth du <registry> first).',
    )
  if (effect.otherRepositories === null)
    parts.push('Other repositories of the registry were not checked (no catalog to list them): what they share is not known.')
  if (effect.incomplete) parts.push('Some manifests could not be read: the figures leave their blobs out.')
  return parts.join(' ')
}

function keptClause(effect: { keptBytes: number; keptByOtherRepositoriesBytes: number }): string {
  if (effect.keptBytes === 0) return ''
  const byOthers =
    effect.keptByOtherRepositoriesBytes > 0 ? ` (${formatBytes(effect.keptByOtherRepositoriesBytes)} by other repositories only)` : ''
  return `; ${formatBytes(effect.keptBytes)} of what goes stays stored, still used by what is kept${byOthers}`
}

function signalOf(run: UsageRun): { signal?: AbortSignal } {
  return run.signal ? { signal: run.signal } : {}
}

/** The delete preview with what the deletion frees; a figure Berth cannot work out is null, never a failed preview. */
export async function previewWithStorage(
  context: UsageContext,
  preview: DeletePreview,
  digests: { current: ReadonlyMap<string, string>; everyTag: ReadonlyMap<string, string> | null },
  signal?: AbortSignal,
): Promise<DeletePreview> {
  const byDigest = preview.mode === 'digest'
  try {
    const effect = await storageEffectOf(context, {
      repository: preview.repository,
      removedTags: byDigest ? preview.items.flatMap((item) => item.alsoRemoved) : preview.items.map((item) => item.tag),
      removedDigests: byDigest ? preview.items.map((item) => item.digest) : [],
      ...(digests.everyTag ? { allTagDigests: digests.everyTag } : {}),
      knownDigests: digests.current,
      ...(signal ? { signal } : {}),
    })
    const { stillTagged, ...storage } = effect
    return {
      ...preview,
      items: preview.items.map((item) => (byDigest ? item : { ...item, stillTagged: stillTagged.get(item.tag) ?? [] })),
      freesBytes: storage.freesBytes,
      keptBytes: storage.keptBytes,
      storage,
    }
  } catch (error) {
    if (toErrorData(error).code === 'cancelled') throw error
    return { ...preview, freesBytes: null, keptBytes: null, storage: null }
  }
}

/** The cleanup plan with what removing its tags frees, counted from the digests the plan just verified. */
export async function planWithStorage(
  context: UsageContext,
  plan: CleanupPlan,
  results: readonly TagDetailsResult[],
  signal?: AbortSignal,
): Promise<CleanupPlan> {
  try {
    const allTagDigests = new Map<string, string>()
    for (const result of results) if (result.ok) allTagDigests.set(result.tag, result.details.digest)
    const storage = await storageEffectOf(context, {
      repository: plan.repository,
      removedTags: plan.remove,
      allTagDigests,
      ...(signal ? { signal } : {}),
    })
    const { stillTagged: _stillTagged, ...effect } = storage
    // A tag whose details could not be read may keep some of what goes: an upper bound then.
    const unreadable = results.some((result) => !result.ok)
    const incomplete = effect.incomplete || unreadable
    return {
      ...plan,
      freesBytes: effect.freesBytes,
      keptBytes: effect.keptBytes,
      storage: {
        ...effect,
        incomplete,
        note: unreadable ? `${effect.note} Tags whose details could not be read are not counted.` : effect.note,
      },
    }
  } catch (error) {
    if (toErrorData(error).code === 'cancelled') throw error
    return { ...plan, freesBytes: null, keptBytes: null, storage: null }
  }
}

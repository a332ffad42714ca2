// Deleting one tag over the Distribution API without taking the other tags on its digest
// (docs/registry-notes.md "Deletion"): a DELETE by tag (OCI 1.1) where the registry supports it;
// otherwise the tag is pointed at a unique throw-away manifest which is then deleted by digest
// (regclient scheme/reg/tag.go), so nothing else can go with it. The policy around it (what the
// user confirmed, the moved-tag check, the audit entries) is the session's:
// electron/session/delete-safety.ts. No DELETE is ever retried here.
import { randomBytes } from 'node:crypto'
import { BerthError, toErrorData, type BerthErrorData } from '../../shared/errors'
import type { DeleteMethod } from '../../shared/types'
import { sha256Digest } from '../http/digest'
import { ociEmptyConfig, ociManifest } from '../http/media-types'
import type { RegistryClient } from '../http/client-types'
import type { ContentLoader } from './content-loader'

export type DeleteOutcome = { ok: true; method: DeleteMethod } | { ok: false; method: DeleteMethod; error: BerthErrorData }

/** OCI 1.1 empty descriptor content (image-spec manifest.md "Guidance for an Empty Descriptor"). */
const emptyJson = new TextEncoder().encode('{}')
export const throwawayArtifactType = 'application/vnd.berth.delete-placeholder.v1'

export interface TagDeleter {
  /** Removes `tag` (now at `digest`) and nothing else; `stillAt` re-checks the tag before it is moved. */
  deleteTag(repository: string, tag: string, digest: string, stillAt: () => Promise<void>): Promise<DeleteOutcome>
}

/** One per delete run: the empty blob the placeholders share is uploaded once per run. */
export function createTagDeleter(client: RegistryClient, loader: ContentLoader): TagDeleter {
  let emptyBlob: Promise<string> | null = null

  async function deleteViaThrowaway(repository: string, tag: string, digest: string, stillAt: () => Promise<void>): Promise<DeleteOutcome> {
    const method: DeleteMethod = 'throwaway-manifest'
    const fail = (error: unknown): DeleteOutcome => ({ ok: false, method, error: explainDeleteError(error, 'after-read') })

    // Probe before touching the tag: a DELETE of a digest that cannot exist answers 405 when
    // deletes are disabled (distribution checks that before looking anything up) and 401/403
    // when the credentials may not delete. Either way the tag is left exactly as it was.
    try {
      await client.deleteManifest(repository, sha256Digest(randomBytes(32)))
    } catch (error) {
      const code = error instanceof BerthError ? error.code : 'internal'
      if (code !== 'not_found') return fail(error)
    }

    // The original manifest, to put the tag back should the final DELETE fail.
    let original: { bytes: Uint8Array; mediaType: string }
    let placeholder: Uint8Array
    try {
      const manifest = await loader.manifest(repository, digest)
      original = { bytes: manifest.bytes, mediaType: manifest.parsed.mediaType }
      emptyBlob ??= client.uploadBlob(repository, emptyJson)
      placeholder = throwawayManifest(await emptyBlob)
      // Narrow the race with a concurrent push as far as the protocol allows.
      await stillAt()
    } catch (error) {
      emptyBlob = null
      return fail(error)
    }

    let placeholderDigest: string
    try {
      placeholderDigest = (await client.putManifest(repository, tag, placeholder, ociManifest)).digest
    } catch (error) {
      return fail(error)
    }
    try {
      await client.deleteManifest(repository, placeholderDigest)
    } catch (error) {
      const data = explainDeleteError(error, 'after-read')
      const restored = await client.putManifest(repository, tag, original.bytes, original.mediaType).then(
        () => true,
        () => false,
      )
      data.message += restored
        ? ` The tag was put back on ${digest}.`
        : ` The tag could not be put back: it now points at the placeholder ${placeholderDigest}; ` +
          `push ${repository}@${digest} to ${tag} again to restore it.`
      return { ok: false, method, error: data }
    }
    return { ok: true, method }
  }

  return {
    async deleteTag(repository, tag, digest, stillAt) {
      try {
        await client.deleteManifest(repository, tag)
        return { ok: true, method: 'tag-delete' }
      } catch (error) {
        // OCI 1.1: a registry without tag deletion answers 400 or 405; distribution 2.8 answers
        // 400 DIGEST_INVALID (it parses the tag as a digest), some answer 404. Anything else — auth,
        // 5xx, a dropped connection — is reported as is: the DELETE may even have happened.
        const status = error instanceof BerthError ? error.data.status : undefined
        if (status !== 400 && status !== 404 && status !== 405) {
          return { ok: false, method: 'tag-delete', error: explainDeleteError(error, 'after-read') }
        }
      }
      return deleteViaThrowaway(repository, tag, digest, stillAt)
    },
  }
}

/** A manifest no one else can have: the nonce and time make its digest unique to this deletion. */
function throwawayManifest(emptyDigest: string): Uint8Array {
  const empty = { mediaType: ociEmptyConfig, digest: emptyDigest, size: emptyJson.byteLength }
  const manifest = {
    schemaVersion: 2,
    mediaType: ociManifest,
    artifactType: throwawayArtifactType,
    config: empty,
    layers: [empty],
    annotations: {
      'org.opencontainers.image.created': new Date().toISOString(),
      'dev.berth.delete.nonce': randomBytes(16).toString('hex'),
      'org.opencontainers.image.description': 'Placeholder pushed by Berth to delete a single tag; deleted right after.',
    },
  }
  return new TextEncoder().encode(JSON.stringify(manifest))
}

/**
 * The user-facing error for a failed delete step; 403 on DELETE means "can read but not delete".
 * After the same credentials just read the tag, a 401 on a write is the token server granting less
 * than asked (it answers with the intersection, never an error: docs/registry-notes.md "Auth"), so
 * distribution answers 401 insufficient_scope where others answer 403: that too is "may not".
 */
export function explainDeleteError(error: unknown, stage: 'resolve' | 'after-read' = 'resolve'): BerthErrorData {
  const data = isErrorData(error) ? { ...error } : toErrorData(error)
  if (data.code === 'forbidden' || data.status === 403 || (stage === 'after-read' && data.code === 'unauthorized')) {
    const message = /can read but not delete/i.test(data.message)
      ? data.message
      : `Your credentials can read but not delete here. ${data.message}`
    return { ...data, code: 'forbidden', message }
  }
  if (data.status === 405 && data.code !== 'delete_disabled') return { ...data, code: 'delete_disabled' }
  return data
}

function isErrorData(value: unknown): value is BerthErrorData {
  if (value instanceof Error || typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<BerthErrorData>
  return typeof candidate.code === 'string' && typeof candidate.message === 'string'
}

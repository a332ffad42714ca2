// Signature verification as the doors ask for it: a full report for one reference (the details
// panel and `berth verify`: cosign's tag and the OCI 1.1 referrers), and the table's marks for the
// images whose cosign `.sig` tag is in the tag list already (nothing else is looked up for them).
// Keys come from the signature keys file for the registry and repository, unless the caller gives
// its own (`berth verify --key`). Results are kept per (subject digest, signature manifest digest,
// key fingerprints): all three name immutable content, so a result never goes stale.
import { BerthError } from '../../shared/errors'
import {
  imageSignatureStatus,
  summarizeSignatures,
  type SignatureCheck,
  type SignatureReport,
  type SignatureSummary,
} from '../../shared/signatures'
import { createBoundedPool } from '../http/bounded-pool'
import { isDigest } from '../http/digest'
import { createContentLoader } from '../operations/content-loader'
import { verifyImageSignatures, type SignatureCache, type VerificationKey } from '../operations/signature-verify'
import type { DigestCache } from '../stores/cache/digest-cache'
import type { SignatureKeysStore } from '../stores/signature-keys-store'
import { parsePublicKey } from '../trust/public-key'
import { providerOfSession, type RegistrySession } from './registry-session'

export interface VerifyOptions {
  /** Keys to use instead of the stored ones (`berth verify --key FILE`). */
  keys?: VerificationKey[]
  signal?: AbortSignal
}

export interface SignatureService {
  verify(session: RegistrySession, repository: string, reference: string, options?: VerifyOptions): Promise<SignatureReport>
  /** The table's marks: only cosign `.sig` tags are read (the caller listed them), one image at a time or two. */
  summaries(
    session: RegistrySession,
    repository: string,
    digests: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<SignatureSummary[]>
}

/** Enough for a few large repositories' worth of signatures; the oldest results go first. */
const maxCachedResults = 20_000

export function verificationKey(name: string, pem: string): VerificationKey {
  const parsed = parsePublicKey(pem)
  return { name, fingerprint: parsed.fingerprint, algorithm: parsed.algorithm, key: parsed.key }
}

export function createSignatureService(deps: { keys: SignatureKeysStore; cache: DigestCache }): SignatureService {
  const results = new Map<string, SignatureCheck[]>()
  const cache: SignatureCache = {
    get: (key) => results.get(key),
    set(key, value) {
      const oldest = results.keys().next()
      if (results.size >= maxCachedResults && oldest.done !== true) results.delete(oldest.value)
      results.set(key, value)
    },
  }

  async function storedKeys(session: RegistrySession, repository: string): Promise<VerificationKey[]> {
    const keys = await deps.keys.forRepository(session.registry, repository)
    return keys.map((key) => verificationKey(key.name, key.pem))
  }

  async function report(
    session: RegistrySession,
    repository: string,
    reference: string,
    digest: string,
    keys: VerificationKey[],
    referrers: boolean,
    signal: AbortSignal | undefined,
  ): Promise<SignatureReport> {
    const loader = createContentLoader(providerOfSession(session).client, deps.cache, signal)
    const signatures = await verifyImageSignatures(loader, repository, digest, { keys, referrers, cache, ...(signal ? { signal } : {}) })
    return {
      repository,
      reference,
      digest,
      status: imageSignatureStatus(signatures),
      signatures,
      keys: keys.map((key) => ({ name: key.name, fingerprint: key.fingerprint })),
    }
  }

  return {
    async verify(session, repository, reference, options = {}) {
      const keys = options.keys ?? (await storedKeys(session, repository))
      let digest = reference
      if (!isDigest(reference)) {
        const loader = createContentLoader(providerOfSession(session).client, deps.cache, options.signal)
        digest = (await loader.resolve(repository, reference)).digest
      }
      return report(session, repository, reference, digest, keys, true, options.signal)
    },
    async summaries(session, repository, digests, options = {}) {
      for (const digest of digests) {
        if (!isDigest(digest)) throw new BerthError({ code: 'invalid_input', message: `"${digest.slice(0, 80)}" is not a digest.` })
      }
      const keys = await storedKeys(session, repository)
      // Two at a time: the marks come after the rows and must not crowd the registry while the user browses.
      const pool = createBoundedPool(2, options.signal)
      const summaries = await Promise.all(
        digests.map((digest) =>
          pool.run(async (): Promise<SignatureSummary | null> => {
            try {
              return summarizeSignatures(await report(session, repository, digest, digest, keys, false, options.signal))
            } catch (error) {
              if (error instanceof BerthError && error.code === 'cancelled') throw error
              // One image's mark that could not be worked out stays blank; the details panel says why.
              return null
            }
          }),
        ),
      )
      return summaries.filter((summary): summary is SignatureSummary => summary !== null)
    },
  }
}

// Public keys for signature verification, per registry or repository prefix, in
// `signature-keys.json` of the data directory. Public keys are not secrets, so a file is the right
// place (the keychain is for secrets only). Validated on read (a hand-edited file is reported, never
// half-used) and replaced atomically on write, like the cleanup rules beside it.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import { keyScopeCovers, signatureKeyAlgorithms, type SignatureKey } from '../../shared/signatures'
import { parsePublicKey } from '../trust/public-key'
import { jsonFile } from './json-file'

const keySchema = z.object({
  id: z.string().regex(/^key-[0-9a-f]{16}$/),
  name: z.string().min(1).max(100),
  registry: z.string().min(1).max(300),
  repository: z.string().min(1).max(255).nullable(),
  algorithm: z.enum(signatureKeyAlgorithms),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  pem: z.string().max(64 * 1024),
  addedAt: z.string(),
})
const fileSchema = z.object({ version: z.literal(1), keys: z.array(keySchema).max(10_000) })

export interface AddSignatureKey {
  registry: string
  repository: string | null
  name: string
  pem: string
}

export interface SignatureKeysStore {
  readonly file: string
  /** Every key of a registry (any scope), or of every registry. */
  list(registry?: string): Promise<SignatureKey[]>
  /** The keys that apply to a repository: the registry's own, and those whose scope covers it. */
  forRepository(registry: string, repository: string): Promise<SignatureKey[]>
  /** Adds a key (validated: a PEM public key cosign could have signed with). The same key twice in one scope is refused. */
  add(input: AddSignatureKey): Promise<SignatureKey>
  /** Removes by id, fingerprint (a unique prefix of at least 8 hex digits) or name, within a registry. */
  remove(registry: string, which: string): Promise<SignatureKey>
}

export function createSignatureKeysStore(file: string): SignatureKeysStore {
  // Public keys, so readable by others (0o644); adds and removes are chained.
  const { read, write, serial } = jsonFile(file, {
    schema: fileSchema,
    empty: () => ({ version: 1 as const, keys: [] }),
    holds: 'signature keys',
    mode: 0o644,
  })

  return {
    file,
    async list(registry) {
      const { keys } = await read()
      return registry === undefined ? keys : keys.filter((key) => key.registry === registry)
    },
    async forRepository(registry, repository) {
      const { keys } = await read()
      return keys.filter((key) => key.registry === registry && keyScopeCovers(key.repository, repository))
    },
    add(input) {
      return serial(async () => {
        const parsed = parsePublicKey(input.pem)
        const content = await read()
        const name = input.name.trim()
        if (name === '' || name.length > 100) throw new BerthError({ code: 'invalid_input', message: 'A key name is 1 to 100 characters.' })
        const scope = input.repository === null ? 'the whole registry' : input.repository
        const same = content.keys.find(
          (key) => key.registry === input.registry && key.repository === input.repository && key.fingerprint === parsed.fingerprint,
        )
        if (same) {
          throw new BerthError({
            code: 'conflict',
            message: `This key is already there for ${scope}, as "${same.name}".`,
            fix: 'Remove it first to add it under another name.',
          })
        }
        const key: SignatureKey = {
          id: `key-${randomBytes(8).toString('hex')}`,
          name,
          registry: input.registry,
          repository: input.repository,
          algorithm: parsed.algorithm,
          fingerprint: parsed.fingerprint,
          pem: parsed.pem,
          addedAt: new Date().toISOString(),
        }
        content.keys.push(key)
        await write(content)
        return key
      })
    },
    remove(registry, which) {
      return serial(async () => {
        const content = await read()
        const inRegistry = content.keys.filter((key) => key.registry === registry)
        const needle = which.trim()
        const hex = needle.toLowerCase().replace(/^sha256:/, '')
        const matches = inRegistry.filter(
          (key) => key.id === needle || key.name === needle || (/^[0-9a-f]{8,64}$/.test(hex) && key.fingerprint.startsWith(hex)),
        )
        if (matches.length === 0) {
          throw new BerthError({
            code: 'not_found',
            message: `No signature key "${needle}" for ${registry}.`,
            fix: '`berth keys list REGISTRY` shows the keys, their names and fingerprints.',
          })
        }
        if (matches.length > 1) {
          throw new BerthError({
            code: 'invalid_input',
            message: `"${needle}" matches ${matches.length} keys of ${registry}.`,
            fix: 'Name the key by its id or a longer fingerprint prefix.',
          })
        }
        const [removed] = matches as [SignatureKey]
        content.keys = content.keys.filter((key) => key !== removed)
        await write(content)
        return removed
      })
    },
  }
}

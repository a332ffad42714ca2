// Registry profiles in `profiles.json`: what to connect to and how, never a secret (those live in
// the OS keychain, keyed by profile id). Read fresh on every call, because the CLI and the app may
// both be running; written atomically so a crash never leaves half a file.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'
import { profileInputSchema, type ProfileInput } from '../../../shared/ipc'
import { authModes, registryKinds, type RegistryProfile } from '../../../shared/types'
import { normalizeRegistryHost } from './registry-host'

export { defaultDataDirectory } from './data-directory'
export { detectRegistryKind, type PingSignals } from './registry-kind'

const fingerprintPattern = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/

export const registryProfileSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(100),
  url: z.string().url(),
  kind: z.enum(registryKinds),
  username: z.string().max(300).optional(),
  authMode: z.enum(authModes),
  caPem: z.string().max(1_000_000).optional(),
  pinnedFingerprint: z.string().regex(fingerprintPattern).optional(),
  insecure: z.boolean(),
  favorites: z.array(z.string()),
  gitlabUrl: z.string().url().optional(),
  hostPins: z
    .array(z.object({ host: z.string().min(1).max(300), fingerprint: z.string().regex(fingerprintPattern) }))
    .max(16)
    .optional(),
})

const profilesFileSchema = z.object({ version: z.literal(1), profiles: z.array(registryProfileSchema) })

/** Fields to change; `null` clears an optional field (e.g. forget a pinned fingerprint). */
export type ProfilePatch = {
  [K in Exclude<keyof RegistryProfile, 'id'>]?: RegistryProfile[K] | (undefined extends RegistryProfile[K] ? null : never)
} & { id?: string }

export interface ProfileStore {
  readonly file: string
  list(): RegistryProfile[]
  get(id: string): RegistryProfile | undefined
  /** The first profile for host[:port] (any notation normalizeRegistryHost accepts). */
  findByHost(host: string): RegistryProfile | undefined
  /** Creates a profile; the id is a slug of the host, made unique. */
  save(input: ProfileInput): RegistryProfile
  update(id: string, patch: ProfilePatch): RegistryProfile
  remove(id: string): boolean
  /** Problems met while loading (a corrupt file moved aside): shown to the user, never dropped. */
  readonly warnings: readonly string[]
}

/** `https://Registry.Example.com:5050/x` → `https://registry.example.com:5050`. */
function originOf(url: string): string {
  const parsed = new URL(url)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new BerthError({ code: 'invalid_input', message: `Registry URL "${url}" must start with https:// or http://.` })
  }
  return parsed.origin
}

export function slugForHost(host: string): string {
  const slug = host
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug.length > 0 ? slug.slice(0, 180) : 'registry'
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${base}-${suffix}`
    if (!taken.has(candidate)) return candidate
  }
}

function notFound(id: string): BerthError {
  return new BerthError({
    code: 'not_found',
    message: `No registry with id "${id}" is configured.`,
    fix: 'Add the registry first, or pick it from the list.',
  })
}

function invalidProfile(error: z.ZodError): BerthError {
  const issue = error.issues[0]
  const where = issue ? issue.path.join('.') : 'profile'
  return new BerthError({ code: 'invalid_input', message: `Invalid registry profile: ${where}: ${issue?.message ?? 'invalid'}` })
}

export function createProfileStore(file: string): ProfileStore {
  const warnings: string[] = []

  function moveAside(reason: string): void {
    const aside = `${file}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`
    renameSync(file, aside)
    warnings.push(
      `${basename(file)} could not be read (${reason}); it was moved to ${aside} ` +
        'and Berth started with no registries. Nothing was deleted.',
    )
  }

  function load(): RegistryProfile[] {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new BerthError({ code: 'internal', message: `Could not read ${file}: ${(error as Error).message}` }, { cause: error })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      moveAside(`not JSON: ${(error as Error).message}`)
      return []
    }
    const version = (json as { version?: unknown } | null)?.version
    if (typeof version === 'number' && version > 1) {
      // A newer Berth wrote it: moving it aside would lose that version's data on downgrade.
      throw new BerthError({
        code: 'conflict',
        message: `${file} was written by a newer version of Berth (format ${version}).`,
        fix: 'Update Berth, or point BERTH_DATA_DIR at another directory.',
      })
    }
    const parsed = profilesFileSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      moveAside(`unexpected content at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`)
      return []
    }
    return parsed.data.profiles
  }

  function write(profiles: RegistryProfile[]): void {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`)
    const body = `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`
    try {
      const fd = openSync(temp, 'wx', 0o600)
      try {
        writeSync(fd, body)
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      // rename within one directory is atomic on POSIX and replaces the target on Windows too.
      renameSync(temp, file)
    } catch (error) {
      rmSync(temp, { force: true })
      throw new BerthError({ code: 'internal', message: `Could not write ${file}: ${(error as Error).message}` }, { cause: error })
    }
  }

  function hostOf(profile: RegistryProfile): string | null {
    return normalizeRegistryHost(profile.url)
  }

  return {
    file,
    get warnings() {
      return warnings
    },
    list: () => load(),
    get: (id) => load().find((profile) => profile.id === id),
    findByHost(host) {
      const wanted = normalizeRegistryHost(host)
      if (wanted === null) return undefined
      return load().find((profile) => hostOf(profile) === wanted)
    },
    save(input) {
      const parsed = profileInputSchema.safeParse(input)
      if (!parsed.success) throw invalidProfile(parsed.error)
      const profiles = load()
      const taken = new Set(profiles.map((p) => p.id))
      const url = originOf(parsed.data.url)
      if (parsed.data.id !== undefined && taken.has(parsed.data.id)) {
        throw new BerthError({ code: 'conflict', message: `A registry with id "${parsed.data.id}" already exists.` })
      }
      const { id: requestedId, kind, ...rest } = parsed.data
      const candidate: RegistryProfile = {
        ...rest,
        id: requestedId ?? uniqueId(slugForHost(new URL(url).host), taken),
        url,
        kind: kind ?? 'generic',
      }
      const profile = registryProfileSchema.safeParse(candidate)
      if (!profile.success) throw invalidProfile(profile.error)
      write([...profiles, profile.data])
      return profile.data
    },
    update(id, patch) {
      const profiles = load()
      const index = profiles.findIndex((profile) => profile.id === id)
      const current = profiles[index]
      if (current === undefined) throw notFound(id)
      const next: Record<string, unknown> = { ...current }
      for (const [key, value] of Object.entries(patch)) {
        // undefined = leave as is (callers spread partial inputs); null = clear; id never changes.
        if (key === 'id' || value === undefined) continue
        if (value === null) delete next[key]
        else next[key] = value
      }
      if (typeof next.url === 'string') next.url = originOf(next.url)
      const profile = registryProfileSchema.safeParse(next)
      if (!profile.success) throw invalidProfile(profile.error)
      profiles[index] = profile.data
      write(profiles)
      return profile.data
    },
    remove(id) {
      const profiles = load()
      const remaining = profiles.filter((profile) => profile.id !== id)
      if (remaining.length === profiles.length) return false
      write(remaining)
      return true
    },
  }
}

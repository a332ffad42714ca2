// Where each unfinished upload of a copy stands, so the next run resumes it instead of sending the
// blob again (docs/registry-notes.md "Copying"). After every chunk the registry acknowledged, the
// upload's Location (its session URL, on the registry's own origin) and the bytes it holds are
// written here; a completed or abandoned upload is removed. The next run asks the registry what the
// upload holds (GET of the Location) and sends only the rest.
//
// The file holds no credential: a Location is usable only with the destination's own credentials,
// and one that points at another origin (presigned storage URLs can act as capabilities) is never
// recorded. Entries are dropped after a week: registries purge abandoned uploads sooner.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'

export interface JournalEntry {
  location: string
  /** Bytes the registry acknowledged. */
  offset: number
  /** The blob's size, so an entry is never applied to another blob under the same key. */
  size: number
  updated: string
}

export interface UploadJournal {
  get(key: string): Promise<JournalEntry | null>
  put(key: string, entry: Omit<JournalEntry, 'updated'>): Promise<void>
  delete(key: string): Promise<void>
}

/** One key per destination blob: `host[:port]/repository@digest`. */
export function journalKey(registry: string, repository: string, digest: string): string {
  return `${registry}/${repository}@${digest}`
}

const maxAgeMs = 7 * 86_400_000
const maxEntries = 2_000

const entrySchema = z.object({
  location: z.string().url().max(4_096),
  offset: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  updated: z.string().max(40),
})
const fileSchema = z.object({ version: z.literal(1), uploads: z.record(z.string().max(600), entrySchema) })

export function createMemoryUploadJournal(): UploadJournal {
  const entries = new Map<string, JournalEntry>()
  return {
    get: (key) => Promise.resolve(entries.get(key) ?? null),
    put(key, entry) {
      entries.set(key, { ...entry, updated: new Date().toISOString() })
      return Promise.resolve()
    },
    delete(key) {
      entries.delete(key)
      return Promise.resolve()
    },
  }
}

/** The journal in a JSON file (mode 0600), written atomically and one write at a time. */
export function createFileUploadJournal(file: string, now: () => number = Date.now): UploadJournal {
  let loaded: Promise<Map<string, JournalEntry>> | null = null
  let queue: Promise<void> = Promise.resolve()

  async function load(): Promise<Map<string, JournalEntry>> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return new Map()
    }
    let parsed: z.infer<typeof fileSchema>
    try {
      parsed = fileSchema.parse(JSON.parse(text))
    } catch {
      // A damaged journal only costs a resume: the copy starts those uploads again.
      return new Map()
    }
    const fresh = Object.entries(parsed.uploads).filter(([, entry]) => now() - Date.parse(entry.updated) < maxAgeMs)
    return new Map(fresh)
  }

  const entries = (): Promise<Map<string, JournalEntry>> => (loaded ??= load())

  function save(map: Map<string, JournalEntry>): Promise<void> {
    const run = async (): Promise<void> => {
      const newest = [...map].sort(([, a], [, b]) => b.updated.localeCompare(a.updated)).slice(0, maxEntries)
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      const temporary = `${file}.${process.pid}.tmp`
      await writeFile(temporary, JSON.stringify({ version: 1, uploads: Object.fromEntries(newest) }), { mode: 0o600 })
      await rename(temporary, file)
    }
    const next = queue.then(run)
    queue = next.catch(() => undefined)
    return next
  }

  return {
    async get(key) {
      return (await entries()).get(key) ?? null
    },
    async put(key, entry) {
      const map = await entries()
      map.set(key, { ...entry, updated: new Date(now()).toISOString() })
      await save(map)
    },
    async delete(key) {
      const map = await entries()
      if (map.delete(key)) await save(map)
    },
  }
}

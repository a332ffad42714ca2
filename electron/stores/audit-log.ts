// Every delete attempt, every write of a copy and every cleanup handed to the registry (GitLab's bulk
// delete), kept in an append-only JSON Lines file so "who deleted what, when, how" survives crashes
// and can be shown in the UI (the app's activity view, `berth audit`). Entries carry references and
// outcomes, never credentials: error text is scrubbed before it is written.
import { mkdir, open, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import type { AuditEntry } from '../../shared/types'
import { sanitizeForMessage } from '../http/sanitize'

export interface AuditLog {
  readonly file: string
  append(entry: AuditEntry): Promise<void>
  /** The last `limit` entries that pass `filter`, oldest first (newest last). */
  read(limit: number, filter?: AuditFilter): Promise<AuditEntry[]>
}

/** Which entries to read: exact registry (host[:port]) and repository, when given. */
export interface AuditFilter {
  registry?: string
  repository?: string
}

export interface AuditLogOptions {
  /** The local account running Berth, stamped on entries that do not name one ("by whom"). */
  user?: string
}

const auditEntrySchema = z.object({
  time: z.string(),
  registry: z.string(),
  repository: z.string(),
  tag: z.string().nullable(),
  digest: z.string(),
  method: z.enum(['tag-delete', 'throwaway-manifest', 'digest-delete', 'gitlab-api', 'tag-write', 'copy', 'gitlab-bulk-delete']),
  result: z.enum(['ok', 'error']),
  error: z.string().optional(),
  user: z.string().optional(),
  account: z.string().optional(),
  detail: z.string().optional(),
  source: z.string().optional(),
  sourceDigest: z.string().optional(),
  previousDigest: z.string().nullable().optional(),
})

export function createAuditLog(file: string, options: AuditLogOptions = {}): AuditLog {
  // Appends are chained so two concurrent deletes never interleave partial lines.
  let queue: Promise<void> = Promise.resolve()

  const write = async (line: string): Promise<void> => {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    const handle = await open(file, 'a+', 0o600)
    try {
      // After a crash mid-write the file ends inside a line: start on a fresh one, so only the
      // broken fragment is lost, not this entry too.
      const { size } = await handle.stat()
      let prefix = ''
      if (size > 0) {
        const last = Buffer.alloc(1)
        await handle.read(last, 0, 1, size - 1)
        if (last[0] !== 0x0a) prefix = '\n'
      }
      await handle.write(prefix + line)
      // The record of a destructive action should outlive a crash right after it.
      await handle.datasync()
    } finally {
      await handle.close()
    }
  }

  return {
    file,
    append(entry: AuditEntry): Promise<void> {
      const clean: AuditEntry = auditEntrySchema.parse({
        time: entry.time,
        registry: entry.registry,
        repository: entry.repository,
        tag: entry.tag,
        digest: entry.digest,
        method: entry.method,
        result: entry.result,
        ...(entry.error !== undefined ? { error: sanitizeForMessage(entry.error, 500) } : {}),
        ...(entry.source !== undefined ? { source: entry.source } : {}),
        ...(entry.sourceDigest !== undefined ? { sourceDigest: entry.sourceDigest } : {}),
        ...(entry.previousDigest !== undefined ? { previousDigest: entry.previousDigest } : {}),
        ...who(entry.user ?? options.user, entry.account),
        ...(entry.detail !== undefined ? { detail: sanitizeForMessage(entry.detail, 500) } : {}),
      })
      const line = `${JSON.stringify(clean)}\n`
      const next = queue.then(() => write(line))
      queue = next.catch(() => undefined)
      return next
    },
    async read(limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const entries: AuditEntry[] = []
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue
        const parsed = parseLine(line)
        // A crash mid-write leaves a truncated last line; a hand-edited file may hold junk: skip both.
        if (parsed && matches(parsed, filter)) entries.push(parsed)
      }
      const count = Math.max(0, Math.floor(limit))
      return count === 0 ? [] : entries.slice(-count)
    },
  }
}

function parseLine(line: string): AuditEntry | null {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return null
  }
  const result = auditEntrySchema.safeParse(json)
  return result.success ? result.data : null
}

function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  return (
    (filter.registry === undefined || entry.registry.toLowerCase() === filter.registry.toLowerCase()) &&
    (filter.repository === undefined || entry.repository === filter.repository)
  )
}

/** Names are short and never secret, but they come from profiles and flags: keep them one bounded line. */
function who(user: string | undefined, account: string | undefined): { user?: string; account?: string } {
  const clean = (name: string | undefined) => (name === undefined || name === '' ? undefined : sanitizeForMessage(name, 200))
  const u = clean(user)
  const a = clean(account)
  return { ...(u !== undefined ? { user: u } : {}), ...(a !== undefined ? { account: a } : {}) }
}

/** The same log, with the registry account a session acts as stamped on every entry that names none. */
export function auditAs(log: AuditLog, account: string | null | undefined): AuditLog {
  if (account === null || account === undefined || account === '') return log
  return {
    file: log.file,
    append: (entry) => log.append(entry.account === undefined ? { ...entry, account } : entry),
    read: (limit, filter) => log.read(limit, filter),
  }
}

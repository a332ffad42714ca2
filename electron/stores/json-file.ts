// One JSON file of the data directory that a store reads and rewrites whole (cleanup rules,
// signature keys). Validated on read, so a hand-edited or truncated file is reported, never
// half-used; replaced atomically on write (temp file + rename in the same directory), so a crash
// leaves the old file or the new one; and read-modify-writes are chained, so two never race.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { z } from 'zod'
import { BerthError } from '../../shared/errors'

export interface JsonFile<T> {
  /** The content, or `empty()` when there is no file yet. */
  read: () => Promise<T>
  write: (content: T) => Promise<void>
  /** Runs `work` after every earlier one has ended: a read-modify-write never interleaves with another. */
  serial: <R>(work: () => Promise<R>) => Promise<R>
}

export function jsonFile<T>(
  file: string,
  options: {
    schema: z.ZodType<T>
    empty: () => NoInfer<T>
    /** What the file holds, for the fix of an unreadable file: "… live there". */
    holds: string
    /** The file's permissions: 0o600 unless what it holds is public. */
    mode: number
  },
): JsonFile<T> {
  let queue: Promise<unknown> = Promise.resolve()

  return {
    async read() {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return options.empty()
        throw new BerthError({ code: 'internal', message: `Could not read ${file}: ${(error as Error).message}` })
      }
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new BerthError({
          code: 'invalid_input',
          message: `${file} is not valid JSON.`,
          fix: `Fix or delete the file; ${options.holds} live there.`,
        })
      }
      const parsed = options.schema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new BerthError({
          code: 'invalid_input',
          message: `${file}: ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}.`,
          fix: 'Fix or delete the file.',
        })
      }
      return parsed.data
    },

    async write(content) {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`)
      try {
        const handle = await open(temp, 'wx', options.mode)
        try {
          await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`)
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temp, file)
      } catch (error) {
        await rm(temp, { force: true })
        throw new BerthError({ code: 'internal', message: `Could not write ${file}: ${(error as Error).message}` })
      }
    },

    serial(work) {
      const run = queue.then(work)
      queue = run.catch(() => undefined)
      return run
    },
  }
}

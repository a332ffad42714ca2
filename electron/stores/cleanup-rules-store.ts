// Saved cleanup rules, one set per registry + repository, in `cleanup-rules.json` of the profile
// data directory. The file is schema-validated on read (a hand-edited or truncated file is reported,
// never half-applied) and replaced atomically on write (temp file + rename in the same directory).
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { BerthError } from '../../shared/errors'
import { cleanupRulesSchema, type CleanupRulesInput } from '../../shared/cleanup-rules'
import type { SavedCleanupRules } from '../../shared/ipc'

const fileSchema = z.object({
  version: z.literal(1),
  /** `<registry key>/<repository>` → rules. */
  rules: z.record(z.string(), cleanupRulesSchema.extend({ savedAt: z.string() })),
})
type RulesFile = z.output<typeof fileSchema>

export interface CleanupRulesStore {
  readonly file: string
  load(registryKey: string, repository: string): Promise<SavedCleanupRules | null>
  save(registryKey: string, repository: string, rules: CleanupRulesInput): Promise<SavedCleanupRules>
}

export function createCleanupRulesStore(file: string): CleanupRulesStore {
  // Writes are chained so two saves never race on the read-modify-write.
  let queue: Promise<unknown> = Promise.resolve()

  async function read(): Promise<RulesFile> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, rules: {} }
      throw new BerthError({ code: 'internal', message: `Could not read ${file}: ${(error as Error).message}` })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new BerthError({
        code: 'invalid_input',
        message: `${file} is not valid JSON.`,
        fix: 'Fix or delete the file; saved cleanup rules live there.',
      })
    }
    const parsed = fileSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new BerthError({
        code: 'invalid_input',
        message: `${file}: ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}.`,
        fix: 'Fix or delete the file.',
      })
    }
    return parsed.data
  }

  async function write(content: RulesFile): Promise<void> {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 })
    const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`)
    try {
      const handle = await open(temp, 'wx', 0o600)
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
  }

  const keyOf = (registryKey: string, repository: string): string => `${registryKey}/${repository}`

  return {
    file,
    async load(registryKey, repository) {
      const entry = (await read()).rules[keyOf(registryKey, repository)]
      if (!entry) return null
      const { savedAt, ...rules } = entry
      return { rules, savedAt }
    },
    save(registryKey, repository, input) {
      const run = queue.then(async () => {
        const rules = cleanupRulesSchema.parse(input)
        const content = await read()
        const savedAt = new Date().toISOString()
        content.rules[keyOf(registryKey, repository)] = { ...rules, savedAt }
        await write(content)
        return { rules, savedAt }
      })
      queue = run.catch(() => undefined)
      return run
    },
  }
}

// Saved cleanup rules, one set per registry + repository, in `cleanup-rules.json` of the profile
// data directory. The file is schema-validated on read (a hand-edited or truncated file is reported,
// never half-applied) and replaced atomically on write (temp file + rename in the same directory).
import { z } from 'zod'
import { cleanupRulesSchema, type CleanupRulesInput } from '../../shared/cleanup-rules'
import type { SavedCleanupRules } from '../../shared/ipc'
import { jsonFile } from './json-file'

const fileSchema = z.object({
  version: z.literal(1),
  /** `<registry key>/<repository>` → rules. */
  rules: z.record(z.string(), cleanupRulesSchema.extend({ savedAt: z.string() })),
})

export interface CleanupRulesStore {
  readonly file: string
  load(registryKey: string, repository: string): Promise<SavedCleanupRules | null>
  save(registryKey: string, repository: string, rules: CleanupRulesInput): Promise<SavedCleanupRules>
}

export function createCleanupRulesStore(file: string): CleanupRulesStore {
  // Saves are chained so two never race on the read-modify-write.
  const { read, write, serial } = jsonFile(file, {
    schema: fileSchema,
    empty: () => ({ version: 1 as const, rules: {} }),
    holds: 'saved cleanup rules',
    mode: 0o600,
  })

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
      return serial(async () => {
        const rules = cleanupRulesSchema.parse(input)
        const content = await read()
        const savedAt = new Date().toISOString()
        content.rules[keyOf(registryKey, repository)] = { ...rules, savedAt }
        await write(content)
        return { rules, savedAt }
      })
    },
  }
}

// `npm run fuzz`: every fuzz-*.test.ts property with 100k runs each, cut at a per-property time
// budget so the whole run stays under ten minutes unattended. Exit code = vitest's.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, sep } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
// The fuzz files live beside the unit tests of what they fuzz (test/unit/http/, …/operations/, …).
const files = readdirSync(join(root, 'test', 'unit'), { recursive: true, encoding: 'utf8' })
  .map((file) => file.split(sep).join('/'))
  .filter((file) => /(^|\/)fuzz-[^/]*\.test\.ts$/.test(file))
const runs = process.env.BERTH_FUZZ_RUNS ?? '100000'
const budgetMs = process.env.BERTH_FUZZ_BUDGET_MS ?? '15000'
console.log(`fuzz: ${files.length} files, ${runs} runs per property, at most ${budgetMs} ms each`)
const result = spawnSync('npx', ['vitest', 'run', '--project', 'unit', ...files.map((f) => `test/unit/${f}`)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BERTH_FUZZ_RUNS: runs, BERTH_FUZZ_BUDGET_MS: budgetMs },
})
process.exit(result.status ?? 1)

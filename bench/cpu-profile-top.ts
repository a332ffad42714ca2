// Summarises V8 .cpuprofile files (node --cpu-prof): the top functions by self time, and the same
// grouped by file, so "where does the time go" has an answer with numbers. Usage:
//   npx tsx bench/cpu-profile-top.ts <file.cpuprofile | directory> [top=25]
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { z } from 'zod'

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
})

export interface SelfTimeRow {
  name: string
  selfMs: number
  share: number
}

export interface ProfileSummary {
  totalMs: number
  functions: SelfTimeRow[]
  files: SelfTimeRow[]
}

function shortUrl(url: string): string {
  if (url === '') return '(native)'
  const path = url.replace(/^file:\/\//, '')
  const modules = path.lastIndexOf('node_modules/')
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length)
  return path.startsWith('/') ? relative(process.cwd(), path) : path
}

/** Self time per function and per file of one parsed profile (microseconds → milliseconds). */
export function summarizeProfile(input: unknown, top = 25): ProfileSummary {
  const profile = profileSchema.parse(input)
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]))
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    const node = nodeById.get(id)
    if (node === undefined) return
    total += delta
    const file = shortUrl(node.callFrame.url)
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${file}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta)
    byFile.set(file, (byFile.get(file) ?? 0) + delta)
  })
  const rows = (map: Map<string, number>): SelfTimeRow[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: total === 0 ? 0 : Math.round((us / total) * 1000) / 10 }))
  return { totalMs: Math.round(total / 100) / 10, functions: rows(byFunction), files: rows(byFile) }
}

async function profileFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path]
  return (await readdir(path)).filter((name) => name.endsWith('.cpuprofile')).map((name) => join(path, name))
}

async function main(): Promise<void> {
  const [path, topArg] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: tsx bench/cpu-profile-top.ts <file.cpuprofile | directory> [top]')
  for (const file of await profileFiles(path)) {
    const summary = summarizeProfile(JSON.parse(await readFile(file, 'utf8')), Number(topArg ?? '25'))
    console.log(`\n${file}: ${summary.totalMs} ms sampled`)
    console.log('  self time by function:')
    for (const row of summary.functions)
      console.log(`    ${String(row.selfMs).padStart(9)} ms ${String(row.share).padStart(5)}%  ${row.name}`)
    console.log('  self time by file:')
    for (const row of summary.files) console.log(`    ${String(row.selfMs).padStart(9)} ms ${String(row.share).padStart(5)}%  ${row.name}`)
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) await main()

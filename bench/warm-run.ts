// Scenario 2 from the parent's side: spawns bench/warm-child.ts in a fresh process (npx tsx, as
// the brief asks) against a cache directory a cold run filled, and validates what it prints.
import { z } from 'zod'
import { runChild } from './child-processes'
import type { CoreTarget } from './core-scenarios'

export const warmChildResultSchema = z.object({
  listMs: z.number(),
  detailsMs: z.number(),
  totalMs: z.number(),
  cachedMs: z.number(),
  cachedRows: z.number(),
  cachedConfirmed: z.number(),
  tags: z.number(),
  ok: z.number(),
  failed: z.number(),
  complete: z.number(),
  firstError: z.string().optional(),
  /** Process start → first line of the child module (Node + tsx start-up). */
  startupMs: z.number(),
  requests: z.object({
    byKind: z.record(z.string(), z.number()),
    unauthorized: z.number(),
    connections: z.number(),
    total: z.number(),
  }),
})

export type WarmChildResult = z.infer<typeof warmChildResultSchema>

/** `caPath`: the lab CA as a PEM file (the child reads it, as Berth reads a trusted CA). */
export async function runWarmChild(
  target: CoreTarget,
  caPath: string,
  cacheDirectory: string,
  concurrency: number,
): Promise<WarmChildResult> {
  const args = [
    'tsx',
    'bench/warm-child.ts',
    '--url',
    target.url,
    '--ca',
    caPath,
    '--user',
    target.username,
    '--repository',
    target.repository,
    '--cache',
    cacheDirectory,
    '--concurrency',
    String(concurrency),
  ]
  const result = await runChild('npx', args, { env: { ...process.env, BERTH_BENCH_PASSWORD: target.password }, timeoutMs: 120_000 })
  if (result.code !== 0) throw new Error(`warm child failed (${result.signal ?? result.code}): ${result.stderr.trim().slice(-500)}`)
  const line = result.stdout.trim().split('\n').pop() ?? ''
  return warmChildResultSchema.parse(JSON.parse(line))
}

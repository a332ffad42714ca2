// Scenario 3, the peer: what a user's script does today, one `skopeo inspect` per tag, in sequence
// (each run pings, gets a token, GETs the manifest and the config: the same data Berth shows), and
// `skopeo list-tags` once. skopeo's --cert-dir takes *.crt files as extra CAs (containers/image
// docker/docker_client.go), the convention of /etc/containers/certs.d.
import { runChild } from './child-processes'
import { elapsedMs } from './stats'

export interface SkopeoTarget {
  /** 127.0.0.1:<port> */
  host: string
  repository: string
  /** Directory holding the registry CA as ca.crt. */
  certDir: string
  username: string
  password: string
}

export interface SkopeoTiming {
  /** Wall time of each inspect, in sample order. */
  inspectMs: number[]
  listTagsMs: number
  listedTags: number
}

/** `count` tags spread evenly over `tags` (first and last included), so no range is favoured. */
export function evenSample<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items]
  if (count <= 0) return []
  if (count === 1) return items.slice(0, 1)
  const step = (items.length - 1) / (count - 1)
  return Array.from({ length: count }, (_, i) => items[Math.round(i * step)] as T)
}

function common(target: SkopeoTarget): string[] {
  return ['--cert-dir', target.certDir, '--creds', `${target.username}:${target.password}`, '--retry-times', '0']
}

async function skopeo(args: string[]): Promise<string> {
  const result = await runChild('skopeo', args, { timeoutMs: 60_000 })
  if (result.code !== 0)
    throw new Error(`skopeo ${args[0] ?? ''} failed (${result.signal ?? result.code}): ${result.stderr.trim().slice(-400)}`)
  return result.stdout
}

export async function timeSkopeoListTags(target: SkopeoTarget): Promise<{ ms: number; tags: number }> {
  const start = performance.now()
  const out = await skopeo(['list-tags', ...common(target), `docker://${target.host}/${target.repository}`])
  const ms = elapsedMs(start)
  const parsed: unknown = JSON.parse(out)
  const tags = typeof parsed === 'object' && parsed !== null && 'Tags' in parsed && Array.isArray(parsed.Tags) ? parsed.Tags.length : 0
  return { ms, tags }
}

/** Sequential `skopeo inspect` of each tag; returns each run's wall time. */
export async function timeSkopeoInspect(target: SkopeoTarget, tags: readonly string[]): Promise<number[]> {
  const times: number[] = []
  for (const tag of tags) {
    const start = performance.now()
    const out = await skopeo(['inspect', ...common(target), `docker://${target.host}/${target.repository}:${tag}`])
    times.push(elapsedMs(start))
    // A run that printed no digest did not do the work we are comparing against.
    if (!out.includes('"Digest"')) throw new Error(`skopeo inspect of ${tag} printed no digest`)
  }
  return times
}

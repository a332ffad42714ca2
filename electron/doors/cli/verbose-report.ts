// `--verbose`: after a command, what the registries said about this run that is not its answer —
// today Docker Hub's pull quota from its `ratelimit-*` headers. On stderr, so pipes get only the answer.
import { describePullQuota } from '../../../shared/rate-limit'
import type { RegistrySession } from '../../session/registry-session'
import { terminalSafe, type CliIo } from './cli-output'

export function reportVerbose(io: CliIo, sessions: readonly RegistrySession[]): void {
  const seen = new Set<string>()
  for (const session of sessions) {
    if (seen.has(session.registry)) continue
    seen.add(session.registry)
    const quota = session.rateLimit()
    const host = terminalSafe(session.registry)
    if (quota !== null) io.stderr(`berth: ${host}: ${describePullQuota(quota)} (the registry's ratelimit headers)\n`)
    else if (session.capabilities.rateLimit)
      io.stderr(`berth: ${host}: no pull quota reported in this run (HEAD requests and cached manifests do not count as pulls)\n`)
  }
}

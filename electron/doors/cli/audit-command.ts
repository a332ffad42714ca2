// `berth audit [<registry>[/<repo>]] [--limit N] [--json]`: what Berth deleted, copied, tagged or
// handed to GitLab to clean up, by whom, when and with what result, from the audit log the app
// shows too (electron/stores/audit-log.ts). Reads the local file only: no registry is contacted.
import { auditAction, auditActor, auditDetails, auditTarget } from '../../../shared/audit-text'
import { isValidRepository, parseRegistryAddress } from '../../http/reference'
import type { AuditFilter } from '../../stores/audit-log'
import type { CliContext } from './cli-context'
import { printJson, printTable, terminalSafe, UsageError } from './cli-output'

export const defaultAuditLimit = 200
const maxAuditLimit = 10_000

export async function auditCommand(context: CliContext, target: string): Promise<void> {
  const filter = auditFilterOf(target)
  const limit = auditLimit(context.string('limit'))
  const entries = await context.core().audit.read(limit, filter)
  if (context.json) return printJson(context.io, entries)
  const scope = filter.registry === undefined ? 'any registry' : `${filter.registry}${filter.repository ? `/${filter.repository}` : ''}`
  if (entries.length === 0) {
    context.io.stdout(
      `Nothing in the audit log for ${terminalSafe(scope)} yet: deletes, copies and cleanups are recorded as they happen.\n`,
    )
    return
  }
  printTable(
    context.io,
    ['TIME', 'ACTION', 'REGISTRY', 'TARGET', 'RESULT', 'BY', 'DETAILS'],
    entries.map((entry) => [
      entry.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      auditAction(entry.method),
      entry.registry,
      auditTarget(entry),
      entry.result === 'ok' ? 'ok' : 'FAILED',
      auditActor(entry) || '-',
      auditDetails(entry).join('; ') || '-',
    ]),
  )
  const more = entries.length === limit ? ` (the last ${limit}; --limit N shows more)` : ''
  context.io.stdout(`\n${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} for ${terminalSafe(scope)}, oldest first${more}.\n`)
}

/** `host[:port]`, a URL, or either with `/<repository>`; '' = every registry. */
export function auditFilterOf(target: string): AuditFilter {
  const text = target.trim()
  if (text === '') return {}
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? ''
  const rest = text.slice(scheme.length)
  const slash = rest.indexOf('/')
  const address = scheme + (slash < 0 ? rest : rest.slice(0, slash))
  const repository = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '')
  // Only the address's form matters here (nothing is contacted), so plain http is fine to name.
  const { host } = parseRegistryAddress(address, { insecure: true })
  if (repository !== '' && !isValidRepository(repository))
    throw new UsageError(`"${repository}" is not a repository name (lowercase path segments like team/app)`)
  return repository === '' ? { registry: host } : { registry: host, repository }
}

function auditLimit(text: string | undefined): number {
  if (text === undefined) return defaultAuditLimit
  const limit = Number(text)
  if (!/^\d+$/.test(text) || limit < 1 || limit > maxAuditLimit)
    throw new UsageError(`--limit must be a whole number from 1 to ${maxAuditLimit}`)
  return limit
}

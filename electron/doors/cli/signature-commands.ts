// `berth verify REF [--key FILE]...` and `berth keys add|list|rm`: cosign signature verification
// with the user's public keys (electron/session/signature-service.ts), and the keys kept per
// registry or repository in the data directory. `verify` exits 0 only when a signature verifies.
import { readFileSync, statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import {
  shortFingerprint,
  signatureStatusLabels,
  summarizeSignatures,
  type SignatureKey,
  type SignatureReport,
} from '../../../shared/signatures'
import { maxPublicKeyPemBytes } from '../../trust/public-key'
import { parseImageReference } from '../../http/reference'
import { verificationKey } from '../../session/signature-service'
import { auditFilterOf } from './audit-command'
import type { CliContext } from './cli-context'
import { printJson, printTable, terminalSafe, UsageError } from './cli-output'
import { verifyExitCodes, VerifyVerdict } from './signature-options'

export async function verifyCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  const reference = ref.digest ?? ref.tag
  if (!reference) throw new UsageError('verify takes <registry>/<repository>:<tag> or @<digest>')
  const keyFiles = context.strings('key')
  const keys = keyFiles.map((file) => verificationKey(keyName(file), readKeyFile(file, '--key')))
  const session = await context.session(ref.registry)
  const report = await context.core().signatures.verify(session, ref.repository, reference, keys.length > 0 ? { keys } : {})
  if (context.json) printJson(context.io, report)
  else context.io.stdout(reportLines(target, report, keyFiles.length > 0).join('\n') + '\n')
  const code = verifyExitCodes[report.status]
  if (code !== 0) throw new VerifyVerdict(code)
}

function reportLines(target: string, report: SignatureReport, keysGiven: boolean): string[] {
  const summary = summarizeSignatures(report)
  const out = [`${terminalSafe(target)}  ${report.digest}`, `Status:  ${terminalSafe(summary.note)}`]
  if (report.signatures.length > 0) {
    out.push('Signatures:')
    for (const check of report.signatures) {
      const where = check.source === 'cosign-tag' ? 'cosign .sig tag' : 'OCI referrer'
      const by = check.key ? ` by ${check.key.name} (${shortFingerprint(check.key.fingerprint)})` : ''
      const why = check.reason ? `: ${check.reason}` : ''
      out.push(`  ${signatureStatusLabels[check.status]}${by}${terminalSafe(why)}  [${where} ${check.manifestDigest.slice(0, 19)}…]`)
    }
  }
  if (report.keys.length > 0) {
    out.push(`Keys:    ${report.keys.map((key) => `${terminalSafe(key.name)} (${shortFingerprint(key.fingerprint)})`).join(', ')}`)
  } else if (report.status !== 'unsigned') {
    out.push(
      keysGiven
        ? 'Keys:    none'
        : 'Keys:    none stored for this repository: pass --key FILE, or keep one with `berth keys add REGISTRY[/REPO] FILE`.',
    )
  }
  return out
}

/** `keys add|list|rm …`. */
export async function keysCommand(context: CliContext, action: string, rest: string[]): Promise<void> {
  const store = context.core().signatureKeys
  switch (action) {
    case 'add': {
      const [target, file] = rest
      if (target === undefined || file === undefined || rest.length !== 2)
        throw new UsageError('expected keys add <registry>[/<repo>] FILE')
      const scope = auditFilterOf(target)
      if (scope.registry === undefined) throw new UsageError('keys add needs a registry')
      const key = await store.add({
        registry: scope.registry,
        repository: scope.repository ?? null,
        name: context.string('name') ?? keyName(file),
        pem: readKeyFile(file, 'keys add'),
      })
      if (context.json) return printJson(context.io, withoutPem(key))
      const what = `${key.algorithm} key "${terminalSafe(key.name)}" (${shortFingerprint(key.fingerprint)})`
      context.io.stdout(`Added ${what} for ${terminalSafe(scopeText(key))}.\n`)
      return
    }
    case 'list': {
      if (rest.length > 1) throw new UsageError('expected keys list [<registry>]')
      const registry = rest[0] === undefined ? undefined : auditFilterOf(rest[0]).registry
      const keys = await store.list(registry)
      if (context.json) return printJson(context.io, keys.map(withoutPem))
      if (keys.length === 0) {
        context.io.stdout(
          `No signature keys${registry ? ` for ${terminalSafe(registry)}` : ''}: add one with \`berth keys add REGISTRY[/REPO] FILE\`.\n`,
        )
        return
      }
      printTable(
        context.io,
        ['NAME', 'SCOPE', 'ALGORITHM', 'FINGERPRINT', 'ID'],
        keys.map((key) => [key.name, scopeText(key), key.algorithm, shortFingerprint(key.fingerprint), key.id]),
      )
      return
    }
    case 'rm': {
      const [target, which] = rest
      if (target === undefined || which === undefined || rest.length !== 2)
        throw new UsageError('expected keys rm <registry> NAME|ID|FINGERPRINT')
      const registry = auditFilterOf(target).registry
      if (registry === undefined) throw new UsageError('keys rm needs a registry')
      const removed = await store.remove(registry, which)
      if (context.json) return printJson(context.io, withoutPem(removed))
      context.io.stdout(
        `Removed key "${terminalSafe(removed.name)}" (${shortFingerprint(removed.fingerprint)}) of ${terminalSafe(scopeText(removed))}.\n`,
      )
      return
    }
    default:
      throw new UsageError(`unknown keys action "${action}": use add, list or rm`)
  }
}

function scopeText(key: SignatureKey): string {
  return key.repository === null ? `${key.registry} (every repository)` : `${key.registry}/${key.repository}`
}

function withoutPem(key: SignatureKey): Omit<SignatureKey, 'pem'> {
  const { pem: _pem, ...rest } = key
  return rest
}

function keyName(file: string): string {
  if (file === '-') return 'stdin'
  return basename(file, extname(file)) || basename(file)
}

function readKeyFile(file: string, what: string): string {
  if (file === '-') throw new UsageError(`${what}: give a file (a public key is not read from standard input)`)
  try {
    const size = statSync(file).size
    if (size > maxPublicKeyPemBytes) throw new UsageError(`${what} ${file}: ${size} bytes is too large for a PEM public key`)
    return readFileSync(file, 'utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

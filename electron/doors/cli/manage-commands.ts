// Commands that change something: rm, login, logout, trust, import-docker-logins; and registries.
import { readFileSync } from 'node:fs'
import { BerthError } from '../../../shared/errors'
import { garbageCollectionNote } from '../../../shared/types'
import type { RegistryProfile, RegistryView } from '../../../shared/types'
import { parseImageReference, parseRegistryAddress } from '../../http/reference'
import { confirmationFor } from '../../../shared/delete-confirmation'
import { fetchServerCertificate } from '../../trust/server-certificate'
import { normalizeFingerprint, trustCa } from '../../stores/profiles/profile-trust'
import type { CliContext } from './cli-context'
import { printJson, printTable, terminalSafe, UsageError } from './cli-output'

export async function rmCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  if (!ref.tag || ref.digest) throw new UsageError('rm takes <registry>/<repository>:<tag> (add --digest to delete the whole digest)')
  const mode = context.flag('digest') ? 'digest' : 'tag'
  const session = await context.session(ref.registry)
  const preview = await session.previewDelete(ref.repository, [ref.tag], mode)
  const item = preview.items[0]
  if (!item) throw new BerthError({ code: 'internal', message: 'The delete preview came back empty.' })
  const going = mode === 'digest' ? item.alsoRemoved : [item.tag]

  if (context.flag('dry-run')) {
    if (context.json) return printJson(context.io, { dryRun: true, ...preview })
    const what = mode === 'digest' ? `digest ${item.digest}, removing tags` : 'only the tag'
    context.io.stdout(`Would delete ${what}: ${going.map(terminalSafe).join(', ')}\n`)
    return
  }
  if (!context.flag('yes')) {
    if (!context.io.isTty) throw new UsageError('rm deletes from the registry: pass --yes to confirm (or --dry-run to see what would go)')
    const question =
      mode === 'digest'
        ? `Delete ${item.digest} from ${terminalSafe(ref.repository)}? ` +
          `These tags all disappear: ${going.map(terminalSafe).join(', ')} [y/N] `
        : `Delete tag ${terminalSafe(ref.tag)} from ${terminalSafe(ref.repository)} ` +
          `(other tags on ${item.digest.slice(0, 19)} stay)? [y/N] `
    if (!(await context.io.confirm(question))) throw new BerthError({ code: 'cancelled', message: 'Nothing was deleted.' })
  }
  // Exactly what the preview showed, and no more: a tag pushed onto the digest meanwhile is a conflict.
  const results = await session.deleteTags(ref.repository, { tags: [ref.tag], mode, expectedDigests: confirmationFor(preview) })
  if (context.json) printJson(context.io, { results, note: garbageCollectionNote })
  for (const result of results) {
    if (!result.ok && result.error) throw new BerthError(result.error)
    if (!context.json) {
      context.io.stdout(`Deleted ${result.removedTags.map(terminalSafe).join(', ')} (${result.method ?? mode}). ${garbageCollectionNote}\n`)
    }
  }
}

/** The saved profile for `registry`, and whether this run created it (so a failed login can take it back). */
async function profileForLogin(context: CliContext, registry: string): Promise<{ profile: RegistryProfile; created: boolean }> {
  const core = context.core()
  const endpoint = parseRegistryAddress(registry, { insecure: context.flag('insecure') })
  const existing = core.profiles.findByHost(endpoint.host)
  if (existing) return { profile: existing, created: false }
  const view = await core.api.saveRegistry({ profile: { name: endpoint.host, url: endpoint.url, insecure: context.flag('insecure') } })
  return { profile: view, created: true }
}

export async function loginCommand(context: CliContext, registry: string): Promise<void> {
  const username = context.string('username')
  if (!username) throw new UsageError('login needs --username (and the secret on standard input with --password-stdin)')
  const secret = await context.stdinSecret()
  if (secret === null)
    throw new UsageError('login reads the secret from standard input: pass --password-stdin (never put it on the command line)')
  const { profile, created } = await profileForLogin(context, registry)
  let view: RegistryView
  try {
    view = await context.core().api.login({ registryId: profile.id, username, secret })
  } catch (error) {
    // A login that could not store its secret leaves no profile behind.
    if (created) context.core().profiles.remove(profile.id)
    throw error
  }
  if (context.json) return printJson(context.io, view)
  context.io.stdout(`Stored the credentials for ${terminalSafe(username)}@${new URL(view.url).host} in the system keychain.\n`)
}

export async function logoutCommand(context: CliContext, registry: string): Promise<void> {
  const core = context.core()
  const endpoint = parseRegistryAddress(registry, { insecure: true })
  const profile = core.profiles.findByHost(endpoint.host)
  if (!profile)
    throw new BerthError({ code: 'not_found', message: `No saved registry for ${endpoint.host}.`, fix: 'List them with: berth registries' })
  const view = await core.api.logout({ registryId: profile.id })
  if (context.json) return printJson(context.io, view)
  context.io.stdout(`Removed the stored credentials for ${endpoint.host} from the keychain.\n`)
}

export async function registriesCommand(context: CliContext): Promise<void> {
  const views = await context.core().api.listRegistries({})
  if (context.json) return printJson(context.io, views)
  if (views.length === 0) {
    context.io.stdout('No registries yet. Add one with: berth login <registry> --username U --password-stdin\n')
    return
  }
  printTable(
    context.io,
    ['ID', 'URL', 'KIND', 'USER', 'CREDENTIAL', 'TRUST'],
    views.map((view) => [
      view.id,
      view.url,
      view.kind,
      view.username ?? '-',
      view.hasCredential ? 'keychain' : 'none',
      view.pinnedFingerprint ? 'pinned' : view.caPem ? 'custom CA' : 'system',
    ]),
  )
}

export async function trustCommand(context: CliContext, registry: string): Promise<void> {
  const core = context.core()
  const endpoint = parseRegistryAddress(registry, { insecure: false })
  const url = new URL(endpoint.url)
  const port = Number(url.port || 443)
  const presented = await fetchServerCertificate(url.hostname, port)
  const caFile = context.string('ca')
  const fingerprint = context.string('fingerprint')
  if (context.flag('show') || (!caFile && !fingerprint)) {
    if (context.json) return printJson(context.io, { ...presented, pem: undefined })
    context.io.stdout(
      [
        `Subject:             ${terminalSafe(presented.subject)}`,
        `Issuer:              ${terminalSafe(presented.issuer)}`,
        `Valid:               ${presented.validFrom} → ${presented.validTo}`,
        `SHA-256 fingerprint: ${presented.fingerprint256}`,
        `Self-signed:         ${presented.selfSigned ? 'yes' : 'no'}`,
        '',
        `Trust it with: berth trust ${registry} --fingerprint ${presented.fingerprint256}`,
      ].join('\n') + '\n',
    )
    return
  }
  let profile = core.profiles.findByHost(endpoint.host)
  profile ??= await core.api.saveRegistry({ profile: { name: endpoint.host, url: endpoint.url } })
  if (fingerprint) {
    const wanted = normalizeFingerprint(fingerprint)
    // Pin only what the server presents right now: a typo must not pin a stranger's certificate.
    if (wanted !== presented.fingerprint256) {
      throw new BerthError({
        code: 'tls_changed',
        message: `${endpoint.host} presents a certificate with fingerprint ${presented.fingerprint256}, not ${wanted}.`,
        fix: 'Check the fingerprint with the registry administrator; nothing was trusted.',
        certificate: presented,
        expectedFingerprint: wanted,
      })
    }
    await core.api.trustCertificate({ registryId: profile.id, fingerprint: wanted })
    context.io.stdout(`Pinned ${wanted} for ${endpoint.host}.\n`)
  } else if (caFile) {
    trustCa(core.profiles, profile.id, readFileSync(caFile, 'utf8'))
    context.io.stdout(`Trusting the CA in ${caFile} for ${endpoint.host} only.\n`)
  }
}

export async function importDockerLoginsCommand(context: CliContext): Promise<void> {
  const core = context.core()
  const candidates = await core.api.scanDockerLogins({})
  if (context.flag('dry-run') || candidates.length === 0) {
    if (context.json) return printJson(context.io, candidates)
    if (candidates.length === 0) context.io.stdout('No docker or podman logins found.\n')
    else
      printTable(
        context.io,
        ['KEY', 'REGISTRY', 'USER', 'SOURCE'],
        candidates.map((c) => [c.key, c.registryUrl, c.username ?? '-', c.source]),
      )
    return
  }
  const only = context.string('only')?.split(',')
  const keys = candidates.map((c) => c.key).filter((k) => !only || only.includes(k))
  if (keys.length === 0) throw new UsageError('--only matched none of the logins found (see --dry-run)')
  const imported = await core.api.importDockerLogins({ keys })
  if (context.json) return printJson(context.io, imported)
  const hosts = imported.map((view) => new URL(view.url).host).join(', ')
  context.io.stdout(`Imported ${imported.length} login${imported.length === 1 ? '' : 's'} into the keychain: ${hosts}\n`)
}

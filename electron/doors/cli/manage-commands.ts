// Commands that change something: rm, login, logout, trust, import-docker-logins; and registries.
import { BerthError } from '../../../shared/errors'
import type { ProfileInput } from '../../../shared/ipc'
import { describeCertificateProblem, describeGitlabToken, hostRoleLabel } from '../../../shared/registry-setup'
import { garbageCollectionNote, type DeleteReferrer, type HostTrust } from '../../../shared/types'
import { parseImageReference, parseRegistryAddress } from '../../http/reference'
import { confirmationFor } from '../../../shared/delete-confirmation'
import { normalizeFingerprint } from '../../stores/profiles/profile-trust'
import { connectDepsOf, connectRegistry } from '../../session/registry-connect'
import { describeHost, untrustedHostsError } from '../../session/registry-probe'
import { readCaFile, type CliContext } from './cli-context'
import { IncompleteResult, printJson, printTable, terminalSafe, UsageError } from './cli-output'
import { referrerLine } from './referrer-output'
import { freesClause, rmUntaggedCommand } from './rm-untagged'

export async function rmCommand(context: CliContext, target: string): Promise<void> {
  const ref = parseImageReference(target)
  // An image by digest alone: deleted only when no tag points at or reaches it (rm-untagged.ts).
  if (ref.digest && !ref.tag) return rmUntaggedCommand(context, ref)
  if (!ref.tag || ref.digest)
    throw new UsageError(
      'rm takes <registry>/<repository>:<tag> (add --digest to delete the whole digest), ' +
        'or <registry>/<repository>@<digest> for an untagged image',
    )
  const mode = context.flag('digest') ? 'digest' : 'tag'
  const session = await context.session(ref.registry)
  const preview = await session.previewDelete(ref.repository, [ref.tag], mode)
  const item = preview.items[0]
  if (!item) throw new BerthError({ code: 'internal', message: 'The delete preview came back empty.' })
  const going = mode === 'digest' ? item.alsoRemoved : [item.tag]
  const referrers = preview.referrers ?? []
  const withReferrers = context.flag('with-referrers') && referrers.length > 0
  if (withReferrers && preview.referrersBlocked) throw new BerthError({ code: 'unsupported', message: preview.referrersBlocked })

  if (context.flag('dry-run')) {
    if (context.json) return printJson(context.io, { dryRun: true, ...preview })
    const what = mode === 'digest' ? `digest ${item.digest}, removing tags` : 'only the tag'
    context.io.stdout(`Would delete ${what}: ${going.map(terminalSafe).join(', ')}\n`)
    for (const line of referrersPreview(referrers, withReferrers)) context.io.stdout(`${line}\n`)
    if (preview.storage) context.io.stdout(`${preview.storage.note}\n`)
    return
  }
  if (!context.flag('yes')) {
    if (!context.io.isTty) throw new UsageError('rm deletes from the registry: pass --yes to confirm (or --dry-run to see what would go)')
    const question =
      mode === 'digest'
        ? `Delete ${item.digest} from ${terminalSafe(ref.repository)}? ` +
          `These tags all disappear: ${going.map(terminalSafe).join(', ')}.${freesClause(preview)} [y/N] `
        : `Delete tag ${terminalSafe(ref.tag)} from ${terminalSafe(ref.repository)} ` +
          `(other tags on ${item.digest.slice(0, 19)} stay)?${freesClause(preview)} [y/N] `
    for (const line of referrersPreview(referrers, withReferrers)) context.io.stderr(`${line}\n`)
    if (!(await context.io.confirm(question))) throw new BerthError({ code: 'cancelled', message: 'Nothing was deleted.' })
  }
  // Exactly what the preview showed, and no more: a tag pushed onto the digest meanwhile is a conflict.
  const results = await session.deleteTags(ref.repository, {
    tags: [ref.tag],
    mode,
    expectedDigests: confirmationFor(preview),
    ...(withReferrers ? { referrers } : {}),
  })
  if (context.json)
    printJson(context.io, {
      results,
      note: garbageCollectionNote,
      freesBytes: preview.freesBytes ?? null,
      keptBytes: preview.keptBytes ?? null,
    })
  for (const result of results) {
    if (!result.ok && result.error) throw new BerthError(result.error)
    if (!context.json) {
      context.io.stdout(`Deleted ${result.removedTags.map(terminalSafe).join(', ')} (${result.method ?? mode}). ${garbageCollectionNote}\n`)
      for (const referrer of result.referrers ?? []) {
        if (referrer.ok) context.io.stdout(`Deleted ${referrerLine(referrer)}.\n`)
      }
      if (preview.storage) context.io.stdout(`${preview.storage.note}\n`)
    }
  }
  // The image went; a referrer that did not is reported, and the run is incomplete (exit 5).
  const failedReferrers = results.flatMap((result) => (result.referrers ?? []).filter((r) => !r.ok))
  if (failedReferrers.length > 0) {
    for (const referrer of failedReferrers)
      context.io.stderr(`berth: ${referrerLine(referrer)} was not deleted: ${terminalSafe(referrer.error?.message ?? 'unknown error')}\n`)
    throw new IncompleteResult(`${failedReferrers.length} of its referrers were not deleted`)
  }
}

/** The preview's lines about referrers: those that go, or those that would dangle and the flag that takes them. */
function referrersPreview(referrers: readonly DeleteReferrer[], withReferrers: boolean): string[] {
  if (referrers.length === 0) return []
  const count = `${referrers.length} referrer${referrers.length === 1 ? '' : 's'}`
  if (withReferrers) return [`With its ${count}:`, ...referrers.map((r) => `  ${referrerLine(r)}`)]
  return [
    `${count} would dangle (left without their image):`,
    ...referrers.map((r) => `  ${referrerLine(r)}`),
    'Add --with-referrers to delete them too.',
  ]
}

/**
 * Checks before it stores: the registry (and its token server) must accept the credentials, with
 * the trust saved for it or given with --ca for this call; only then are the profile and the secret
 * saved (the same check as the app's dialog: electron/session/registry-connect.ts).
 */
export async function loginCommand(context: CliContext, registry: string): Promise<void> {
  const username = context.string('username')
  if (!username) throw new UsageError('login needs --username (and the secret on standard input with --password-stdin)')
  const secret = await context.stdinSecret()
  if (secret === null)
    throw new UsageError('login reads the secret from standard input: pass --password-stdin (never put it on the command line)')
  const core = context.core()
  const insecure = context.flag('insecure')
  const caFile = context.string('ca')
  const callCaPems = caFile ? [readCaFile(caFile)] : []
  const existing = core.profiles.findByHost(parseRegistryAddress(registry, { insecure: true }).host)
  let profile: ProfileInput
  if (existing) {
    profile = { ...existing, insecure: existing.insecure || insecure }
  } else {
    // Where it answers (https first) and whether every host it sends Berth to is trusted.
    const probe = await core.api.probeRegistry({
      url: registry,
      insecure,
      ...(callCaPems[0] ? { trust: { pins: [], caPem: callCaPems[0] } } : {}),
    })
    if ((probe.hosts ?? []).some((host) => !host.trusted)) throw untrustedHostsError(registry, probe.hosts ?? [])
    profile = { name: new URL(probe.url).host, url: probe.url, insecure, kind: probe.kind }
  }
  const result = await connectRegistry(
    connectDepsOf(core),
    { profile, trust: { pins: [] }, credential: { username, secret } },
    { callCaPems },
  )
  const view = await core.view(result.profile)
  if (context.json) return printJson(context.io, { ...view, access: result.access, ...(result.gitlab ? { gitlab: result.gitlab } : {}) })
  const host = new URL(view.url).host
  context.io.stdout(`${host} accepted the credentials of ${terminalSafe(username)}: stored them in the system keychain.\n`)
  if (result.gitlab) context.io.stdout(`${describeGitlabToken(result.gitlab)}\n`)
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

function certificateLines(host: HostTrust): string[] {
  const why = host.problem ? `: ${describeCertificateProblem(host.problem)}` : ''
  const lines = [`${capitalize(hostRoleLabel(host.role))} ${host.host}: ${host.trusted ? 'trusted' : `NOT trusted${why}`}`]
  const certificate = host.certificate
  if (!certificate) return lines
  return [
    ...lines,
    `  Subject:             ${terminalSafe(certificate.subject)}`,
    `  Issuer:              ${terminalSafe(certificate.issuer)}`,
    `  Valid:               ${certificate.validFrom} → ${certificate.validTo}`,
    `  SHA-256 fingerprint: ${certificate.fingerprint256}`,
    `  Self-signed:         ${certificate.selfSigned ? 'yes' : 'no'}`,
  ]
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * Shows, then trusts, the certificates of every host the registry sends Berth to: the registry
 * and its token server (which may be another host, as GitLab's is). `--fingerprint` pins what a
 * host presents right now (given once per certificate); `--ca` must cover every host.
 */
export async function trustCommand(context: CliContext, registry: string): Promise<void> {
  const core = context.core()
  const insecure = context.flag('insecure')
  const existing = core.profiles.findByHost(parseRegistryAddress(registry, { insecure: true }).host)
  const probe = await core.api.probeRegistry({ url: existing?.url ?? registry, insecure, ...(existing ? { registryId: existing.id } : {}) })
  const hosts = probe.hosts ?? []
  const host = new URL(probe.url).host
  if (hosts.length === 0) {
    throw new BerthError({
      code: 'invalid_input',
      message: `${host} answers in plain HTTP: it has no certificate to trust.`,
      fix: 'Nothing to do.',
    })
  }
  const caFile = context.string('ca')
  const fingerprints = context.strings('fingerprint').map((f) => normalizeFingerprint(f))
  if (context.flag('show') || (!caFile && fingerprints.length === 0)) {
    if (context.json) return printJson(context.io, { registry: host, hosts })
    const untrusted = hosts.filter((h) => !h.trusted && h.certificate)
    const lines = hosts.flatMap((h) => [...certificateLines(h), ''])
    if (untrusted.length > 0) {
      const pins = [...new Set(untrusted.map((h) => h.certificate?.fingerprint256 ?? ''))].map((f) => `--fingerprint ${f}`).join(' ')
      lines.push(`Trust ${untrusted.length === 1 ? 'it' : 'them'} with: berth trust ${registry} ${pins}`)
      lines.push(`or with a CA that issued ${untrusted.length === 1 ? 'it' : 'every one'}: berth trust ${registry} --ca FILE`)
    } else {
      lines.push(`Every host ${host} sends Berth to is trusted.`)
    }
    context.io.stdout(lines.join('\n') + '\n')
    return
  }
  // Pin only what the hosts present right now: a typo must not pin a stranger's certificate.
  const pins = fingerprints.flatMap((wanted) => {
    const matching = hosts.filter((h) => h.certificate?.fingerprint256 === wanted)
    if (matching.length === 0) {
      const presented = hosts.map((h) => `${h.host}: ${h.certificate?.fingerprint256 ?? 'none'}`).join('; ')
      throw new BerthError({
        code: 'tls_changed',
        message: `No host ${host} sends Berth to presents the certificate ${wanted} (${presented}).`,
        fix: 'Check the fingerprint with the registry administrator; nothing was trusted.',
        expectedFingerprint: wanted,
        ...(hosts[0]?.certificate ? { certificate: hosts[0].certificate } : {}),
      })
    }
    return matching.map((h) => ({ host: h.host, fingerprint: wanted }))
  })
  const caPem = caFile ? readCaFile(caFile) : undefined
  if (caPem !== undefined) {
    // The CA must vouch for every host, or the user would be asked again at the first token.
    const checked = await core.api.probeRegistry({
      url: probe.url,
      insecure,
      ...(existing ? { registryId: existing.id } : {}),
      trust: { pins, caPem },
    })
    const still = (checked.hosts ?? []).filter((h) => !h.trusted)
    if (still.length > 0) {
      throw new BerthError({
        code: 'tls_untrusted',
        message:
          `The CA in ${caFile ?? ''} did not issue the certificate of ` +
          `${still.map((h) => describeHost(h)).join(' and ')}; nothing was trusted.`,
        fix: `Use the CA that issued every certificate (berth trust ${registry} --show lists them), or pin them with --fingerprint.`,
      })
    }
  }
  const profile = existing ?? (await core.api.saveRegistry({ profile: { name: host, url: probe.url, insecure, kind: probe.kind } }))
  for (const pin of pins) await core.api.trustCertificate({ registryId: profile.id, fingerprint: pin.fingerprint, host: pin.host })
  if (caPem !== undefined) await core.api.trustCertificate({ registryId: profile.id, caPem })
  for (const pin of pins) {
    const pinned = hosts.find((h) => h.host === pin.host)
    const what = pinned === undefined || pinned.role === 'registry' ? host : `${describeHost(pinned)} of ${host}`
    context.io.stdout(`Pinned ${pin.fingerprint} for ${what}.\n`)
  }
  if (caFile) context.io.stdout(`Trusting the CA in ${caFile} for ${host} and the hosts it sends Berth to, for this registry only.\n`)
  const uncovered = caPem !== undefined ? [] : hosts.filter((h) => !h.trusted && !pins.some((pin) => pin.host === h.host))
  for (const h of uncovered) {
    context.io.stderr(
      `berth: ${describeHost(h)} is still not trusted: ` +
        `pin its certificate too (--fingerprint ${h.certificate?.fingerprint256 ?? '…'}) or use --ca.\n`,
    )
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

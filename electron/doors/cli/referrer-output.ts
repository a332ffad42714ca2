// How the CLI names referrers: in `rm`'s preview and result, and in `berth referrers`.
import { shortDigest } from '../../http/digest'
import type { BuildAttestation, DeleteReferrer, Referrer, ReferrerFacts } from '../../../shared/types'
import { terminalSafe } from './cli-output'

const kindNames: Record<DeleteReferrer['kind'], string> = {
  signature: 'signature',
  sbom: 'SBOM',
  attestation: 'attestation',
  other: 'referrer',
  index: 'referrers index',
}

/** "attestation sha256-….att (sha256:0123456789ab)" or "SBOM sha256:0123456789ab (untagged)". */
export function referrerLine(referrer: DeleteReferrer): string {
  const name = kindNames[referrer.kind]
  return referrer.tag !== null
    ? `${name} ${terminalSafe(referrer.tag)} (${shortDigest(referrer.digest)})`
    : `${name} ${shortDigest(referrer.digest)} (untagged)`
}

/** The lines `berth referrers` prints for one referrer: its kind, digest, type, then each document's facts. */
export function referrerReport(referrer: Referrer): string[] {
  const source = referrer.source === 'api' ? 'referrers API' : referrer.source === 'tag-schema' ? 'tag schema' : 'cosign tag'
  const lines = [
    `${referrer.kind.padEnd(11)} ${referrer.digest}  ${terminalSafe(referrer.artifactType ?? referrer.mediaType)}  (${source})`,
  ]
  for (const facts of referrer.facts ?? []) for (const line of factLines(facts)) lines.push(line)
  return lines
}

export function buildAttestationReport(attestation: BuildAttestation): string[] {
  const lines = [`attestation ${attestation.digest}  buildx, for ${attestation.subject ?? 'the index'}`]
  for (const facts of attestation.facts) for (const line of factLines(facts)) lines.push(line)
  return lines
}

function factLines(facts: ReferrerFacts): string[] {
  const lines: string[] = []
  const indent = '              '
  if (facts.predicateType) lines.push(`${indent}predicate:  ${terminalSafe(facts.predicateType)}`)
  if (facts.provenance) {
    const p = facts.provenance
    lines.push(`${indent}provenance: SLSA ${p.slsaVersion}`)
    lines.push(`${indent}builder:    ${terminalSafe(p.builder ?? 'unknown')}`)
    lines.push(`${indent}source:     ${terminalSafe(p.sourceRepository ?? 'unknown')}`)
    lines.push(`${indent}commit:     ${terminalSafe(p.sourceCommit ?? 'unknown')}`)
  }
  if (facts.sbom) {
    const s = facts.sbom
    const version = s.version ? ` ${terminalSafe(s.version)}` : ''
    lines.push(`${indent}SBOM:       ${s.format}${version}, ${s.packageCount} package${s.packageCount === 1 ? '' : 's'}`)
  }
  if (facts.problem) lines.push(`${indent}unreadable: ${terminalSafe(facts.problem)}`)
  return lines
}

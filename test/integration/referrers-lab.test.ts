// Referrers on the real lab (acme/attested: an SPDX SBOM and a SLSA v1 provenance as OCI 1.1
// referrers listed by the `sha256-<hex>` index tag, plus cosign's `.att` with SLSA v0.2): the CLI's
// grouping and JSON, the facts, and deleting an image with its referrers.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TagRowJson } from '../../electron/doors/cli/browse-commands'
import type { AuditEntry, BuildAttestation, DeletePreview, DeleteResult, Referrer } from '../../shared/types'
import { getLab, reseed } from '../lab/lab-client'
import { fetchToken } from '../lab/test-helpers'
import { ATTESTED_PROVENANCE, ATTESTED_REPOSITORY, ATTESTED_SBOM_PACKAGES } from '../lab/fixtures-attested'
import { berthInProcess, type CliRun } from '../support/cli-run'

let dataDir: string

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-referrers-test-'))
})

afterAll(async () => {
  await reseed('token', ATTESTED_REPOSITORY)
  rmSync(dataDir, { recursive: true, force: true })
})

const berth = (args: string[], stdin = ''): Promise<CliRun> => berthInProcess(args, { stdin, env: { BERTH_DATA_DIR: dataDir } })

function writer(): { args: string[]; stdin: string } {
  const { username, password } = getLab().users.writer
  return { args: ['--username', username, '--password-stdin'], stdin: `${password}\n` }
}

/** The seeded image and its referrer tags, from the lab's truth. */
function attested(): { subject: string; indexTag: string; attTag: string } {
  const truth = getLab().truth.repositories[ATTESTED_REPOSITORY] ?? {}
  const subject = truth['1.0']?.digest ?? ''
  const indexTag = `sha256-${subject.slice(7)}`
  return { subject, indexTag, attTag: `${indexTag}.att` }
}

describe('berth tags on a repository with referrer tags', () => {
  it('gives referrer rows their subject and kind in --json, and null on the others', async () => {
    const lab = getLab()
    const { subject, indexTag, attTag } = attested()
    const run = await berth(['tags', `${lab.open.host}/${ATTESTED_REPOSITORY}`, '--details', '--json'])
    expect(run.code).toBe(0)
    const rows = JSON.parse(run.stdout) as TagRowJson[]
    const byTag = new Map(rows.map((row) => [row.tag, row]))
    expect([...byTag.keys()].sort()).toEqual(['1.0', indexTag, attTag].sort())
    expect(byTag.get('1.0')?.referrer).toBeNull()
    expect(byTag.get(indexTag)?.referrer).toEqual({ subject, kind: 'index' })
    expect(byTag.get(attTag)?.referrer).toEqual({ subject, kind: 'attestation' })
  })

  it('hides referrer tags from the text table under their image, says how many, and --all lists them', async () => {
    const lab = getLab()
    const { indexTag, attTag } = attested()
    const run = await berth(['tags', `${lab.open.host}/${ATTESTED_REPOSITORY}`, '--details'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('1.0')
    expect(run.stdout).toContain('1 SBOM · 2 attestations')
    expect(run.stdout).not.toContain(indexTag)
    expect(run.stderr).toContain('2 referrer tags')
    expect(run.stderr).toContain('--all')

    const all = await berth(['tags', `${lab.open.host}/${ATTESTED_REPOSITORY}`, '--details', '--all'])
    expect(all.stdout).toContain(indexTag)
    expect(all.stdout).toContain(attTag)
    expect(all.stdout).toContain('referrer of 1.0')
    expect(all.stderr).toBe('')
  })
})

describe('berth referrers', () => {
  it('reads the SBOM package count and the provenance builder, source and commit (SLSA v1 and v0.2)', async () => {
    const lab = getLab()
    const run = await berth(['referrers', `${lab.open.host}/${ATTESTED_REPOSITORY}:1.0`, '--json'])
    expect(run.code).toBe(0)
    const answer = JSON.parse(run.stdout) as { digest: string; referrers: Referrer[] }
    expect(answer.digest).toBe(attested().subject)
    const sbom = answer.referrers.find((r) => r.kind === 'sbom')
    expect(sbom?.source).toBe('tag-schema')
    expect(sbom?.facts?.[0]?.sbom).toEqual({
      format: 'SPDX',
      version: 'SPDX-2.3',
      packageCount: ATTESTED_SBOM_PACKAGES,
      name: 'acme/attested:1.0',
    })
    const provenance = answer.referrers.filter((r) => r.kind === 'attestation').flatMap((r) => r.facts ?? [])
    const versions = provenance.map((facts) => facts.provenance?.slsaVersion).sort()
    expect(versions).toEqual(['v0.2', 'v1'])
    for (const facts of provenance) {
      expect(facts.provenance?.builder).toBe(ATTESTED_PROVENANCE.builder)
      expect(facts.provenance?.sourceRepository).toContain(ATTESTED_PROVENANCE.sourceRepository)
      expect(facts.provenance?.sourceCommit).toBe(ATTESTED_PROVENANCE.sourceCommit)
      expect(facts.raw).toContain('predicate')
    }

    const text = await berth(['referrers', `${lab.open.host}/${ATTESTED_REPOSITORY}:1.0`])
    expect(text.stdout).toContain(`builder:    ${ATTESTED_PROVENANCE.builder}`)
    expect(text.stdout).toContain(`commit:     ${ATTESTED_PROVENANCE.sourceCommit}`)
    expect(text.stdout).toContain(`SBOM:       SPDX SPDX-2.3, ${ATTESTED_SBOM_PACKAGES} packages`)
  })

  it("reads buildx's attestation manifests inside an index (acme/multiarch)", async () => {
    const lab = getLab()
    const run = await berth(['referrers', `${lab.open.host}/acme/multiarch:1.0`, '--json'])
    expect(run.code).toBe(0)
    const answer = JSON.parse(run.stdout) as { buildAttestations: BuildAttestation[] }
    expect(answer.buildAttestations).toHaveLength(1)
    const facts = answer.buildAttestations[0]?.facts[0]
    expect(facts?.predicateType).toBe('https://slsa.dev/provenance/v0.2')
    expect(facts?.provenance?.builder).toBe('berth-lab')
  })
})

describe('berth rm with referrers', () => {
  it('without the flag says how many referrers would dangle; with it deletes them after the image, one audit line each', async () => {
    await reseed('token', ATTESTED_REPOSITORY)
    const lab = getLab()
    const user = writer()
    const target = `${lab.token.host}/${ATTESTED_REPOSITORY}:1.0`
    const { subject, indexTag, attTag } = attested()

    const dry = await berth(['rm', target, '--dry-run', ...user.args], user.stdin)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('4 referrers would dangle')
    expect(dry.stdout).toContain('--with-referrers')

    const preview = JSON.parse((await berth(['rm', target, '--dry-run', '--json', ...user.args], user.stdin)).stdout) as DeletePreview
    const referrers = preview.referrers ?? []
    expect(referrers.map((r) => r.kind).sort()).toEqual(['attestation', 'attestation', 'index', 'sbom'])
    expect(referrers.every((r) => r.subject === subject)).toBe(true)
    expect(
      referrers
        .filter((r) => r.tag !== null)
        .map((r) => r.tag)
        .sort(),
    ).toEqual([indexTag, attTag].sort())

    const named = await berth(['rm', target, '--dry-run', '--with-referrers', ...user.args], user.stdin)
    expect(named.stdout).toContain('With its 4 referrers:')
    expect(named.stdout).toContain(`referrers index ${indexTag}`)

    const run = await berth(['rm', target, '--yes', '--with-referrers', '--json', ...user.args], user.stdin)
    expect(run.code).toBe(0)
    const results = (JSON.parse(run.stdout) as { results: DeleteResult[] }).results
    expect(results[0]?.ok).toBe(true)
    expect(results[0]?.referrers?.map((r) => r.ok)).toEqual([true, true, true, true])

    const tags = JSON.parse(
      (await berth(['tags', `${lab.token.host}/${ATTESTED_REPOSITORY}`, '--json', ...user.args], user.stdin)).stdout,
    ) as string[]
    expect(tags).toEqual([])
    // The untagged OCI 1.1 referrers are gone too (asked of the registry directly).
    const { token } = await fetchToken(lab.token.realm, lab.token.service, [`repository:${ATTESTED_REPOSITORY}:pull`], lab.users.writer)
    for (const referrer of referrers.filter((r) => r.tag === null)) {
      const response = await fetch(`${lab.token.url}/v2/${ATTESTED_REPOSITORY}/manifests/${referrer.digest}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
      expect(response.status).toBe(404)
    }

    const audit = JSON.parse((await berth(['audit', `${lab.token.host}/${ATTESTED_REPOSITORY}`, '--json'])).stdout) as AuditEntry[]
    const lines = audit.filter((entry) => entry.result === 'ok')
    expect(lines.map((entry) => entry.digest).sort()).toEqual([subject, ...referrers.map((r) => r.digest)].sort())
  })
})

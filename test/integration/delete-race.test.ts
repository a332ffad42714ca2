// A delete removes exactly what the user confirmed, whichever door they used: a tag pushed onto the
// digest while the [y/N] prompt (or the dialog) is open is a conflict, and nothing is deleted.
// Real registry (the lab's TLS + token registry), and skopeo as the witness that is not Berth.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../electron/doors/cli/cli'
import type { CliIo } from '../../electron/doors/cli/cli-output'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { confirmationFor } from '../../shared/delete-confirmation'
import type { AuditEntry } from '../../shared/types'
import { getLab, reseed } from '../lab/lab-client'
import { skopeoTag, skopeoTags } from '../lab/skopeo-witness'

const repository = 'acme/web'
const dataDirs: string[] = []

beforeEach(async () => {
  await reseed('tls', repository)
})

afterAll(async () => {
  await reseed('tls', repository)
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-race-'))
  dataDirs.push(dir)
  return dir
}

/** A digest of acme/web with at least two tags, and those tags. */
function sharedDigest(): { digest: string; tags: string[] } {
  const byDigest = new Map<string, string[]>()
  for (const [tag, row] of Object.entries(getLab().truth.repositories[repository] ?? {})) {
    byDigest.set(row.digest, [...(byDigest.get(row.digest) ?? []), tag])
  }
  const [digest, tags] = [...byDigest].find(([, onDigest]) => onDigest.length >= 2) ?? ['', []]
  if (!digest) throw new Error(`${repository} has no digest with two tags in the seeded truth`)
  return { digest, tags: tags.sort() }
}

function auditEntries(dataDir: string): AuditEntry[] {
  return readFileSync(join(dataDir, 'audit.log'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditEntry)
}

describe('berth rm --digest when another client pushes a tag while the prompt is open', () => {
  it('refuses with a conflict naming the new tag, deletes nothing, and logs the refusal', async () => {
    const lab = getLab()
    const { digest, tags } = sharedDigest()
    const dataDir = newDataDir()
    const caFile = join(dataDir, 'lab-ca.pem')
    writeFileSync(caFile, lab.tls.caPem)
    let stdout = ''
    let stderr = ''
    let question = ''
    const io: CliIo = {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      isTty: true,
      readStdin: () => Promise.resolve(`${lab.users.writer.password}\n`),
      confirm: (asked) => {
        question = asked
        // While the user reads the prompt, a CI job pushes a new tag onto the same image.
        skopeoTag(lab, repository, digest, 'pushed-during-prompt')
        return Promise.resolve(true)
      },
    }
    const code = await runCli(
      ['rm', `${lab.tls.host}/${repository}:${tags[0]}`, '--digest', '--ca', caFile, '--username', 'writer', '--password-stdin'],
      io,
      { ...process.env, BERTH_DATA_DIR: dataDir },
    )
    for (const tag of tags) expect(question).toContain(tag)
    expect(question).not.toContain('pushed-during-prompt')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/changed since you confirmed \(now also on it: pushed-during-prompt\): nothing was deleted/)
    const witnessed = skopeoTags(lab, repository)
    for (const tag of [...tags, 'pushed-during-prompt']) expect(witnessed).toContain(tag)
    expect(auditEntries(dataDir)).toMatchObject([{ tag: tags[0], digest, method: 'digest-delete', result: 'error' }])
  })

  it('deletes the digest when nothing changed, and the audit log names every tag that went', async () => {
    const lab = getLab()
    const { digest, tags } = sharedDigest()
    const dataDir = newDataDir()
    const caFile = join(dataDir, 'lab-ca.pem')
    writeFileSync(caFile, lab.tls.caPem)
    let stdout = ''
    const io: CliIo = {
      stdout: (text) => void (stdout += text),
      stderr: () => undefined,
      isTty: true,
      readStdin: () => Promise.resolve(`${lab.users.writer.password}\n`),
      confirm: () => Promise.resolve(true),
    }
    const code = await runCli(
      ['rm', `${lab.tls.host}/${repository}:${tags[0]}`, '--digest', '--ca', caFile, '--username', 'writer', '--password-stdin'],
      io,
      { ...process.env, BERTH_DATA_DIR: dataDir },
    )
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Deleted /)
    const witnessed = skopeoTags(lab, repository)
    for (const tag of tags) expect(witnessed).not.toContain(tag)
    const entries = auditEntries(dataDir)
    expect(entries.map((entry) => entry.tag).sort()).toEqual(tags)
    expect(entries.every((entry) => entry.digest === digest && entry.result === 'ok' && entry.method === 'digest-delete')).toBe(true)
  })
})

describe('the delete dialog (web-mode Api) when a tag is pushed between preview and confirmation', () => {
  let engine: Engine | null = null

  afterAll(async () => {
    await engine?.close()
  })

  it('refuses the confirmed set once the digest carries a tag the preview did not show', async () => {
    const lab = getLab()
    const { digest, tags } = sharedDigest()
    engine = createEngine({ dataDirectory: newDataDir(), secrets: createMemorySecretStore() })
    const view = await engine.api.saveRegistry({ profile: { name: 'lab', url: lab.tls.url, kind: 'distribution' } })
    await engine.api.trustCertificate({ registryId: view.id, caPem: lab.tls.caPem })
    await engine.api.login({ registryId: view.id, username: 'writer', secret: lab.users.writer.password })

    const preview = await engine.api.previewDelete({ registryId: view.id, repository, tags: [tags[0] ?? ''], mode: 'digest' })
    expect(preview.items[0]?.alsoRemoved.sort()).toEqual(tags)
    skopeoTag(lab, repository, digest, 'pushed-after-preview')
    const { results } = await engine.api.deleteTags({
      registryId: view.id,
      repository,
      tags: [tags[0] ?? ''],
      mode: 'digest',
      expectedDigests: confirmationFor(preview),
    })
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(results[0]?.error?.message).toMatch(/now also on it: pushed-after-preview/)
    const witnessed = skopeoTags(lab, repository)
    for (const tag of [...tags, 'pushed-after-preview']) expect(witnessed).toContain(tag)
    const audit = await engine.api.readAuditLog({ limit: 10 })
    expect(audit).toMatchObject([{ tag: tags[0], result: 'error', method: 'digest-delete' }])
  })
})

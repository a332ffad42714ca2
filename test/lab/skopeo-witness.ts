// The witness that is not Berth: skopeo asks the lab's TLS registry itself which tags exist, so
// tests of deletion check the registry's answer with a client that shares no code with Berth.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LabInfo } from './lab-types'

/** The tags of `repository` on the lab's TLS registry, sorted, as the writer sees them. */
export function skopeoTags(lab: Pick<LabInfo, 'tls' | 'users'>, repository: string): string[] {
  // skopeo's --cert-dir wants the CA as a *.crt file in a directory of its own.
  const certDir = mkdtempSync(join(tmpdir(), 'berth-skopeo-certs-'))
  try {
    writeFileSync(join(certDir, 'ca.crt'), lab.tls.caPem)
    const { username, password } = lab.users.writer
    const result = spawnSync(
      'skopeo',
      ['list-tags', '--cert-dir', certDir, '--creds', `${username}:${password}`, `docker://${lab.tls.host}/${repository}`],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    )
    if (result.status !== 0) throw new Error(`skopeo list-tags ${repository} failed: ${result.stderr}`)
    return (JSON.parse(result.stdout) as { Tags: string[] }).Tags.sort()
  } finally {
    rmSync(certDir, { recursive: true, force: true })
  }
}

/**
 * Another client pushing while Berth waits: skopeo tags `digest` of `repository` as `newTag` on the
 * lab's TLS registry (a registry-side copy of the manifest; the blobs are already there).
 */
export function skopeoTag(lab: Pick<LabInfo, 'tls' | 'users'>, repository: string, digest: string, newTag: string): void {
  const certDir = mkdtempSync(join(tmpdir(), 'berth-skopeo-certs-'))
  try {
    writeFileSync(join(certDir, 'ca.crt'), lab.tls.caPem)
    const { username, password } = lab.users.writer
    const creds = `${username}:${password}`
    const result = spawnSync(
      'skopeo',
      [
        'copy',
        '--all',
        '--preserve-digests',
        '--src-cert-dir',
        certDir,
        '--dest-cert-dir',
        certDir,
        '--src-creds',
        creds,
        '--dest-creds',
        creds,
        `docker://${lab.tls.host}/${repository}@${digest}`,
        `docker://${lab.tls.host}/${repository}:${newTag}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    )
    if (result.status !== 0) throw new Error(`skopeo copy to ${repository}:${newTag} failed: ${result.stderr}`)
  } finally {
    rmSync(certDir, { recursive: true, force: true })
  }
}

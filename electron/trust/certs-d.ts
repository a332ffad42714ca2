// Docker's per-registry certificate directories, so a registry that already works with
// `docker pull` works in Berth without re-importing anything: `<root>/<host[:port]>/*.crt` are extra
// CAs, `*.cert` + `*.key` (same base name) a client certificate. Same roots containers/image reads.
import { X509Certificate } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { BerthError } from '../../shared/errors'

export interface CertsDirTrust {
  caPems: string[]
  clientCert?: { certPem: string; keyPem: string }
  /** Files the trust came from, for "why is this trusted" displays. */
  files: string[]
}

/** /etc/docker/certs.d, /etc/containers/certs.d, ~/.config/containers/certs.d (XDG), or Docker Desktop's on Windows. */
export function defaultCertsDirs(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string[] {
  if (platform === 'win32') {
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'
    return [join(programData, 'docker', 'certs.d'), join(home, '.docker', 'certs.d')]
  }
  const xdg = env.XDG_CONFIG_HOME
  const config = xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config')
  return ['/etc/docker/certs.d', '/etc/containers/certs.d', join(config, 'containers', 'certs.d')]
}

/**
 * Directory names to look for: `host:port` exactly as written in image references; for the
 * default port also `host:443`, which some guides tell people to create.
 */
function directoryNames(host: string): string[] {
  return /:\d+$/.test(host) ? [host] : [host, `${host}:443`]
}

function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir).sort()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // No directory for this registry is the normal case.
    if (code === 'ENOENT' || code === 'ENOTDIR') return []
    throw unreadable(dir, error)
  }
}

function unreadable(path: string, cause: unknown): BerthError {
  return new BerthError(
    {
      code: 'invalid_input',
      message: `Could not read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      fix: 'Fix the file permissions, or remove the file if it is not needed.',
    },
    { cause },
  )
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw unreadable(path, error)
  }
}

/** Validates that a file holds at least one X.509 certificate, so a broken file is named here rather than as an opaque TLS error later. */
function readCertificates(path: string): string {
  const pem = readText(path)
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) {
    throw new BerthError({
      code: 'invalid_input',
      message: `${path} contains no PEM certificate.`,
      fix: 'Docker expects PEM (-----BEGIN CERTIFICATE-----) in *.crt and *.cert files.',
    })
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block)
    } catch (error) {
      throw new BerthError(
        { code: 'invalid_input', message: `${path} contains a certificate that does not parse: ${(error as Error).message}` },
        { cause: error },
      )
    }
  }
  return pem
}

/** Everything the certs.d roots say about one registry host (host[:port], lower-case). */
export function readCertsDirs(host: string, roots: readonly string[]): CertsDirTrust {
  const result: CertsDirTrust = { caPems: [], files: [] }
  for (const root of roots) {
    for (const name of directoryNames(host)) {
      const dir = join(root, name)
      const entries = listDirectory(dir)
      for (const entry of entries) {
        const path = join(dir, entry)
        if (entry.endsWith('.crt')) {
          result.caPems.push(readCertificates(path))
          result.files.push(path)
        } else if (entry.endsWith('.cert')) {
          const keyName = `${entry.slice(0, -'.cert'.length)}.key`
          if (!entries.includes(keyName)) {
            // Docker refuses this too ("missing key … for client certificate …").
            throw new BerthError({
              code: 'invalid_input',
              message: `Client certificate ${path} has no matching key ${join(dir, keyName)}.`,
            })
          }
          // The first pair wins: TLS sends one client certificate.
          if (result.clientCert === undefined) {
            result.clientCert = { certPem: readCertificates(path), keyPem: readText(join(dir, keyName)) }
            result.files.push(path, join(dir, keyName))
          }
        } else if (entry.endsWith('.key')) {
          const certName = `${entry.slice(0, -'.key'.length)}.cert`
          if (!entries.includes(certName)) {
            throw new BerthError({
              code: 'invalid_input',
              message: `Key ${path} has no matching client certificate ${join(dir, certName)}.`,
            })
          }
        }
      }
    }
  }
  return result
}

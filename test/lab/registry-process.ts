import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createServer, type AddressInfo } from 'node:net'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { run, spawnTracked, stopServer, type SpawnedServer } from './processes'

export interface RegistryAuthConfig {
  htpasswd?: { path: string }
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string }
}

export interface RegistryProcessOptions {
  name: string
  /** Working dir of this instance: config, log and (unless given) storage go here. */
  dir: string
  storageDir: string
  deleteEnabled: boolean
  auth?: RegistryAuthConfig
  tls?: { certPath: string; keyPath: string; caPem: string }
}

export interface RegistryProcess {
  name: string
  url: string
  host: string
  port: number
  pid: number
  storageDir: string
  logPath: string
  stop(): Promise<void>
}

const READY_DEADLINE_MS = 20_000

/** Asks the kernel for a free loopback port. It is released before the registry binds it, so start() retries on a clash. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function quote(value: string): string {
  return JSON.stringify(value) // a JSON string is a valid YAML double-quoted scalar
}

/** distribution 2.8 configuration (docs/configuration.md), filesystem storage, no redis, no cache. */
export function registryConfigYaml(options: RegistryProcessOptions, port: number): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${quote(options.storageDir)}`,
    '  delete:',
    `    enabled: ${options.deleteEnabled}`,
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${quote(randomBytes(24).toString('hex'))}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ]
  if (options.tls) {
    lines.push('  tls:', `    certificate: ${quote(options.tls.certPath)}`, `    key: ${quote(options.tls.keyPath)}`)
  }
  if (options.auth?.htpasswd) {
    lines.push('auth:', '  htpasswd:', '    realm: berth-lab-basic', `    path: ${quote(options.auth.htpasswd.path)}`)
  } else if (options.auth?.token) {
    const token = options.auth.token
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${quote(token.realm)}`,
      `    service: ${quote(token.service)}`,
      `    issuer: ${quote(token.issuer)}`,
      `    rootcertbundle: ${quote(token.rootCertBundle)}`,
    )
  }
  return lines.join('\n') + '\n'
}

/** Any HTTP answer to `GET /v2/` (200 open, 401 with auth) means the registry is serving. */
function probe(url: string, caPem: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL('/v2/', url)
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request(target, { method: 'GET', timeout: 1000, ...(caPem === undefined ? {} : { ca: caPem }) }, (res) => {
      res.resume()
      resolve(res.statusCode === 200 || res.statusCode === 401)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

export async function waitUntilServing(
  url: string,
  server: SpawnedServer | null,
  caPem?: string,
  deadlineMs = READY_DEADLINE_MS,
): Promise<void> {
  const deadline = Date.now() + deadlineMs
  let delay = 20
  while (Date.now() < deadline) {
    if (server !== null && (server.child.exitCode !== null || server.child.signalCode !== null)) {
      throw new Error(`exited with ${server.child.exitCode ?? server.child.signalCode} before serving`)
    }
    if (await probe(url, caPem)) return
    await new Promise((resolve) => setTimeout(resolve, delay))
    delay = Math.min(delay * 2, 200)
  }
  throw new Error(`${url} did not answer GET /v2/ within ${deadlineMs} ms`)
}

/** Writes bcrypt entries (`htpasswd -Bbn`): distribution's htpasswd auth accepts only bcrypt. */
export async function writeHtpasswd(path: string, users: Array<{ username: string; password: string }>): Promise<void> {
  const lines = await Promise.all(users.map(async (user) => (await run('htpasswd', ['-Bbn', user.username, user.password])).stdout.trim()))
  await writeFile(path, lines.join('\n') + '\n', { mode: 0o600 })
}

/** Starts `docker-registry serve` and resolves once it answers; retries on a port clash. */
export async function startRegistryProcess(options: RegistryProcessOptions): Promise<RegistryProcess> {
  await mkdir(options.dir, { recursive: true })
  await mkdir(options.storageDir, { recursive: true })
  const logPath = join(options.dir, 'registry.log')
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const configPath = join(options.dir, 'config.yml')
    await writeFile(configPath, registryConfigYaml(options, port))
    const log = await open(logPath, 'a')
    const server = spawnTracked('docker-registry', ['serve', configPath], log.fd)
    await log.close()
    const scheme = options.tls ? 'https' : 'http'
    const url = `${scheme}://127.0.0.1:${port}`
    try {
      await waitUntilServing(url, server, options.tls?.caPem)
    } catch (error) {
      lastError = error
      await stopServer(server)
      continue
    }
    return {
      name: options.name,
      url,
      host: `127.0.0.1:${port}`,
      port,
      pid: server.pid,
      storageDir: options.storageDir,
      logPath,
      stop: () => stopServer(server),
    }
  }
  throw new Error(`registry ${options.name} did not start (log: ${logPath}): ${String(lastError)}`)
}

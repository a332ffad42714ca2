import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateCertificates, generateSplitRealmCertificates, type LabCertificates, type LabSplitRealmCertificates } from './certs'
import {
  LAB_INSTANCE_NAMES,
  type Lab,
  type LabInfo,
  type LabInstanceName,
  type LabRegistry,
  type LabUsers,
  type StartLabOptions,
} from './lab-types'
import { startPagingFront, type PagingFront } from './paging-front'
import { isPidAlive, run, trackTempDir, untrackTempDir } from './processes'
import { startRegistryProcess, writeHtpasswd, type RegistryProcess, type RegistryProcessOptions } from './registry-process'
import { ensureSeededStore, repositoryStoragePath, type SeededStore } from './seed'
import { startTokenIssuer, type TokenIssuer } from './token-issuer'

export type * from './lab-types'
export { isPidAlive } from './processes'

export const LAB_USERS: LabUsers = {
  reader: { username: 'reader', password: 'reader-pass' },
  writer: { username: 'writer', password: 'writer-pass' },
  admin: { username: 'admin', password: 'admin-pass' },
}
const ISSUER_NAME = 'berth-lab-issuer'
const TOKEN_SERVICE = 'berth-lab-token'
const TLS_SERVICE = 'berth-lab-tls'
const TLS_REALM_SERVICE = 'berth-lab-tls-realm'

type RegistryInstance = Exclude<LabInstanceName, 'paging'>

function registryOptions(
  name: RegistryInstance,
  dir: string,
  certs: LabCertificates | null,
  issuer: TokenIssuer | null,
  htpasswdPath: string,
  split: LabSplitRealmCertificates | null,
): RegistryProcessOptions {
  const base = { name, dir: join(dir, name), storageDir: join(dir, name, 'storage'), deleteEnabled: name !== 'noDelete' }
  const tokenAuth = (realmBase: string | null, service: string): RegistryProcessOptions['auth'] => {
    if (certs === null || realmBase === null) throw new Error(`${name} needs the token issuer`)
    return { token: { realm: `${realmBase}/jwt/auth`, service, issuer: ISSUER_NAME, rootCertBundle: certs.signingCertPath } }
  }
  switch (name) {
    case 'open':
    case 'noDelete':
      return base
    case 'basic':
      return { ...base, auth: { htpasswd: { path: htpasswdPath } } }
    case 'token':
      return { ...base, auth: tokenAuth(issuer?.url ?? null, TOKEN_SERVICE) }
    case 'tls':
      if (certs === null) throw new Error('tls needs certificates')
      return {
        ...base,
        auth: tokenAuth(issuer?.httpsUrl ?? null, TLS_SERVICE),
        tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath, caPem: certs.caPem },
      }
    case 'tlsRealm':
      if (certs === null || split === null) throw new Error('tlsRealm needs its certificates')
      return {
        ...base,
        auth: tokenAuth(issuer?.otherHostUrl ?? null, TLS_REALM_SERVICE),
        tls: { certPath: split.registry.certPath, keyPath: split.registry.keyPath, caPem: certs.caPem },
      }
  }
}

/**
 * Gives an instance its own copy of the seeded storage. Blobs are hard links: distribution never
 * rewrites a blob's `data` in place (uploads are renamed into place, and an existing blob is left
 * alone), and the lab never runs garbage collection. Repository metadata is a real copy, because
 * tag links ARE rewritten in place (filesystem driver PutContent truncates and writes).
 */
async function copyStorage(from: string, to: string): Promise<void> {
  const v2 = join('docker', 'registry', 'v2')
  await mkdir(join(to, v2), { recursive: true })
  await Promise.all([
    run('cp', ['-al', join(from, v2, 'blobs'), join(to, v2, 'blobs')]),
    run('cp', ['-a', join(from, v2, 'repositories'), join(to, v2, 'repositories')]),
  ])
}

/** Lab fields of instances that were not started throw, so a wrong `only` fails loudly. */
function notStarted(name: string): never {
  throw new Error(`lab.${name} was not started (startLab({ only }) left it out)`)
}

/**
 * Starts the registry lab: seeded storage (cached), certificates, the token issuer, every asked
 * registry instance in parallel, and the paging front. Everything listens on 127.0.0.1 and lives
 * in one temp dir that stop() removes.
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const started = new Set<LabInstanceName>(options.only ?? LAB_INSTANCE_NAMES)
  const registryNames = new Set<RegistryInstance>([...started].map((name): RegistryInstance => (name === 'paging' ? 'open' : name)))
  const needsIssuer = registryNames.has('token') || registryNames.has('tls') || registryNames.has('tlsRealm')
  const dir = await mkdtemp(join(tmpdir(), 'berth-lab-'))
  trackTempDir(dir)
  const registries = new Map<RegistryInstance, RegistryProcess>()
  let issuer: TokenIssuer | null = null
  let front: PagingFront | null = null
  let seeded: SeededStore | null = null
  let split: LabSplitRealmCertificates | null = null

  const stop = async (): Promise<void> => {
    await front?.close()
    await Promise.all([...registries.values()].map((registry) => registry.stop()))
    await issuer?.close()
    await rm(dir, { recursive: true, force: true })
    untrackTempDir(dir)
  }

  try {
    const htpasswdPath = join(dir, 'htpasswd')
    const [store, certs] = await Promise.all([
      ensureSeededStore(),
      needsIssuer ? mkdir(join(dir, 'certs')).then(() => generateCertificates(join(dir, 'certs'))) : Promise.resolve(null),
      registryNames.has('basic') ? writeHtpasswd(htpasswdPath, [LAB_USERS.reader, LAB_USERS.writer, LAB_USERS.admin]) : Promise.resolve(),
    ])
    seeded = store
    if (registryNames.has('tlsRealm')) split = await generateSplitRealmCertificates(join(dir, 'certs'))
    if (needsIssuer && certs !== null) {
      issuer = await startTokenIssuer({
        signingKeyPem: certs.signingKeyPem,
        users: LAB_USERS,
        issuerName: ISSUER_NAME,
        tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
        tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem },
        ...(split !== null ? { otherHostTls: { certPem: split.realm.certPem, keyPem: split.realm.keyPem } } : {}),
        control: { reseed: (name, repository) => reseedByName(name, repository) },
      })
    }
    await Promise.all(
      [...registryNames].map(async (name) => {
        const opts = registryOptions(name, dir, certs, issuer, htpasswdPath, split)
        await mkdir(opts.dir, { recursive: true })
        await copyStorage(name === 'open' ? store.storageDir : store.liteStorageDir, opts.storageDir)
        registries.set(name, await startRegistryProcess(opts))
      }),
    )
    const open = registries.get('open')
    if (started.has('paging') && open !== undefined) front = await startPagingFront(open.url)

    const asRegistry = (name: RegistryInstance): LabRegistry => {
      const registry = registries.get(name)
      if (registry === undefined) return notStarted(name)
      return { name, url: registry.url, host: registry.host, repositories: name === 'open' ? store.repositories : store.liteRepositories }
    }
    const reseedByName = async (name: string, repository: string): Promise<void> => {
      const target: RegistryInstance | undefined = name === 'paging' ? 'open' : [...registries.keys()].find((key) => key === name)
      const registry = target === undefined ? undefined : registries.get(target)
      if (registry === undefined || seeded === null) throw new Error(`no running lab registry named ${name}`)
      if (!(repository in seeded.truth.repositories)) throw new Error(`${repository} is not a lab fixture repository`)
      // distribution keeps a repository's tags, manifest revisions and layer links under this
      // directory and the blobs themselves globally (freed only by garbage collection, which the
      // lab never runs), so restoring the directory restores the repository exactly as seeded.
      if (target !== 'open' && !seeded.liteRepositories.includes(repository)) {
        throw new Error(`${repository} lives only on the open registry`)
      }
      const destination = repositoryStoragePath(registry.storageDir, repository)
      await rm(destination, { recursive: true, force: true })
      await mkdir(join(destination, '..'), { recursive: true })
      await run('cp', ['-a', repositoryStoragePath(seeded.storageDir, repository), destination])
    }

    const lab = {
      dir,
      users: LAB_USERS,
      truth: store.truth,
      started: LAB_INSTANCE_NAMES.filter((name) => started.has(name)),
      pids: [...registries.values()].map((registry) => registry.pid),
      stop,
      reseed: (registry: LabRegistry, repository: string) => reseedByName(registry.name, repository),
    } as Lab
    const lazy = <K extends keyof Lab>(key: K, value: () => Lab[K]): void => {
      Object.defineProperty(lab, key, { get: value, enumerable: true })
    }
    lazy('open', () => (started.has('open') ? asRegistry('open') : notStarted('open')))
    lazy('basic', () => asRegistry('basic'))
    lazy('noDelete', () => asRegistry('noDelete'))
    lazy('paging', () =>
      front === null ? notStarted('paging') : { name: 'paging', url: front.url, host: front.host, repositories: store.repositories },
    )
    lazy('token', () => ({ ...asRegistry('token'), realm: `${issuer?.url ?? ''}/jwt/auth`, service: TOKEN_SERVICE }))
    lazy('tls', () => {
      if (certs === null) return notStarted('tls')
      return {
        ...asRegistry('tls'),
        realm: `${issuer?.httpsUrl ?? ''}/jwt/auth`,
        service: TLS_SERVICE,
        caPem: certs.caPem,
        caPath: certs.caPath,
        serverCertPem: certs.serverCertPem,
        fingerprint256: certs.fingerprint256,
      }
    })
    lazy('tlsRealm', () => {
      if (certs === null || split === null) return notStarted('tlsRealm')
      const realmUrl = issuer?.otherHostUrl ?? ''
      return {
        ...asRegistry('tlsRealm'),
        realm: `${realmUrl}/jwt/auth`,
        service: TLS_REALM_SERVICE,
        caPem: certs.caPem,
        caPath: certs.caPath,
        serverCertPem: split.registry.certPem,
        fingerprint256: split.registry.fingerprint256,
        realmHost: realmUrl === '' ? '' : new URL(realmUrl).host,
        realmCertPem: split.realm.certPem,
        realmFingerprint256: split.realm.fingerprint256,
      }
    })
    lazy('issuer', () => {
      const running = issuer ?? notStarted('issuer')
      return {
        url: running.url,
        httpsUrl: running.httpsUrl,
        otherHostUrl: running.otherHostUrl,
        stats: () => running.stats(),
        resetStats: () => running.resetStats(),
        setTtl: (seconds: number, ttlOptions?: { strictExpiry?: boolean }) => running.setTtl(seconds, ttlOptions),
      }
    })
    return lab
  } catch (error) {
    await stop()
    throw error
  }
}

/** The JSON-serialisable part of a full lab (every instance started), for vitest's provide(). */
export function labInfo(lab: Lab): LabInfo {
  const issuer = lab.issuer
  return {
    dir: lab.dir,
    users: lab.users,
    open: lab.open,
    basic: lab.basic,
    token: lab.token,
    tls: lab.tls,
    noDelete: lab.noDelete,
    paging: lab.paging,
    tlsRealm: lab.tlsRealm,
    issuer: { url: issuer.url, httpsUrl: issuer.httpsUrl, otherHostUrl: issuer.otherHostUrl ?? null },
    truth: lab.truth,
    started: lab.started,
    pids: lab.pids,
  }
}

/** Like labInfo, but leaves out instances that were not started (the CLI's `--only`). */
export function partialLabInfo(lab: Lab): Partial<LabInfo> {
  const info: Partial<LabInfo> = { dir: lab.dir, users: lab.users, truth: lab.truth, started: lab.started, pids: lab.pids }
  const copy = <K extends keyof LabInfo>(key: K, read: () => LabInfo[K]): void => {
    try {
      info[key] = read()
    } catch {
      // not started
    }
  }
  for (const name of lab.started) copy(name, () => lab[name])
  copy('issuer', () => ({ url: lab.issuer.url, httpsUrl: lab.issuer.httpsUrl }))
  return info
}

/** True when none of the lab's registry processes is still alive. */
export function allStopped(pids: readonly number[]): boolean {
  return pids.every((pid) => !isPidAlive(pid))
}

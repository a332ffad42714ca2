// `npm run demo`: Berth on a real local registry in under a minute, touching none of the user's
// settings or keychain. Starts the lab's token-auth registry behind TLS with a self-signed CA (the
// usual self-hosted GitLab set-up), seeds it, adds it as a profile in a throw-away data directory,
// and serves the app in web mode. Ctrl+C stops everything it started and removes its files.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLab } from '../test/lab/lab'
import { createEngine } from '../electron/session/engine'
import { createMemorySecretStore } from '../electron/stores/secrets/secret-store'
import { startWebServer } from '../electron/doors/web/web-server'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function ensureSystemPackages(): void {
  const result = spawnSync('bash', [join(root, 'scripts/system-packages.sh')], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(1)
}

function ensureBuilt(staticDir: string): void {
  if (existsSync(join(staticDir, 'index.html'))) return
  console.log('Building the app once (npm run build)…')
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(1)
}

async function main(): Promise<void> {
  ensureSystemPackages()
  const staticDir = join(root, 'out', 'renderer')
  ensureBuilt(staticDir)

  const started = Date.now()
  console.log('Starting a local registry (distribution, token auth, TLS with a self-signed CA)…')
  const lab = await startLab({ only: ['tls'] })
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-demo-'))
  // The demo's password lives in memory only: the user's keychain is never touched.
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore() })
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    console.log('\nStopping the demo…')
    await server?.close().catch(() => undefined)
    await core.close().catch(() => undefined)
    await lab.stop().catch(() => undefined)
    rmSync(dataDirectory, { recursive: true, force: true })
    process.exit(code)
  }
  // `on`, not `once`: Ctrl+C signals the whole process group and tsx relays it again, so a second
  // SIGINT arrives while stop() is still awaiting; with no listener left Node would die on it
  // mid-cleanup, leaving the data directory behind. stop() ignores the repeats.
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))

  let server: Awaited<ReturnType<typeof startWebServer>> | undefined
  try {
    const view = await core.api.saveRegistry({ profile: { name: 'Demo registry (local)', url: lab.tls.url, kind: 'distribution' } })
    await core.api.trustCertificate({ registryId: view.id, caPem: lab.tls.caPem })
    await core.api.login({ registryId: view.id, username: lab.users.writer.username, secret: lab.users.writer.password })
    // The writer may not read the catalog (registry:catalog:* is admin-only, as on GitLab): list the
    // seeded repositories in the sidebar so the demo opens on something to click, not on a notice.
    for (const repository of lab.tls.repositories) await core.api.addFavorite({ registryId: view.id, repository })
    server = await startWebServer({
      api: core.api,
      staticDir,
      port: Number(process.env.BERTH_DEMO_PORT ?? 0),
      subscribe: core.subscribe,
    })
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    // The hash opens the demo registry straight away (renderer/src/model/view-hash.ts).
    console.log(`\nBerth demo is ready (${seconds} s): ${server.url}#/r/${encodeURIComponent(view.id)}\n`)
    console.log(`Registry: ${lab.tls.url} (user ${lab.users.writer.username}); repositories: acme/web, acme/multiarch, charts/demo, …`)
    console.log('Open the URL above in a browser. Ctrl+C stops everything and removes the demo files.')
  } catch (error) {
    console.error(`The demo could not start: ${(error as Error).message}`)
    await stop(1)
  }
}

void main()

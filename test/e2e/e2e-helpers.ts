// Shared set-up for the Chromium end-to-end tests: Debian's Chromium through playwright-core, and
// Berth's web mode (the real core over a temp data dir + memory secrets) on 127.0.0.1.
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createEngine, type Engine } from '../../electron/session/engine'
import { createMemorySecretStore } from '../../electron/stores/secrets/secret-store'
import { startWebServer, type WebServer } from '../../electron/doors/web/web-server'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const staticDir = join(repoRoot, 'out', 'renderer')
export const screensDir = join(repoRoot, 'test-results', 'screens')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * The e2e tests serve the built renderer; `npm test` builds before running them. Fail with the fix
 * instead of building here: a build inside a test would race the other test files and engineers.
 */
export function requireBuiltRenderer(): void {
  const index = join(staticDir, 'index.html')
  if (!existsSync(index)) throw new Error('out/renderer is missing: run `npm run build` first')
  const sources = Math.max(newestMtime(join(repoRoot, 'renderer')), newestMtime(join(repoRoot, 'shared')))
  if (statSync(index).mtimeMs < sources) console.warn('e2e: out/renderer is older than the renderer sources; run `npm run build`')
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

export interface BerthWeb {
  core: Engine
  server: WebServer
  dataDirectory: string
  close(): Promise<void>
}

/**
 * Tag-detail fetches the page started keep writing cache files after `core.close()` resolves (a
 * cold 1,000-tag repository takes seconds): retry while the tree is still changing, until a deadline.
 */
async function removeDirectory(dir: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      rmSync(dir, { recursive: true, force: true })
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if ((code !== 'ENOTEMPTY' && code !== 'EBUSY') || Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** `dockerHubApiUrl`: the Docker Hub recording's Hub API, for a Docker Hub profile. */
export async function startBerthWeb(options: { dockerHubApiUrl?: string } = {}): Promise<BerthWeb> {
  requireBuiltRenderer()
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-e2e-'))
  const core = createEngine({ dataDirectory, secrets: createMemorySecretStore(), ...options })
  let server: WebServer
  try {
    server = await startWebServer({ api: core.api, staticDir, subscribe: core.subscribe })
  } catch (error) {
    await core.close()
    rmSync(dataDirectory, { recursive: true, force: true })
    throw error
  }
  return {
    core,
    server,
    dataDirectory,
    async close() {
      await server.close().catch(() => undefined)
      await core.close().catch(() => undefined)
      await removeDirectory(dataDirectory)
    },
  }
}

/**
 * The few browser globals the tests touch inside `page.evaluate`: the Node tsconfig has no DOM lib,
 * and adding it would leak browser types into every main-process file.
 */
export interface BrowserGlobals {
  navigator: { clipboard: { readText(): Promise<string> } }
  document: {
    getAnimations(): Array<{ effect: { getComputedTiming(): { endTime?: number | string } } | null; finished: Promise<unknown> }>
    querySelectorAll(selector: string): { length: number }
  }
  __berthPwned?: number
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screensDir, { recursive: true })
  // Dialogs fade in: a shot taken mid-animation shows a half-transparent dialog over the table.
  // Infinite ones (skeleton shimmer, spinners) never finish: wait only for the finite ones.
  await page.evaluate(() =>
    Promise.all(
      (globalThis as unknown as BrowserGlobals).document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity)))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  )
  await page.screenshot({ path: join(screensDir, name) })
}

/** Polls `check` until it returns true (the page's CSP forbids the eval a string waitForFunction needs). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Every visible row has its details (no skeleton cells left on screen). */
export async function detailsSettled(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForSelector('.row[data-tag]', { timeout: timeoutMs })
  await until('row details to load', async () => (await page.locator('.row [aria-busy="true"]').count()) === 0, timeoutMs)
}

// What every UI-harness screenshot script needs: the harness built and served on 127.0.0.1,
// Debian's Chromium, a way to save a named PNG, and the browser's own errors reported at the end.
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'
import { chromium, type Browser, type Page } from 'playwright-core'

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url))
const outDir = fileURLToPath(new URL('../../test-results/screens/', import.meta.url))

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${outDir}harness-${name}.png` })
  console.log(`saved test-results/screens/harness-${name}.png`)
}

/** Collects page errors and console errors of `page` into `errors`. */
export function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
}

/**
 * Builds and serves the harness, launches Chromium, runs `shots` with the base URL, and tears both
 * down. Errors the pages reported (via watchErrors) are printed; a page error fails the script.
 */
export async function withHarness(shots: (browser: Browser, base: string, errors: string[]) => Promise<void>): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await build({ configFile, logLevel: 'warn' })
  const server = await preview({ configFile, preview: { host: '127.0.0.1', port: 0, strictPort: false } })
  const address = server.httpServer.address()
  if (address === null || typeof address === 'string') throw new Error('preview server has no port')
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const errors: string[] = []
  try {
    await shots(browser, `http://127.0.0.1:${address.port}/`, errors)
  } finally {
    await browser.close()
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()))
  }
  if (errors.length > 0) console.log(`browser reported:\n${[...new Set(errors)].join('\n')}`)
  if (errors.some((e) => e.startsWith('pageerror'))) process.exitCode = 1
}

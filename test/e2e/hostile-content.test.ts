// Registry content is untrusted input: labels, annotations, env and even a profile name may hold
// markup. Pushes an image whose config and manifest carry HTML/JS, bidi overrides, control
// characters and very long strings to the lab's open registry, and checks the page shows them as
// text: no dialog, no script, no element created from them.
import { createHash, randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { getLab } from '../lab/lab-client'
import { launchChromium, type BrowserGlobals, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

const imgPayload = '<img src=x onerror="window.__berthPwned=1;alert(1)">'
const scriptPayload = '<script>window.__berthPwned=2;alert(2)</script>'
const rtlPayload = 'evil\u202egnp.exe'
const controlPayload = 'bell\u0007tab\tesc\u001b[31mred'
const longPayload = `${'A'.repeat(5000)}<b>end</b>`
const hostile = { imgPayload, scriptPayload, rtlPayload, controlPayload, longPayload }

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`)
  await response.body?.cancel()
}

/** Monolithic blob upload (distribution-spec "POST then PUT"), as test/lab/http-push.ts does. */
async function pushBlob(registryUrl: string, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes)
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' })
  await expectStatus(start, 202, 'start upload')
  const location = start.headers.get('location')
  if (location === null) throw new Error('upload without Location')
  const target = new URL(location, registryUrl)
  target.searchParams.set('digest', digest)
  await expectStatus(
    await fetch(target, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes }),
    201,
    'finish upload',
  )
  return digest
}

async function pushHostileImage(registryUrl: string, repository: string, tag: string): Promise<void> {
  // An empty tar archive (two zero blocks), gzipped: a valid, tiny layer.
  const layer = gzipSync(Buffer.alloc(1024))
  const diffId = sha256(Buffer.alloc(1024))
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-05-01T12:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: [`HOSTILE_IMG=${imgPayload}`, `HOSTILE_SCRIPT=${scriptPayload}`, `HOSTILE_LONG=${longPayload}`],
        Labels: { 'hostile.img': imgPayload, 'hostile.rtl': rtlPayload, 'hostile.control': controlPayload, [scriptPayload]: 'label key' },
        Cmd: [scriptPayload],
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created_by: imgPayload }],
    }),
  )
  const configDigest = await pushBlob(registryUrl, repository, config)
  const layerDigest = await pushBlob(registryUrl, repository, layer)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      annotations: { 'org.opencontainers.image.description': scriptPayload, 'hostile.annotation': imgPayload },
    }),
  )
  const put = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  })
  await expectStatus(put, 201, 'put manifest')
}

let web: BerthWeb
let browser: Browser
let page: Page
const dialogs: string[] = []
const pageErrors: string[] = []

beforeAll(async () => {
  const lab = getLab()
  // A fresh name per run: the open registry is shared by the whole test run.
  const repository = `e2e/hostile-${randomBytes(4).toString('hex')}`
  await pushHostileImage(lab.open.url, repository, 'hostile')
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({ profile: { name: `Lab ${imgPayload}`, url: lab.open.url, kind: 'distribution' } })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } })
  page = await context.newPage()
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${web.server.url}#/r/${encodeURIComponent(view.id)}/${repository}?tag=hostile`)
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
})

describe('hostile registry content', () => {
  it('shows labels, annotations, env and the profile name as literal text without running anything', async () => {
    await page.waitForSelector('.details .section-title', { timeout: 30_000 })
    const details = page.locator('.details')
    await until('the hostile config to render', async () => ((await details.textContent()) ?? '').includes('hostile.img'), 30_000)
    const text = (await details.textContent()) ?? ''
    for (const [name, value] of Object.entries(hostile)) {
      if (name === 'longPayload') continue
      expect(text, `${name} shown literally`).toContain(value)
    }
    // The 5,000-character value is there in full (wrapped or clipped visually, not dropped).
    expect(text).toContain(longPayload)
    await expect(page.locator('.sidebar').textContent()).resolves.toContain(`Lab ${imgPayload}`)
    await screenshot(page, 'e2e-hostile.png')

    // Nothing the registry sent became markup or ran.
    expect(await page.locator('img[src="x"], b:text-is("end")').count()).toBe(0)
    const pwned = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__berthPwned ?? null)
    expect(pwned).toBeNull()
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelectorAll('body script').length)).toBe(0)
    expect(dialogs).toEqual([])
    expect(pageErrors).toEqual([])
  })
})

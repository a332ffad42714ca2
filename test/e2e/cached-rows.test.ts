// Stale-while-revalidate as a user sees it, in Chromium via web mode against the lab's TLS + token
// registry: a repository opened before shows its rows at once after a reload, marked as being
// checked, and each row turns into the registry's answer — including a tag moved in between, which
// must end up showing its new digest, not the cached one.
import { rootCertificates } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { Agent, fetch as undiciFetch } from 'undici'
import { getLab, reseed, type LabInfo } from '../lab/lab-client'
import { fetchToken } from '../lab/test-helpers'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

const repository = 'acme/web'
/** Moved by the test while Berth is away: from its seeded image to `target`'s. */
const moved = 'edge'
const target = 'nightly'

let lab: LabInfo
let web: BerthWeb
let browser: Browser
let context: BrowserContext
let page: Page
let registryId: string
const pageErrors: string[] = []

/** Points `tag` at the manifest `to` has, the way a CI push would: GET the bytes, PUT them under `tag`. */
async function moveTag(tag: string, to: string): Promise<string> {
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, lab.tls.caPem] } })
  try {
    const viaCa = ((url: string | URL, init?: RequestInit) =>
      undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch
    const { token } = await fetchToken(lab.tls.realm, lab.tls.service, [`repository:${repository}:pull,push`], lab.users.writer, viaCa)
    const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
    const source = await undiciFetch(`${lab.tls.url}/v2/${repository}/manifests/${to}`, {
      dispatcher,
      headers: { authorization: `Bearer ${token}`, accept },
    })
    if (source.status !== 200) throw new Error(`GET ${to}: HTTP ${source.status}`)
    const mediaType = source.headers.get('content-type') ?? ''
    const digest = source.headers.get('docker-content-digest') ?? ''
    const bytes = Buffer.from(await source.arrayBuffer())
    const put = await undiciFetch(`${lab.tls.url}/v2/${repository}/manifests/${tag}`, {
      dispatcher,
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': mediaType },
      body: bytes,
    })
    if (put.status !== 201) throw new Error(`PUT ${tag}: HTTP ${put.status} ${await put.text()}`)
    return digest
  } finally {
    await dispatcher.close()
  }
}

function repositoryHash(): string {
  return `#/r/${encodeURIComponent(registryId)}/${repository}?sort=name&dir=asc`
}

/** The 12 hex digits a row shows for a digest. */
const shortHex = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12)

beforeAll(async () => {
  lab = getLab()
  // This file moves a tag of acme/web: start from the seeded state whatever ran before.
  await reseed('tls', repository)
  web = await startBerthWeb()
  const view = await web.core.api.saveRegistry({
    profile: { name: 'Lab TLS', url: lab.tls.url, kind: 'distribution', username: lab.users.reader.username },
  })
  await web.core.api.trustCertificate({ registryId: view.id, caPem: lab.tls.caPem })
  await web.core.api.login({ registryId: view.id, username: lab.users.reader.username, secret: lab.users.reader.password })
  registryId = view.id
  browser = await launchChromium()
  // Tall enough for all 30 tags of acme/web on one screen.
  context = await browser.newContext({ viewport: { width: 1400, height: 1100 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  // The lab is shared with the other files of this run: leave acme/web as it was seeded.
  await reseed('tls', repository)
})

describe('cached rows in web mode', () => {
  it('shows a repository seen before at once from cache, marked as checking, then the registry’s answers', async () => {
    const seeded = lab.truth.repositories[repository]
    const before = seeded?.[moved]?.digest ?? ''
    const expected = seeded?.[target]?.digest ?? ''
    expect(before).not.toBe(expected)

    // First visit: every row verified by the registry, which Berth remembers.
    await page.goto(`${web.server.url}${repositoryHash()}`)
    await page.waitForSelector(`.crumb-repo[title="${repository}"]`)
    await detailsSettled(page)
    expect(await page.locator('.row[data-checking]').count()).toBe(0)
    await expect.poll(() => page.locator(`.row[data-tag="${moved}"] .digest`).innerText()).toBe(shortHex(before))

    // Someone pushes while the user is away; the cache still says the old digest.
    expect(await moveTag(moved, target)).toBe(expected)

    // Hold the details job back (the registry's answers) so the cached state can be seen (and photographed).
    const held: Route[] = []
    let releasing = false
    await page.route('**/api/startTagDetails', async (route) => {
      if (releasing) await route.continue()
      else held.push(route)
    })
    await page.goto(`${web.server.url}#/`)
    await page.goto(`${web.server.url}${repositoryHash()}`)
    await page.waitForSelector('.row[data-checking="cache"]')
    const tagCount = Object.keys(seeded ?? {}).length
    await until('every row shown from cache', async () => (await page.locator('.row[data-checking="cache"]').count()) === tagCount)

    const stale = page.locator(`.row[data-tag="${moved}"]`)
    await expect.poll(() => stale.locator('.digest').innerText()).toBe(shortHex(before))
    expect(await stale.locator('.col-digest').getAttribute('title')).toBe('From cache, checking with the registry…')
    expect(await stale.locator('.col-digest').getAttribute('aria-busy')).toBe('true')
    // Nothing to act on yet: no digest to copy from a row the registry has not confirmed.
    expect(await stale.locator('.copy-inline').isHidden()).toBe(true)
    expect(await page.locator('.progress-text').innerText()).toMatch(/^Checked 0 \/ 30$/)
    await screenshot(page, 'e2e-cached-rows-checking.png')

    releasing = true
    await Promise.all(held.map((route) => route.continue()))
    await detailsSettled(page)
    await until('every row checked', async () => (await page.locator('.row[data-checking]').count()) === 0)
    await expect.poll(() => stale.locator('.digest').innerText()).toBe(shortHex(expected))
    expect(await stale.locator('.col-digest').getAttribute('title')).toBeNull()
    await screenshot(page, 'e2e-cached-rows-verified.png')
    await page.unroute('**/api/startTagDetails')
    expect(pageErrors).toEqual([])
  })
})

// The copy dialogs end to end: Chromium over web mode against the lab. A tag of the token + TLS
// registry is retagged in the app; its multi-arch index (with a build attestation) is copied from
// the details panel to a registry of its own (htpasswd, another CA); a tag that points elsewhere
// there is overwritten only after the confirmation showing both digests; and a copy from a slow
// source shows its progress, is cancelled, and completes when planned again. skopeo is the witness:
// the bytes it reads at the destination equal the source's, for the index and every child.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startFaultProxy, type FaultProxy } from '../lab/fault-proxy'
import { getLab, reseed, type LabInfo } from '../lab/lab-client'
import {
  rawManifestDigest,
  skopeoCopyAllToLayout,
  skopeoRawManifest,
  startTlsRegistry,
  type CopyDestination,
  type SkopeoSide,
} from '../support/copy-lab'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

const repository = 'acme/multiarch'

let lab: LabInfo
let web: BerthWeb
let mirror: CopyDestination
let slowSource: FaultProxy
let browser: Browser
let page: Page
let sourceId: string
let mirrorId: string
let slowId: string
let workDir: string
const pageErrors: string[] = []

const sourceSide = (): SkopeoSide => ({ caPem: lab.tls.caPem, user: lab.users.writer })
const mirrorSide = (): SkopeoSide => ({ caPem: mirror.caPem, ...(mirror.user ? { user: mirror.user } : {}) })

beforeAll(async () => {
  lab = getLab()
  await reseed('tls', repository)
  workDir = mkdtempSync(join(tmpdir(), 'berth-e2e-copy-'))
  mirror = await startTlsRegistry()
  // A source that can be made slow over its blobs, so a copy's progress can be seen and cancelled.
  slowSource = await startFaultProxy({ upstream: lab.open.url, lifetimeMs: 300_000 })
  web = await startBerthWeb()
  const api = web.core.api
  const source = await api.saveRegistry({ profile: { name: 'Lab TLS', url: lab.tls.url, kind: 'distribution', favorites: [repository] } })
  await api.trustCertificate({ registryId: source.id, caPem: lab.tls.caPem })
  await api.login({ registryId: source.id, username: lab.users.writer.username, secret: lab.users.writer.password })
  sourceId = source.id
  const target = await api.saveRegistry({ profile: { name: 'Mirror', url: mirror.url, kind: 'distribution' } })
  await api.trustCertificate({ registryId: target.id, caPem: mirror.caPem })
  await api.login({ registryId: target.id, username: mirror.user?.username ?? '', secret: mirror.user?.password ?? '' })
  mirrorId = target.id
  const slow = await api.saveRegistry({ profile: { name: 'Slow lab', url: slowSource.url, kind: 'distribution', insecure: true } })
  slowId = slow.id
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 180_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await slowSource?.close()
  await mirror?.stop()
  rmSync(workDir, { recursive: true, force: true })
  // The retag wrote into a fixture repository of the shared lab: put it back as seeded.
  await reseed('tls', repository)
}, 120_000)

async function openRepository(registryId: string, path: string): Promise<void> {
  await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/${path}`)
  await page.waitForSelector(`.crumb-repo[title="${path}"]`)
  await detailsSettled(page)
}

/** Selects the row once the registry confirmed it: the actions wait for that. */
async function selectConfirmed(tag: string): Promise<void> {
  await page.locator(`.row[data-tag="${tag}"]`).click()
  const copy = page.locator('.toolbar').getByRole('button', { name: 'Copy to…' })
  await until(`${tag} to be confirmed`, async () => !(await copy.isDisabled()))
}

function dialog() {
  return page.getByRole('dialog')
}

describe('copying in the app', () => {
  it('adds a tag to an index in the same repository: skopeo reads the new tag at the same digest', async () => {
    const expected = lab.truth.repositories[repository]?.['1.0']?.digest ?? ''
    expect(expected).toMatch(/^sha256:/)
    await openRepository(sourceId, repository)
    await selectConfirmed('1.0')
    await page.locator('.toolbar').getByRole('button', { name: 'Add tag…' }).click()
    await dialog().getByLabel('New tags').fill('e2e-release')
    await dialog().getByRole('button', { name: 'Review tags…' }).click()
    await dialog().locator('.copy-tags li[data-action="create"]').waitFor()
    await dialog().getByRole('button', { name: 'Add tags' }).click()
    await dialog().getByRole('heading', { name: 'Tag added' }).waitFor({ timeout: 30_000 })
    expect(await dialog().locator('.copy-verified').innerText()).toContain(expected)
    await dialog().locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

    expect(rawManifestDigest(skopeoRawManifest(`${lab.tls.host}/${repository}:e2e-release`, sourceSide()))).toBe(expected)
    // The table on screen was refreshed with the new tag.
    await page.waitForSelector('.row[data-tag="e2e-release"]', { timeout: 20_000 })
  }, 90_000)

  it('copies the index from the details panel to another registry byte for byte, as skopeo reads it', async () => {
    const expected = lab.truth.repositories[repository]?.['1.0']?.digest ?? ''
    await openRepository(sourceId, repository)
    await selectConfirmed('1.0')
    await page.keyboard.press('Enter')
    const details = page.locator('.details')
    await details.getByRole('button', { name: 'Copy to…' }).click()
    await dialog().getByLabel('Registry', { exact: true }).selectOption(mirrorId)
    await dialog().getByLabel('Repository', { exact: true }).fill('mirror/multiarch')
    expect(await dialog().getByLabel('Tags', { exact: true }).inputValue()).toBe('1.0')
    await dialog().getByRole('button', { name: 'Review copy…' }).click()
    await dialog().locator('.copy-plan').waitFor({ timeout: 30_000 })
    expect(await dialog().locator('.copy-stats').innerText()).toMatch(/To send/i)
    expect(await dialog().locator('.copy-tags li[data-action="create"]').count()).toBe(1)
    await screenshot(page, 'e2e-copy-plan.png')

    await dialog().getByRole('button', { name: 'Copy', exact: true }).click()
    await dialog().getByRole('heading', { name: 'Copied' }).waitFor({ timeout: 60_000 })
    expect(await dialog().locator('.copy-verified').innerText()).toContain(expected)
    await screenshot(page, 'e2e-copy-result.png')
    await dialog().locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()

    // skopeo, not Berth: the same bytes for the index and every child, and every blob is there.
    const sourceIndex = skopeoRawManifest(`${lab.tls.host}/${repository}:1.0`, sourceSide())
    const copiedIndex = skopeoRawManifest(`${mirror.host}/mirror/multiarch:1.0`, mirrorSide())
    expect(copiedIndex).toBe(sourceIndex)
    expect(rawManifestDigest(copiedIndex)).toBe(expected)
    const children = (JSON.parse(sourceIndex) as { manifests: { digest: string }[] }).manifests
    expect(children.length).toBeGreaterThanOrEqual(3)
    for (const child of children) {
      expect(skopeoRawManifest(`${mirror.host}/mirror/multiarch@${child.digest}`, mirrorSide())).toBe(
        skopeoRawManifest(`${lab.tls.host}/${repository}@${child.digest}`, sourceSide()),
      )
    }
    skopeoCopyAllToLayout(`${mirror.host}/mirror/multiarch:1.0`, mirrorSide(), join(workDir, 'layout'))
  }, 120_000)

  it('shows both digests of a destination tag that points elsewhere and moves it only after the confirmation', async () => {
    const other = lab.truth.repositories['acme/web'] ?? {}
    const [tag, truth] = Object.entries(other).find(([name]) => name === 'latest') ?? Object.entries(other)[0] ?? ['', undefined]
    if (!truth) throw new Error('acme/web has no tags in the lab truth')
    await openRepository(sourceId, 'acme/web')
    await selectConfirmed(tag)
    await page.locator('.toolbar').getByRole('button', { name: 'Copy to…' }).click()
    await dialog().getByLabel('Registry', { exact: true }).selectOption(mirrorId)
    await dialog().getByLabel('Repository', { exact: true }).fill('mirror/multiarch')
    await dialog().getByLabel('Tags', { exact: true }).fill('1.0')
    await dialog().getByRole('button', { name: 'Review copy…' }).click()
    const overwrite = dialog().getByRole('group', { name: 'Tags that point elsewhere' })
    await overwrite.waitFor({ timeout: 30_000 })
    const shown = await overwrite.innerText()
    expect(shown).toContain(lab.truth.repositories[repository]?.['1.0']?.digest ?? 'missing')
    expect(shown).toContain(truth.digest)
    expect(await dialog().getByRole('button', { name: 'Tick the overwrite to go on' }).isDisabled()).toBe(true)
    await overwrite.getByRole('checkbox').check()
    await screenshot(page, 'e2e-copy-overwrite.png')
    await dialog().getByRole('button', { name: 'Overwrite and copy' }).click()
    await dialog().getByRole('heading', { name: 'Copied' }).waitFor({ timeout: 60_000 })
    await dialog().locator('.dialog-actions').getByRole('button', { name: 'Close' }).click()
    expect(rawManifestDigest(skopeoRawManifest(`${mirror.host}/mirror/multiarch:1.0`, mirrorSide()))).toBe(truth.digest)
  }, 120_000)

  it('shows the progress of a slow copy, cancels it, and completes it when planned again', async () => {
    const expected = rawManifestDigest(skopeoRawManifest(`${lab.open.host}/${repository}:1.0`, {}))
    await openRepository(slowId, repository)
    await selectConfirmed('1.0')
    await page.locator('.toolbar').getByRole('button', { name: 'Copy to…' }).click()
    await dialog().getByLabel('Registry', { exact: true }).selectOption(mirrorId)
    await dialog().getByLabel('Repository', { exact: true }).fill('slow/multiarch')
    await dialog().getByRole('button', { name: 'Review copy…' }).click()
    await dialog().locator('.copy-plan').waitFor({ timeout: 30_000 })
    // The first blobs come at once, every later one takes its time.
    slowSource.setRules([{ method: 'GET', path: /\/blobs\/sha256:/, skip: 3, fault: { kind: 'delay', ms: 2_000 } }])
    await dialog().getByRole('button', { name: 'Copy', exact: true }).click()
    await dialog().getByRole('progressbar', { name: 'Copy progress' }).waitFor()
    await until('some blobs to arrive', async () => /Blobs [1-9]\d* of/.test(await dialog().locator('.copy-progress').innerText()))
    await screenshot(page, 'e2e-copy-progress.png')
    await dialog().getByRole('button', { name: 'Cancel copy' }).click()
    await dialog().getByRole('heading', { name: 'Copy cancelled' }).waitFor({ timeout: 30_000 })
    expect(await dialog().locator('.copy-tags li[data-status="not-written"]').count()).toBe(1)

    // What arrived before the cancel stays: the new plan finds it at the destination.
    slowSource.setRules([])
    await dialog().getByRole('button', { name: 'Plan again' }).click()
    await dialog().locator('.copy-plan').waitFor({ timeout: 30_000 })
    expect(await dialog().locator('.copy-stats [data-state="present"]').innerText()).not.toMatch(/\b0 blobs/)
    await dialog().getByRole('button', { name: 'Copy', exact: true }).click()
    await dialog().getByRole('heading', { name: 'Copied' }).waitFor({ timeout: 90_000 })
    expect(rawManifestDigest(skopeoRawManifest(`${mirror.host}/slow/multiarch:1.0`, mirrorSide()))).toBe(expected)
    expect(pageErrors).toEqual([])
  }, 180_000)
})

// Docker Hub's pull quota in the app, against the Docker Hub recording (test/fixtures/recordings:
// written from Docker's docs, not captured): opening a repository shows the pulls left beside the
// tag count, as the registry's `ratelimit-*` headers report them, and the count follows the pulls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startDockerHubRecording, type DockerHubRecordingServer } from '../fixtures/recording-server'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let hub: DockerHubRecordingServer
let web: BerthWeb
let browser: Browser
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  hub = await startDockerHubRecording()
  web = await startBerthWeb({ dockerHubApiUrl: hub.hubUrl })
  await web.core.api.saveRegistry({ profile: { name: 'Docker Hub', url: hub.registryUrl, kind: 'dockerhub', favorites: ['alpine'] } })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await hub?.close()
})

describe('the Docker Hub pull quota in the app', () => {
  it('shows the pulls left once the repository is open, as the recording counted them', async () => {
    await page.goto(web.server.url)
    await page.locator('.registry-button').first().click()
    await page.locator('.repo-button[title="library/alpine"]').click()
    await page.waitForSelector('.crumb-repo[title="library/alpine"]')
    await detailsSettled(page)
    const badge = page.locator('.rate-limit')
    // Every manifest GET counted against the quota; the badge says what the last answer reported.
    await until(
      'the quota after the details',
      async () => (await badge.getAttribute('aria-label')) === `Docker Hub pull quota: ${hub.remaining()} of 100 pulls left per 6 hours`,
    )
    expect(hub.remaining()).toBeLessThan(100)
    expect(await badge.getAttribute('title')).toMatch(/HEAD, which does not/)
    await screenshot(page, 'e2e-dockerhub-quota.png')
    expect(pageErrors).toEqual([])
  })
})

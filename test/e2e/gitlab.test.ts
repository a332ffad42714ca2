// A GitLab user in web mode (Chromium), against the GitLab recording (test/fixtures/recordings:
// written from GitLab's API docs, not captured): add the registry, sign in with a personal access
// token, see the repositories of their groups and projects (no catalog), open one, and read push
// and build dates side by side — all through the real core, web server and renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { countRequests, startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, until, type BerthWeb } from './e2e-helpers'

let gitlab: GitlabRecordingServer
let web: BerthWeb
let browser: Browser
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  gitlab = await startGitlabRecording()
  web = await startBerthWeb()
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await gitlab?.close()
})

describe('Berth web mode against the GitLab recording', () => {
  it("adds the GitLab registry with a personal access token and lists the repositories of the user's groups and projects", async () => {
    await page.goto(web.server.url)
    await page.getByRole('button', { name: 'Add registry', exact: true }).click()
    await page.getByLabel('Registry URL').fill(gitlab.registryUrl)
    await page.getByLabel('Name', { exact: true }).fill('GitLab (platform)')
    await page.getByLabel('Username').fill('ada')
    await page.getByLabel('Password or token').fill('glpat-recorded-developer')
    await page.getByRole('button', { name: 'Connect' }).click()
    // Saved first, then the token goes to the keychain with `login`: wait for both.
    await until(
      'the GitLab profile to be saved with its token',
      async () => (await web.core.api.listRegistries({}))[0]?.hasCredential === true,
    )
    const [profile] = await web.core.api.listRegistries({})
    expect(profile?.kind).toBe('gitlab')
    expect(profile?.hasCredential).toBe(true)
    await until('repositories from the GitLab API', async () => (await page.locator('.repo-button').count()) > 0)
    expect(countRequests(gitlab.requests, 'GET', /^\/v2\/_catalog$/)).toBe(0)
    expect(gitlab.requests.some((r) => r.path === '/api/v4/groups' && r.headers['private-token'] === 'glpat-recorded-developer')).toBe(true)
  })

  it('opens a repository newest-pushed first with push and build dates side by side, and saves the screenshot', async () => {
    const [profile] = await web.core.api.listRegistries({})
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(profile?.id ?? '')}/platform/api?sort=date&dir=desc`)
    await page.waitForSelector('.crumb-repo[title="platform/api"]')
    await detailsSettled(page)
    await until('push dates in the tag rows', async () => (await page.locator('.row[data-tag] .date-pushed').count()) > 0)
    const names = await Promise.all((await page.locator('.row[data-tag]').all()).map((row) => row.getAttribute('data-tag')))
    expect(names).toContain('v1.2.0')
    expect(await page.locator('.row[data-tag="v1.2.0"] .date-pushed').textContent()).toMatch(/^pushed /)
    // Every digest, size and push date of the page came from one /gitlab/v1 request.
    expect(countRequests(gitlab.requests, 'GET', /^\/gitlab\/v1\/repositories\/platform\/api\/tags\/list\/$/)).toBeGreaterThanOrEqual(1)
    expect(countRequests(gitlab.requests, 'HEAD', /\/manifests\//)).toBe(0)
    await screenshot(page, 'e2e-gitlab.png')
    expect(pageErrors).toEqual([])
  })
})

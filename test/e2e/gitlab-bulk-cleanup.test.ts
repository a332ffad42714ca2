// GitLab's own bulk cleanup from the app's cleanup dialog, against the GitLab recording
// (test/fixtures/recordings: written from GitLab's API docs, not captured): the rules shown in
// GitLab's vocabulary before anything is sent, then what GitLab accepted and that it runs later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startGitlabRecording, type GitlabRecordingServer } from '../fixtures/recording-server'
import { detailsSettled, launchChromium, screenshot, startBerthWeb, type BerthWeb } from './e2e-helpers'

let gitlab: GitlabRecordingServer
let web: BerthWeb
let browser: Browser
let page: Page
let registryId = ''
const pageErrors: string[] = []

beforeAll(async () => {
  gitlab = await startGitlabRecording()
  web = await startBerthWeb()
  const saved = await web.core.api.saveRegistry({ profile: { name: 'GitLab (platform)', url: gitlab.registryUrl, kind: 'gitlab' } })
  registryId = saved.id
  await web.core.api.login({ registryId, username: 'ada', secret: 'glpat-recorded-developer' })
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await web?.close()
  await gitlab?.close()
})

describe("GitLab's bulk cleanup from the cleanup dialog", () => {
  it('shows the parameters first, submits them, and says what GitLab accepted and that it runs later', async () => {
    await page.goto(`${web.server.url}#/r/${encodeURIComponent(registryId)}/platform/api`)
    await page.waitForSelector('.crumb-repo[title="platform/api"]')
    await detailsSettled(page)
    await page.getByRole('button', { name: /^Clean up/ }).click()
    await page.getByLabel('Remove tags matching').fill('^pr-')
    await page.getByLabel('Keep the most recent').fill('1')
    await screenshot(page, 'e2e-gitlab-bulk-rules.png')
    await page.getByRole('button', { name: 'Let GitLab run it…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: 'Let GitLab clean up platform/api' }).waitFor()
    expect(await dialog.locator('.gitlab-parameters').innerText()).toMatch(/name_regex_delete\s+\(\?i\)pr-\.\*\s+keep_n\s+1/)
    expect(gitlab.bulkDeletes).toEqual([])
    await screenshot(page, 'e2e-gitlab-bulk-confirm.png')

    await dialog.getByRole('button', { name: 'Submit to GitLab' }).click()
    await dialog.getByRole('heading', { name: 'GitLab accepted the cleanup of platform/api' }).waitFor()
    expect(await dialog.getByText('It has not run yet.').count()).toBe(1)
    expect(gitlab.bulkDeletes.map((b) => [b.params, b.status])).toEqual([[{ name_regex_delete: '(?i)pr-.*', keep_n: '1' }, 202]])
    await screenshot(page, 'e2e-gitlab-bulk-accepted.png')
    const [entry] = await web.core.api.readAuditLog({ registryId })
    expect(entry).toMatchObject({ method: 'gitlab-bulk-delete', result: 'ok', repository: 'platform/api', account: 'ada' })
    expect(pageErrors).toEqual([])
  })
})

// @vitest-environment happy-dom
// Docker Hub's remaining pulls beside the tag count: asked from the core once the tags are listed,
// shown in words, marked when low; not shown at all for a registry without a quota.
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingFakeApi, type RecordingApi } from '../../../test/ui-harness/recording-api'
import { capabilitiesFor } from '../../../shared/registry-capabilities'
import type { RateLimitView } from '../../../shared/ipc'
import { installApi } from '../api/call'
import { useRateLimits } from '../stores/rate-limit'
import { useRegistries } from '../stores/registries'
import { useTags } from '../stores/tags'
import { RateLimitBadge } from './rate-limit-badge'

let fake: RecordingApi
let quota: RateLimitView | null

beforeEach(async () => {
  quota = { limit: 100, remaining: 97, windowSeconds: 21600, seenAt: '2026-11-23T12:00:00.000Z' }
  fake = recordingFakeApi({}, { getRateLimit: () => Promise.resolve(quota) })
  installApi(fake.api)
  useRateLimits.setState({ byRegistry: {} })
  await useRegistries.getState().load()
  // The fake has no Docker Hub: the mirror plays one.
  const mirror = useRegistries.getState().registries.find((r) => r.id === 'mirror')
  if (!mirror) throw new Error('fixture: the mirror registry')
  useRegistries.getState().upsert({ ...mirror, kind: 'dockerhub', capabilities: capabilitiesFor('dockerhub') })
})

afterEach(() => {
  cleanup()
  useTags.getState().close()
})

describe('the pull-quota badge', () => {
  it('shows the remaining pulls once the tag list is in', async () => {
    render(<RateLimitBadge registryId="mirror" />)
    expect(screen.getByText('Pull quota: not reported yet')).toBeTruthy()
    await useTags.getState().open('mirror', 'library/nginx')
    const badge = await screen.findByRole('status', { name: 'Docker Hub pull quota: 97 of 100 pulls left per 6 hours' })
    expect(badge.textContent).toBe('Pull quota97 of 100 pulls left per 6 hours')
    expect(fake.requests('getRateLimit')[0]).toEqual({ registryId: 'mirror' })
  })

  it('is marked when few pulls are left', async () => {
    quota = { limit: 100, remaining: 3, windowSeconds: 21600, seenAt: '2026-11-23T12:00:00.000Z' }
    render(<RateLimitBadge registryId="mirror" />)
    await useTags.getState().open('mirror', 'library/nginx')
    await vi.waitFor(() => expect(screen.getByRole('status').className).toContain('low'))
  })

  it('shows nothing and asks nothing for a registry that reports no quota', async () => {
    const { container } = render(<RateLimitBadge registryId="acme" />)
    await useTags.getState().open('acme', 'web/admin')
    expect(container.textContent).toBe('')
    expect(fake.requests('getRateLimit')).toEqual([])
  })
})

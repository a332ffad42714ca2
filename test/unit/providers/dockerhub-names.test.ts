import { describe, expect, it } from 'vitest'
import { normalizeHubRepository } from '../../../electron/providers/dockerhub/dockerhub-provider'
import { hubRepositoryName } from '../../../electron/providers/dockerhub/hub-api'
import { parseRateLimitHeaders } from '../../../electron/http/registry-errors'

describe('Docker Hub names and quotas', () => {
  it('puts official images in the library namespace', () => {
    expect(normalizeHubRepository('alpine')).toBe('library/alpine')
    expect(normalizeHubRepository('ada/webapp')).toBe('ada/webapp')
    expect(hubRepositoryName('alpine')).toEqual({ namespace: 'library', name: 'alpine' })
    expect(hubRepositoryName('org/team/app')).toEqual({ namespace: 'org', name: 'team/app' })
  })

  it('reads the documented ratelimit headers with their window', () => {
    expect(parseRateLimitHeaders({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' })).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
    })
  })
})

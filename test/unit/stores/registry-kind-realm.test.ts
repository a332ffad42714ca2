// GitLab is recognised by its /jwt/auth realm for the `container_registry` service; a token server
// in GitLab's shape for another service (the test lab's issuer) is not GitLab.
import { describe, expect, it } from 'vitest'
import { detectRegistryKind } from '../../../electron/stores/profiles/registry-kind'

const distribution = { 'docker-distribution-api-version': 'registry/2.0' }

describe('GitLab by its realm', () => {
  it.each([
    ['GitLab, realm and service', 'https://gitlab.example.com/jwt/auth', 'container_registry', 'gitlab'],
    ['GitLab under a relative URL root', 'https://corp.example/gitlab/jwt/auth', 'container_registry', 'gitlab'],
    ['a /jwt/auth realm without a service', 'https://gitlab.example.com/jwt/auth', undefined, 'gitlab'],
    ['another token server shaped like GitLab', 'https://localhost:6443/jwt/auth', 'berth-lab-tls-realm', 'distribution'],
  ])('%s', (_, realm, service, kind) => {
    expect(detectRegistryKind({ headers: distribution, realm, ...(service ? { service } : {}) }, 'https://127.0.0.1:5443')).toBe(kind)
  })
})

// Kind detection against recorded /v2/ ping answers of GitLab and the other big registries
// (test/fixtures/recordings/challenges.json, written from their docs), run through the same
// challenge parser the client uses.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { detectRegistryKind } from '../../../electron/stores/profiles/registry-kind'
import { parseChallenges, pickChallenge } from '../../../electron/http/challenge'
import { noCatalogReason } from '../../../electron/providers/generic-provider'
import { registryKinds } from '../../../shared/types'

const recordings = z
  .array(z.object({ registry: z.string(), url: z.string(), kind: z.enum(registryKinds), headers: z.record(z.string(), z.string()) }))
  .parse(JSON.parse(readFileSync(new URL('../../fixtures/recordings/challenges.json', import.meta.url), 'utf8')))

describe('registry kind from recorded challenges', () => {
  it.each(recordings.map((r) => [r.registry, r] as const))('recognises %s', (_name, recording) => {
    const challenge = pickChallenge(parseChallenges(recording.headers['www-authenticate']))
    const kind = detectRegistryKind(
      { headers: recording.headers, realm: challenge?.params.realm, service: challenge?.params.service },
      recording.url,
    )
    expect(kind).toBe(recording.kind)
  })

  it('recognises GitLab from the token realm alone when the registry lives on its own host and port', () => {
    expect(
      detectRegistryKind(
        { headers: {}, realm: 'https://git.corp.example/jwt/auth', service: 'container_registry' },
        'https://registry.corp.example:5050',
      ),
    ).toBe('gitlab')
  })

  it('prefers the ECR Basic challenge over the distribution header it also sends', () => {
    const ecr = recordings.find((r) => r.kind === 'ecr')
    const challenge = pickChallenge(parseChallenges(ecr?.headers['www-authenticate']))
    expect(challenge?.scheme).toBe('basic')
  })
})

describe('no-catalog explanations per kind', () => {
  it("explains the missing catalog in each registry's own terms and leaves the others to the generic message", () => {
    expect(noCatalogReason('ghcr')).toMatch(/GitHub/)
    expect(noCatalogReason('quay')).toMatch(/owns/)
    expect(noCatalogReason('ecr')).toMatch(/AWS/)
    expect(noCatalogReason('harbor')).toMatch(/administrators/)
    expect(noCatalogReason('distribution')).toBeNull()
  })
})

// The fake Api's audit log: a few days of deletes, a copy, a tag write, a refusal and a GitLab bulk
// cleanup on the ACME registry, one delete on the lab, oldest first as the core answers.
import type { AuditEntry } from '../../shared/types'
import { bigRepository, now } from './fake-data'

const acme = 'registry.acme.internal'
const hours = (n: number): string => new Date(now - n * 3_600_000).toISOString()
const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`

export function fakeAuditEntries(): AuditEntry[] {
  const by = { user: 'jdoe', account: 'jdoe' }
  return [
    {
      time: hours(70),
      registry: acme,
      repository: bigRepository,
      tag: 'pr-2311-b3',
      digest: digest(1),
      method: 'gitlab-api',
      result: 'ok',
      ...by,
    },
    {
      time: hours(70),
      registry: acme,
      repository: bigRepository,
      tag: 'pr-2311-b4',
      digest: digest(2),
      method: 'gitlab-api',
      result: 'ok',
      ...by,
    },
    {
      time: hours(49),
      registry: acme,
      repository: bigRepository,
      tag: 'stable',
      digest: digest(3),
      method: 'gitlab-api',
      result: 'error',
      error: 'forbidden: registry.acme.internal answered 403 to DELETE: the tag "stable" is protected.',
      ...by,
    },
    {
      time: hours(30),
      registry: acme,
      repository: 'platform/web',
      tag: '2.4.0',
      digest: digest(4),
      method: 'copy',
      result: 'ok',
      source: 'registry.lab.internal:5000/team/app',
      sourceDigest: digest(4),
      previousDigest: null,
      ...by,
    },
    {
      time: hours(29),
      registry: acme,
      repository: 'platform/web',
      tag: 'stable',
      digest: digest(4),
      method: 'tag-write',
      result: 'ok',
      previousDigest: digest(5),
      ...by,
    },
    {
      time: hours(5),
      registry: acme,
      repository: bigRepository,
      tag: null,
      digest: '',
      method: 'gitlab-bulk-delete',
      result: 'ok',
      detail: 'name_regex_delete=(?i).*(?:^pr-).* keep_n=10 older_than=30d',
      ...by,
    },
    {
      time: hours(2),
      registry: 'registry.lab.internal:5000',
      repository: 'team/app',
      tag: 'old',
      digest: digest(6),
      method: 'tag-delete',
      result: 'ok',
      user: 'jdoe',
    },
    {
      time: hours(1),
      registry: acme,
      repository: bigRepository,
      tag: 'main-b09',
      digest: digest(7),
      method: 'throwaway-manifest',
      result: 'ok',
      ...by,
    },
  ]
}

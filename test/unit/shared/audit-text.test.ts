// Audit entries in words, for the activity view and `berth audit`: known kinds by name, any other
// kind (a newer Berth's, or one added since) still shown with everything it carries.
import { describe, expect, it } from 'vitest'
import { auditAction, auditActor, auditCategory, auditDetails, auditTarget } from '../../../shared/audit-text'
import type { AuditEntry } from '../../../shared/types'

const base: AuditEntry = {
  time: '2026-03-01T10:00:00.000Z',
  registry: 'registry.example.com',
  repository: 'team/app',
  tag: '1.4',
  digest: `sha256:${'a'.repeat(64)}`,
  method: 'tag-delete',
  result: 'ok',
}

describe('audit entries in words', () => {
  it('names each known kind and groups it for the filters', () => {
    expect(auditAction('digest-delete')).toBe('Image delete (by digest)')
    expect(auditAction('copy')).toBe('Image copy')
    expect(auditAction('gitlab-bulk-delete')).toBe('GitLab bulk cleanup')
    expect(['tag-delete', 'throwaway-manifest', 'gitlab-api', 'digest-delete'].map(auditCategory)).toEqual([
      'delete',
      'delete',
      'delete',
      'delete',
    ])
    expect(['tag-write', 'copy'].map(auditCategory)).toEqual(['write', 'write'])
    expect(auditCategory('gitlab-bulk-delete')).toBe('server-cleanup')
  })

  it('shows a kind it does not know as its own name, in the nearest group, with every field it carries', () => {
    const entry = { ...base, method: 'retag-move', movedFrom: 'old', attempts: 2 } as unknown as AuditEntry
    expect(auditAction(entry.method)).toBe('retag move')
    expect(auditCategory('manifest-delete')).toBe('delete')
    expect(auditCategory('retag-move')).toBe('other')
    expect(auditDetails(entry)).toEqual(['digest sha256:aaaaaaaaaaaa', 'movedFrom: old', 'attempts: 2'])
  })

  it('names the target by tag, by digest, or the repository alone', () => {
    expect(auditTarget(base)).toBe('team/app:1.4')
    expect(auditTarget({ ...base, tag: null })).toBe('team/app@sha256:aaaaaaaaaaaa')
    expect(auditTarget({ ...base, tag: null, digest: '' })).toBe('team/app')
  })

  it('says who: the registry account, and the local user where it differs', () => {
    expect(auditActor({ account: 'ada', user: 'bob' })).toBe('ada (local user bob)')
    expect(auditActor({ account: 'ada', user: 'ada' })).toBe('ada')
    expect(auditActor({ user: 'bob' })).toBe('local user bob')
    expect(auditActor({})).toBe('')
  })

  it('puts the error first, then where a copy came from and what a tag pointed at before', () => {
    const copy: AuditEntry = {
      ...base,
      method: 'tag-write',
      result: 'error',
      error: 'conflict: the tag moved',
      source: 'other.example/team/app',
      sourceDigest: `sha256:${'b'.repeat(64)}`,
      previousDigest: `sha256:${'c'.repeat(64)}`,
    }
    expect(auditDetails(copy)).toEqual([
      'conflict: the tag moved',
      'from other.example/team/app@sha256:bbbbbbbbbbbb',
      'moved from sha256:cccccccccccc',
      'digest sha256:aaaaaaaaaaaa',
    ])
    expect(auditDetails({ ...base, method: 'copy', previousDigest: null })).toContain('new tag')
    expect(auditDetails({ ...base, tag: null, digest: '', method: 'gitlab-bulk-delete', detail: 'name_regex_delete=.*' })).toEqual([
      'name_regex_delete=.*',
    ])
  })
})

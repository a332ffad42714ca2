// Berth's cleanup rules in GitLab's bulk-delete vocabulary: patterns rewritten to match the same
// whole names in RE2, durations in GitLab's units, and what cannot be sent refused with the reason.
import { describe, expect, it } from 'vitest'
import { cleanupRulesSchema } from '../../../shared/cleanup-rules'
import { gitlabBulkParameters, gitlabBulkRequestFor, gitlabDuration, wholeNamePattern } from '../../../shared/gitlab-cleanup'

const rules = (input: Partial<Record<string, unknown>>) => cleanupRulesSchema.parse(input)

describe('wholeNamePattern', () => {
  it.each([
    ['.*', '.*'],
    ['^.*$', '.*'],
    ['^pr-', '(?i)pr-.*'],
    ['-rc\\d+$', '(?i).*-rc\\d+'],
    ['^v1\\.2\\.\\d+$', '(?i)v1\\.2\\.\\d+'],
    ['sha', '(?i).*sha.*'],
    ['price\\$', '(?i).*price\\$.*'],
    ['^(dev|sha)-', '(?i).*(?:^(dev|sha)-).*'],
    ['^a|b$', '(?i).*(?:^a|b$).*'],
  ])('%s → %s', (pattern, expected) => {
    expect(wholeNamePattern(pattern)).toBe(expected)
  })

  it('matches in full exactly the names the pattern matches anywhere, ignoring case', () => {
    const names = ['pr-12', 'PR-7', 'main', 'build-pr-3', 'v1.2.0', 'v1.2.0-rc1', 'latest', 'dev-x', 'sha-1']
    for (const pattern of ['^pr-', 'pr-', '-rc\\d+$', '^v1\\.2\\.\\d+$', '^(dev|sha)-', '.*']) {
      // JavaScript has no inline (?i): the test applies it as a flag, as RE2 reads it.
      const translated = wholeNamePattern(pattern).replace(/^\(\?i\)/, '')
      const full = new RegExp(`^(?:${translated})$`, 'i')
      const anywhere = new RegExp(pattern, 'i')
      for (const name of names) expect([pattern, name, full.test(name)]).toEqual([pattern, name, anywhere.test(name)])
    }
  })
})

describe('gitlabDuration', () => {
  it.each([
    ['12h', '12h'],
    ['30d', '30d'],
    ['2w', '14d'],
    ['1month', '1month'],
    ['3 months', '3month'],
    ['1y', '12month'],
    ['0d', null],
    ['5m', null],
  ])('%s → %s', (text, expected) => {
    expect(gitlabDuration(text)).toBe(expected)
  })
})

describe('gitlabBulkRequestFor', () => {
  it('sends every rule in GitLab names and says how GitLab reads them differently', () => {
    const translated = gitlabBulkRequestFor(rules({ removeRegex: '^pr-', keepRegex: '^v\\d+', keepN: 5, olderThan: '2w' }))
    expect(translated.ok).toBe(true)
    if (!translated.ok) return
    expect(translated.request).toEqual({ nameRegexDelete: '(?i)pr-.*', nameRegexKeep: '(?i)v\\d+.*', keepN: 5, olderThan: '14d' })
    expect(gitlabBulkParameters(translated.request)).toEqual([
      ['name_regex_delete', '(?i)pr-.*'],
      ['name_regex_keep', '(?i)v\\d+.*'],
      ['keep_n', '5'],
      ['older_than', '14d'],
    ])
    expect(translated.notes.join('\n')).toMatch(/whole tag/)
    expect(translated.notes.join('\n')).toMatch(/5 newest of the tags its patterns would delete/)
    expect(translated.notes.join('\n')).toMatch(/"Older than 2w" is sent as 14d/)
    expect(translated.notes.join('\n')).toMatch(/never deletes `latest`/)
  })

  it('sends only the rules that are set', () => {
    const translated = gitlabBulkRequestFor(rules({ removeRegex: '.*' }))
    expect(translated.ok && translated.request).toEqual({ nameRegexDelete: '.*' })
  })

  it('says `latest` stays on GitLab even when unlocked here', () => {
    const translated = gitlabBulkRequestFor(rules({ removeRegex: '.*', unlockLatest: true }))
    expect(translated.ok && translated.notes.at(-1)).toMatch(/even with it unlocked/)
  })

  it.each([
    [{ removeRegex: '' }, /remove pattern is required/],
    [{ removeRegex: '^(?!main)' }, /remove pattern uses a lookaround/],
    [{ removeRegex: '.*', keepRegex: '(a)\\1' }, /keep pattern uses a lookaround or a backreference/],
    [{ removeRegex: '(?<=x)y' }, /lookaround/],
  ])('refuses what RE2 or GitLab cannot run: %j', (input, message) => {
    const translated = gitlabBulkRequestFor(rules(input))
    expect(translated.ok).toBe(false)
    if (!translated.ok) expect(translated.error).toMatch(message)
  })
})

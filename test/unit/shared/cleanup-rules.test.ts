// Cleanup rule evaluation, table-driven: every rule alone and combined, `latest` protection, unknown
// dates, keep-n ties, selections, and what the plan says about shared digests and index children.
import { describe, expect, it } from 'vitest'
import {
  cleanupRulesSchema,
  evaluateCleanup,
  parseDuration,
  type CleanupRulesInput,
  type CleanupTagInfo,
} from '../../../shared/cleanup-rules'

const day = 86_400_000
const now = Date.parse('2026-06-30T12:00:00Z')
const daysAgo = (n: number): string => new Date(now - n * day).toISOString()
const digest = (c: string): string => `sha256:${c.repeat(64)}`

function image(tag: string, age: number | null, d: string, extra: Partial<CleanupTagInfo> = {}): CleanupTagInfo {
  return {
    tag,
    digest: digest(d),
    kind: 'image',
    created: age === null ? null : daysAgo(age),
    createdSource: age === null ? 'unknown' : 'config',
    children: [],
    ...extra,
  }
}

// Ages in days. `latest` and `1.2` share digest a with `1.2.0`; `old-b` and `keep-b` share b.
const repo: CleanupTagInfo[] = [
  image('latest', 1, 'a'),
  image('1.2.0', 1, 'a'),
  image('1.2', 1, 'a'),
  image('1.1.0', 10, 'c'),
  image('1.0.0', 40, 'd'),
  image('old-b', 90, 'b'),
  image('keep-b', 90, 'b'),
  image('dev-1', 5, 'e'),
  image('dev-2', 50, 'f'),
  image('repro', null, '1'),
]

const removed = (rules: CleanupRulesInput, tags = repo, selection?: string[]): string[] =>
  evaluateCleanup('acme/app', tags, rules, { now, ...(selection ? { selection } : {}) })
    .remove.slice()
    .sort()

describe('cleanup rule evaluation', () => {
  it.each<[string, CleanupRulesInput, string[]]>([
    ['removes nothing without a remove pattern, whatever else is set', { keepN: 1, olderThan: '1d' }, []],
    [
      'removes every match of the remove pattern except latest',
      { removeRegex: '.*' },
      ['1.0.0', '1.1.0', '1.2', '1.2.0', 'dev-1', 'dev-2', 'keep-b', 'old-b', 'repro'],
    ],
    [
      'removes latest only when explicitly unlocked',
      { removeRegex: '.*', unlockLatest: true },
      ['1.0.0', '1.1.0', '1.2', '1.2.0', 'dev-1', 'dev-2', 'keep-b', 'latest', 'old-b', 'repro'],
    ],
    [
      'keeps what the keep pattern matches even when the remove pattern matches too',
      { removeRegex: '.*', keepRegex: '^\\d+\\.\\d+(\\.\\d+)?$' },
      ['dev-1', 'dev-2', 'keep-b', 'old-b', 'repro'],
    ],
    [
      'removes only tags older than the duration, never those of unknown date',
      { removeRegex: '.*', olderThan: '30d' },
      ['1.0.0', 'dev-2', 'keep-b', 'old-b'],
    ],
    ['treats a tag exactly as old as the duration as not older', { removeRegex: '^1\\.0\\.0$', olderThan: '40d' }, []],
    [
      'keeps the N most recent and every tag of unknown date while keep-n is set',
      { removeRegex: '.*', keepN: 5 },
      ['1.0.0', 'dev-2', 'keep-b', 'old-b'],
    ],
    ['combines every rule with AND', { removeRegex: '^(dev|old)-', keepN: 2, olderThan: '2w', keepRegex: '^old-' }, ['dev-2']],
    ['matches patterns case-insensitively', { removeRegex: '^DEV-' }, ['dev-1', 'dev-2']],
  ])('%s', (_name, rules, expected) => {
    expect(removed(rules)).toEqual(expected)
  })

  it('keeps every tag as recent as the N-th most recent (ties at the cut-off stay together)', () => {
    // latest, 1.2.0 and 1.2 are all 1 day old: keeping "2 most recent" keeps all three.
    const plan = evaluateCleanup('acme/app', repo, { removeRegex: '.*', keepN: 2, unlockLatest: true }, { now })
    const byTag = new Map(plan.items.map((i) => [i.tag, i]))
    expect(['latest', '1.2.0', '1.2'].map((t) => byTag.get(t)?.reason)).toEqual(['keep-n', 'keep-n', 'keep-n'])
    expect(byTag.get('latest')?.why).toMatch(/same date/)
    expect(byTag.get('dev-1')?.action).toBe('remove')
  })

  it('keeps a tag whose date is unknown under older-than and says so', () => {
    const plan = evaluateCleanup('acme/app', repo, { removeRegex: '^repro$', olderThan: '1d' }, { now })
    expect(plan.items.find((i) => i.tag === 'repro')).toMatchObject({
      action: 'keep',
      reason: 'date-unknown',
      date: null,
      dateSource: 'unknown',
    })
  })

  it('never removes a tag whose details could not be read', () => {
    const tags = [
      ...repo,
      { tag: 'broken', digest: null, kind: 'unknown' as const, created: null, createdSource: 'unknown' as const, children: [] },
    ]
    const plan = evaluateCleanup('acme/app', tags, { removeRegex: '.*' }, { now })
    expect(plan.items.find((i) => i.tag === 'broken')).toMatchObject({ action: 'keep', reason: 'unreadable' })
    expect(plan.expectedDigests).not.toHaveProperty('broken')
  })

  it('ranks by push date where the registry knows it, over the build date', () => {
    const tags = [image('rebuilt', 100, 'a', { pushed: daysAgo(1) }), image('fresh', 2, 'b')]
    const plan = evaluateCleanup('acme/app', tags, { removeRegex: '.*', keepN: 1 }, { now })
    expect(plan.items.map((i) => [i.tag, i.action, i.dateSource])).toEqual([
      ['rebuilt', 'keep', 'pushed'],
      ['fresh', 'remove', 'config'],
    ])
  })

  it('limits removal to the selection while keep-n still ranks the whole repository', () => {
    expect(removed({ removeRegex: '.*', keepN: 3 }, repo, ['1.1.0', 'dev-1', 'dev-2'])).toEqual(['1.1.0', 'dev-1', 'dev-2'])
    const plan = evaluateCleanup('acme/app', repo, { removeRegex: '.*' }, { now, selection: ['dev-1'] })
    expect(plan.items.filter((i) => i.reason === 'not-selected')).toHaveLength(repo.length - 1)
  })

  it('lists images that lose their last tag apart from images that stay referenced by kept tags', () => {
    const plan = evaluateCleanup('acme/app', repo, { removeRegex: '^(old-b|1\\.2\\.0|dev-2)$' }, { now })
    expect(plan.untaggedDigests).toEqual([{ digest: digest('f'), tags: ['dev-2'] }])
    expect(plan.sharedWithKept).toEqual(
      expect.arrayContaining([
        { digest: digest('a'), removed: ['1.2.0'], kept: ['1.2', 'latest'] },
        { digest: digest('b'), removed: ['old-b'], kept: ['keep-b'] },
      ]),
    )
    expect(plan.expectedDigests).toEqual({ '1.2.0': digest('a'), 'old-b': digest('b'), 'dev-2': digest('f') })
    expect(plan.summary).toBe(
      'Remove 3 of 10 tags (tag by tag; no image is deleted by digest). 1 image loses its last tag and becomes untagged. ' +
        '2 images keep other tags: only the listed tags go.',
    )
  })

  it('reports index children that kept indexes still use', () => {
    const tags = [
      image('multi-old', 60, 'a', { kind: 'index', children: [digest('7'), digest('8')] }),
      image('multi-new', 1, 'b', { kind: 'index', children: [digest('7'), digest('9')] }),
    ]
    const plan = evaluateCleanup('acme/app', tags, { removeRegex: '^multi-old$' }, { now })
    expect(plan.childrenStillUsed).toEqual([{ digest: digest('7'), removedIndexTags: ['multi-old'], keptIndexTags: ['multi-new'] }])
  })

  it('does not list the children of an index that stays tagged under another name', () => {
    const tags = [
      image('old-name', 60, 'a', { kind: 'index', children: [digest('7')] }),
      image('new-name', 60, 'a', { kind: 'index', children: [digest('7')] }),
    ]
    const plan = evaluateCleanup('acme/app', tags, { removeRegex: '^old-' }, { now })
    expect(plan.childrenStillUsed).toEqual([])
    expect(plan.sharedWithKept).toEqual([{ digest: digest('a'), removed: ['old-name'], kept: ['new-name'] }])
  })

  it('orders the plan newest first with unknown dates last', () => {
    const plan = evaluateCleanup('acme/app', repo, {}, { now })
    expect(plan.items[0]?.tag).toBe('1.2')
    expect(plan.items.at(-1)?.tag).toBe('repro')
    expect(plan.summary).toBe('Nothing to remove: all 10 tags are kept.')
  })
})

describe('cleanup rule schema', () => {
  it.each([
    ['7d', 7 * day],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * day],
    ['1month', 30 * day],
    ['3 months', 90 * day],
    ['1y', 365 * day],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '5m', '0d', '-1d', 'soon', '1.5d'])('refuses %j as a duration', (text) => {
    expect(parseDuration(text)).toBeNull()
  })

  it('refuses invalid and catastrophic patterns and unknown durations', () => {
    expect(cleanupRulesSchema.safeParse({ removeRegex: '(' }).success).toBe(false)
    expect(cleanupRulesSchema.safeParse({ keepRegex: '(a+)+$' }).success).toBe(false)
    expect(cleanupRulesSchema.safeParse({ olderThan: '30 minutes' }).success).toBe(false)
    expect(cleanupRulesSchema.parse({})).toEqual({ keepN: 0, keepRegex: '', removeRegex: '', olderThan: '', unlockLatest: false })
  })
})

// Which source tags a sync takes before their age is known (shared/copy.ts): the one selection
// `berth sync`, the app's mirror (planCopy/startCopy with `sync`) and the mirror dialog's live count
// use; and the Api refuses, at the boundary, a pattern that is not a usable regular expression.
import { describe, expect, it } from 'vitest'
import { syncTagSelection } from '../../../shared/copy'
import { requestSchemas } from '../../../shared/ipc'

const signature = `sha256-${'a'.repeat(64)}.sig`

describe('the sync selection shared by berth sync and the mirror dialog', () => {
  it('matches case-insensitively anywhere in the tag, leaves referrer tags to their subjects, and names invalid tags', () => {
    const tags = ['v1.0', 'V1.1', 'v2.0', signature, 'x'.repeat(129)]
    expect(syncTagSelection(tags, { tagPattern: 'v1' })).toEqual({ ok: true, tags: ['v1.0', 'V1.1'], skipped: [] })
    expect(syncTagSelection(tags, { referrers: true })).toEqual({
      ok: true,
      tags: ['v1.0', 'V1.1', 'v2.0'],
      skipped: [{ reference: 'x'.repeat(129), reason: 'not a valid tag name' }],
    })
    expect(syncTagSelection(tags, { tagPattern: '(a+)+' }).ok).toBe(false)
  })
})

describe('the sync request at the Api boundary', () => {
  const request = (sync: unknown): unknown => ({
    source: { registryId: 'lab', repository: 'acme/web' },
    destination: { registryId: 'mirror', repository: 'acme/web' },
    sync,
  })

  it('takes a usable pattern and age, and refuses others with what was wrong', () => {
    expect(requestSchemas.planCopy.safeParse(request({ tagPattern: '^v1\\.', newerThan: '7d' })).success).toBe(true)
    const badPattern = requestSchemas.startCopy.safeParse(request({ tagPattern: 'v1(' }))
    expect(badPattern.success).toBe(false)
    expect(badPattern.error?.issues[0]?.message).toMatch(/^not a usable regular expression/)
    const badAge = requestSchemas.planCopy.safeParse(request({ newerThan: '3m' }))
    expect(badAge.error?.issues[0]?.message).toBe('not a duration like 12h, 7d, 2w, 1month')
  })
})

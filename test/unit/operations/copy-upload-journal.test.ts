// The journal of unfinished uploads survives the process (a later run resumes), is private to the
// user, forgets entries after a week, and a damaged file costs only the resumes.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createFileUploadJournal, journalKey } from '../../../electron/operations/copy-upload-journal'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function journalFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-journal-'))
  dirs.push(dir)
  return join(dir, 'data', 'copy-uploads.json')
}

const key = journalKey('registry.example.com', 'team/app', `sha256:${'a'.repeat(64)}`)
const entry = { location: 'https://registry.example.com/v2/team/app/blobs/uploads/1?_state=x', offset: 65536, size: 1_000_000 }

describe('the upload journal', () => {
  it('is read back by a later process, from a file only its user can read', async () => {
    const file = journalFile()
    await createFileUploadJournal(file).put(key, entry)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(await createFileUploadJournal(file).get(key)).toMatchObject(entry)
    await createFileUploadJournal(file).delete(key)
    expect(await createFileUploadJournal(file).get(key)).toBeNull()
    expect(readFileSync(file, 'utf8')).not.toContain('_state')
  })

  it('forgets entries older than a week', async () => {
    const file = journalFile()
    const start = Date.parse('2026-01-01T00:00:00Z')
    await createFileUploadJournal(file, () => start).put(key, entry)
    expect(await createFileUploadJournal(file, () => start + 6 * 86_400_000).get(key)).not.toBeNull()
    expect(await createFileUploadJournal(file, () => start + 8 * 86_400_000).get(key)).toBeNull()
  })

  it('starts empty over a damaged file', async () => {
    const file = journalFile()
    await createFileUploadJournal(file).put(key, entry)
    writeFileSync(file, '{"version":1,"uploads":{"x": {"location": 5}')
    const journal = createFileUploadJournal(file)
    expect(await journal.get(key)).toBeNull()
    await journal.put(key, entry)
    expect(await createFileUploadJournal(file).get(key)).toMatchObject(entry)
  })
})

// The CLI facing a hostile or broken registry (the fault proxy in front of the lab's open registry):
// names that would drive the terminal or pass for something else are printed escaped, --json keeps
// them exact, a partial listing says it is partial, and every path exits with the documented code.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TagRowJson } from '../../electron/doors/cli/browse-commands'
import { startFaultProxy, type FaultProxy, type FaultRule } from '../lab/fault-proxy'
import { getLab } from '../lab/lab-client'
import { berthInProcess, type CliRunOptions } from '../support/cli-run'

const hostileTags = ['x\nprod', 'rtl\u202eexe.txt', 'zero\u200bwidth', 'esc\u001b[2Jclear']
let dataDir: string
let proxy: FaultProxy | null = null

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-hostile-'))
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
afterEach(async () => {
  await proxy?.close()
  proxy = null
})

async function registryServing(rules: FaultRule[]): Promise<FaultProxy> {
  proxy = await startFaultProxy({ upstream: getLab().open.url, rules, lifetimeMs: 60_000 })
  return proxy
}

function json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body))
}

/** A real tag of acme/web on the lab, so that one row of the listing loads. */
function realTag(): string {
  const tags = Object.keys(getLab().truth.repositories['acme/web'] ?? {}).sort()
  if (!tags[0]) throw new Error('acme/web has no seeded tags')
  return tags[0]
}

const berth = (args: string[], options: CliRunOptions = {}) => berthInProcess(args, { ...options, env: { BERTH_DATA_DIR: dataDir } })

describe('registry-supplied names in the terminal', () => {
  it('prints invisible and control characters escaped, one line per tag, and exact strings with --json', async () => {
    const registry = await registryServing([
      {
        method: 'GET',
        path: /\/v2\/acme\/web\/tags\/list/,
        fault: { kind: 'serve', body: json({ name: 'acme/web', tags: [realTag(), ...hostileTags] }), contentType: 'application/json' },
      },
    ])
    const text = await berth(['tags', `${registry.host}/acme/web`])
    expect(text.code, text.stderr).toBe(0)
    const lines = text.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1 + hostileTags.length)
    expect(lines).toEqual(expect.arrayContaining(['x\\nprod', 'rtl\\u202eexe.txt', 'zero\\u200bwidth', 'esc\\u001b[2Jclear']))
    for (const raw of ['\u001b', '\u202e', '\u200b']) expect(text.stdout).not.toContain(raw)

    const exact = await berth(['tags', `${registry.host}/acme/web`, '--json'])
    expect(exact.code).toBe(0)
    expect(JSON.parse(exact.stdout)).toEqual(expect.arrayContaining(hostileTags))
  })

  it('escapes repository names from the catalog the same way', async () => {
    const registry = await registryServing([
      {
        method: 'GET',
        path: /\/v2\/_catalog/,
        fault: {
          kind: 'serve',
          body: json({ repositories: ['acme/web', 'evil\u202eexe', 'two\nlines'] }),
          contentType: 'application/json',
        },
      },
    ])
    const run = await berth(['repos', registry.host])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trimEnd().split('\n')).toEqual(['acme/web', 'evil\\u202eexe', 'two\\nlines'])
  })
})

describe('a listing with rows that fail', () => {
  it('loads the valid rows, says which failed and why, marks --json incomplete and exits 5', async () => {
    const registry = await registryServing([
      {
        method: 'GET',
        path: /\/v2\/acme\/web\/tags\/list/,
        fault: { kind: 'serve', body: json({ name: 'acme/web', tags: [realTag(), ...hostileTags] }), contentType: 'application/json' },
      },
    ])
    const run = await berth(['tags', `${registry.host}/acme/web`, '--details', '--json'])
    expect(run.code).toBe(5)
    const output = JSON.parse(run.stdout) as {
      complete: boolean
      rows: TagRowJson[]
      errors: { tag: string; code: string; message: string }[]
    }
    expect(output.complete).toBe(false)
    expect(output.rows.map((row) => row.tag)).toEqual([realTag()])
    expect(output.errors.map((error) => error.tag).sort()).toEqual([...hostileTags].sort())
    expect(output.errors.every((error) => error.code === 'invalid_response' && /not a valid tag name/.test(error.message))).toBe(true)
    expect(run.stderr).toMatch(/incomplete: 4 of 5 tags could not be read/)

    const table = await berth(['tags', `${registry.host}/acme/web`, '--details'])
    expect(table.code).toBe(5)
    expect(table.stdout).toContain(realTag())
    expect(table.stderr).toContain('x\\nprod: The registry lists a tag that is not a valid tag name')
  })
})

describe('exit codes', () => {
  it('answers a usage error with --json as a JSON error on stderr, exit 1', async () => {
    const run = await berth(['tags', 'registry.example.com/team/app', '--json', '--no-such-flag'])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    const output = JSON.parse(run.stderr) as { error: { code: string; message: string } }
    expect(output.error.code).toBe('invalid_input')
    expect(output.error.message).toMatch(/no-such-flag/)
  })

  it('checks --concurrency before any request reaches the registry', async () => {
    const registry = await registryServing([])
    const run = await berth(['tags', `${registry.host}/acme/web`, '--details', '--concurrency', 'abc'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/--concurrency must be a whole number/)
    expect(registry.requests).toHaveLength(0)
  })

  it('exits 4 when the user answers no at the prompt, having deleted nothing', async () => {
    const registry = await registryServing([])
    const run = await berth(['rm', `${registry.host}/acme/web:${realTag()}`], { answer: () => false })
    expect(run.prompts).toHaveLength(1)
    expect(run.code).toBe(4)
    expect(run.stderr).toMatch(/Nothing was deleted/)
    expect(registry.forwardedCount('DELETE')).toBe(0)
  })
})

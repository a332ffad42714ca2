import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pullCommands, shellQuote } from '../../../shared/pull-commands'
import type { PullCommandId } from '../../../shared/pull-commands'

const digest = `sha256:${'ab'.repeat(32)}`

function byId(commands: ReturnType<typeof pullCommands>): Partial<Record<PullCommandId, string>> {
  return Object.fromEntries(commands.map((c) => [c.id, c.command]))
}

describe('pullCommands', () => {
  it('lists every form for a tag with a known digest', () => {
    expect(byId(pullCommands({ registryHost: 'registry.example.com:5050', repository: 'team/app', tag: '1.2', digest }))).toEqual({
      docker: 'docker pull registry.example.com:5050/team/app:1.2',
      'docker-digest': `docker pull registry.example.com:5050/team/app@${digest}`,
      podman: 'podman pull registry.example.com:5050/team/app:1.2',
      nerdctl: 'nerdctl pull registry.example.com:5050/team/app:1.2',
      reference: 'registry.example.com:5050/team/app:1.2',
      'digest-reference': `registry.example.com:5050/team/app@${digest}`,
      from: `FROM registry.example.com:5050/team/app@${digest}`,
      'kubectl-secret':
        'kubectl create secret docker-registry regcred --docker-server=registry.example.com:5050 ' +
        '--docker-username=<username> --docker-password=<token>',
    })
  })

  it('omits the digest forms when the digest is unknown and pins FROM to the tag', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', tag: 'latest' }))
    expect(commands['docker-digest']).toBeUndefined()
    expect(commands['digest-reference']).toBeUndefined()
    expect(commands.from).toBe('FROM r.example/a:latest')
  })

  it('uses the digest everywhere when there is no tag', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', digest }))
    expect(commands.docker).toBe(`docker pull r.example/a@${digest}`)
  })

  it('gives every command a label', () => {
    for (const c of pullCommands({ registryHost: 'r.example', repository: 'a', tag: 't', digest }))
      expect(c.label.length).toBeGreaterThan(0)
  })

  it('never includes a secret in the kubectl command', () => {
    const kubectl = pullCommands({ registryHost: 'r.example', repository: 'a', tag: 't' }).find((c) => c.id === 'kubectl-secret')
    expect(kubectl?.command).toContain('--docker-password=<token>')
  })

  it('quotes shell-unsafe values', () => {
    const commands = byId(pullCommands({ registryHost: 'r.example', repository: 'a', tag: "x';rm -rf ~;'" }))
    expect(commands.docker).toBe(`docker pull 'r.example/a:x'\\'';rm -rf ~;'\\'''`)
  })
})

describe('shellQuote', () => {
  it.each([
    ['plain/value:1.0@sha256:ab', 'plain/value:1.0@sha256:ab'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", `'it'\\''s'`],
    ['$(id)', "'$(id)'"],
  ])('quotes %j as %s', (value, expected) => {
    expect(shellQuote(value)).toBe(expected)
  })

  it('produces words a POSIX shell reads back as the original value', () => {
    // Reverse of single-quoting: the quoted form is either safe as-is or '...' with '\'' escapes.
    const unquote = (q: string): string => (q.startsWith("'") ? q.slice(1, -1).replace(/'\\''/g, "'") : q)
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(unquote(shellQuote(value))).toBe(value)
      }),
      { numRuns: 500 },
    )
  })
})

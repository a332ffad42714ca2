// `--tags` is a switch for `du` and a pattern for `sync` (both in the issues' contracts): the CLI
// reads sync's as --tag-regex before parsing, and leaves every other command's alone.
import { describe, expect, it } from 'vitest'
import { commandArgs } from '../../../electron/doors/cli/cli'

describe('commandArgs', () => {
  it('reads sync --tags REGEX (and --tags=REGEX) as --tag-regex', () => {
    expect(commandArgs(['sync', 'a/x', 'b/x', '--tags', '^v', '--json'])).toEqual(['sync', 'a/x', 'b/x', '--tag-regex', '^v', '--json'])
    expect(commandArgs(['--concurrency', '8', 'sync', 'a/x', 'b/x', '--tags=^v'])).toEqual([
      '--concurrency',
      '8',
      'sync',
      'a/x',
      'b/x',
      '--tag-regex=^v',
    ])
  })

  it('leaves du --tags a switch, and a value that looks like a command alone', () => {
    expect(commandArgs(['du', 'reg/app', '--tags', '--json'])).toEqual(['du', 'reg/app', '--tags', '--json'])
    // "sync" here is the value of --port, not the command.
    expect(commandArgs(['--port', 'sync', 'du', 'reg/app', '--tags'])).toEqual(['--port', 'sync', 'du', 'reg/app', '--tags'])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isBerthError } from '../../../shared/errors'
import { helperGet, helperList, helperProgram } from '../../../electron/stores/docker-logins/credential-helper'
import { makeHelperDir, type HelperDir } from './credential-helper-fixtures'

let helpers: HelperDir
beforeAll(() => {
  helpers = makeHelperDir()
  helpers.addStore('berthtest', {
    'registry.example.com': { username: 'alice', secret: 'pa:ss word' },
    'https://index.docker.io/v1/': { username: '<token>', secret: 'identity-token' },
  })
  helpers.addScript('slow', 'exec sleep 30')
  helpers.addScript('garbage', "printf 'this is not json'")
  helpers.addScript('locked', "printf 'error: the keyring is locked'; exit 1")
})
afterAll(() => helpers.remove())

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return isBerthError(error) ? error.code : `not a BerthError: ${String(error)}`
  }
  return 'resolved'
}

describe('docker credential helper protocol', () => {
  it('gets the credentials stored for a server URL', async () => {
    expect(await helperGet('berthtest', 'registry.example.com', { env: helpers.env })).toEqual({
      serverUrl: 'registry.example.com',
      username: 'alice',
      secret: 'pa:ss word',
    })
  })

  it('answers null when the helper has nothing for that server', async () => {
    expect(await helperGet('berthtest', 'other.example.com', { env: helpers.env })).toBeNull()
  })

  it('lists server URLs with their usernames', async () => {
    expect(await helperList('berthtest', { env: helpers.env })).toEqual({
      'registry.example.com': 'alice',
      'https://index.docker.io/v1/': '<token>',
    })
  })

  it('says which helper is missing from PATH', async () => {
    const attempt = helperGet('not-installed-anywhere', 'x', { env: helpers.env })
    await expect(attempt).rejects.toThrow(/docker-credential-not-installed-anywhere is not installed/)
    expect(await codeOf(attempt)).toBe('invalid_input')
  })

  it('stops waiting for a helper that hangs', async () => {
    const started = Date.now()
    expect(await codeOf(helperGet('slow', 'x', { env: helpers.env, timeoutMs: 300 }))).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('reports output that is not JSON as an invalid response', async () => {
    expect(await codeOf(helperGet('garbage', 'x', { env: helpers.env }))).toBe('invalid_response')
  })

  it('passes on the error the helper printed on stdout', async () => {
    await expect(helperGet('locked', 'x', { env: helpers.env })).rejects.toThrow(/the keyring is locked/)
    await expect(helperList('locked', { env: helpers.env })).rejects.toThrow(/the keyring is locked/)
  })

  it('refuses a helper name that is a path', () => {
    expect(() => helperProgram('../../bin/sh')).toThrow(/not a valid docker credential helper name/)
    expect(helperProgram('ecr-login')).toBe('docker-credential-ecr-login')
  })
})

// The main-process side of "Use in CI / Kubernetes…" through the engine's Api handlers: the real
// secret goes to the (fake) clipboard and never into an answer; without a clipboard (web mode) every
// real-value call is refused and the CLI named; pasted credentials are held by id, kept only on request.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../electron/session/engine'
import type { ClipboardPort } from '../../../electron/session/secret-clipboard'
import { createMemorySecretStore, type SecretStore } from '../../../electron/stores/secrets/secret-store'
import { createHeldCredentials } from '../../../electron/session/ci-credentials'
import { BerthError } from '../../../shared/errors'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const password = 'pa$$ "word" \n2'

async function setup(options: { clipboard: boolean }) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'berth-ci-auth-'))
  const secrets: SecretStore = createMemorySecretStore()
  const board = { text: '', writes: 0 }
  const clipboard: ClipboardPort = {
    readText: () => board.text,
    writeText: (text) => {
      board.text = text
      board.writes++
    },
    clear: () => void (board.text = ''),
  }
  const engine: Engine = createEngine({ dataDirectory, secrets, ...(options.clipboard ? { clipboard } : {}) })
  cleanups.push(async () => {
    await engine.close()
    rmSync(dataDirectory, { recursive: true, force: true })
  })
  const profile = engine.profiles.save({ name: 'Lab', url: 'https://registry.lab.example:5050', kind: 'distribution', username: 'robot' })
  await secrets.set(profile.id, password)
  return { engine, secrets, board, registryId: profile.id }
}

async function refusal(promise: Promise<unknown>): Promise<BerthError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof BerthError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('CI credentials in the desktop app (main owns a clipboard)', () => {
  it('says what can be offered, with usernames only', async () => {
    const { engine, registryId } = await setup({ clipboard: true })
    const info = await engine.api.ciAuthInfo({ registryId })
    expect(info).toEqual({
      registryId,
      target: { host: 'registry.lab.example:5050', dockerHub: false },
      realValues: { available: true },
      login: { username: 'robot' },
      saved: null,
      deployTokens: false,
    })
    expect(JSON.stringify(info)).not.toContain('pa$$')
  })

  it('copies the login’s real secret to the clipboard and answers without it', async () => {
    const { engine, registryId, board } = await setup({ clipboard: true })
    const answer = await engine.api.copyCiAuth({
      registryId,
      format: 'docker-auth-config',
      name: 'lab-pull',
      credential: { kind: 'login' },
    })
    expect(answer).toEqual({ format: 'docker-auth-config', label: 'DOCKER_AUTH_CONFIG', clearsAfterSeconds: 60 })
    expect(JSON.parse(board.text)).toEqual({
      auths: { 'registry.lab.example:5050': { auth: Buffer.from(`robot:${password}`).toString('base64') } },
    })
  })

  it('holds a pasted credential by id, keeps it in the keychain only when asked, and forgets it', async () => {
    const { engine, registryId, board, secrets } = await setup({ clipboard: true })
    const held = await engine.api.holdCiCredential({ registryId, username: 'gitlab+deploy-token-3', secret: 'gldt-abc', save: false })
    expect(held).toMatchObject({ username: 'gitlab+deploy-token-3', saved: false, expiresInSeconds: 900 })
    expect(JSON.stringify(held)).not.toContain('gldt-abc')
    expect(await secrets.get(`${registryId}:ci-pull`)).toBeNull()
    await engine.api.copyCiAuth({
      registryId,
      format: 'kubectl',
      name: 'lab-pull',
      namespace: 'team-a',
      credential: { kind: 'held', credentialId: held.credentialId },
    })
    expect(board.text).toContain('--docker-username=gitlab+deploy-token-3 --docker-password=gldt-abc --namespace=team-a')

    await engine.api.forgetCiCredential({ credentialId: held.credentialId })
    const gone = await refusal(
      engine.api.copyCiAuth({ registryId, format: 'kubectl', name: 'x', credential: { kind: 'held', credentialId: held.credentialId } }),
    )
    expect(gone.code).toBe('not_found')

    await engine.api.holdCiCredential({ registryId, username: 'robot$ci', secret: 'kept-secret', save: true })
    expect((await engine.api.ciAuthInfo({ registryId })).saved).toEqual({ username: 'robot$ci' })
    await engine.api.copyCiAuth({ registryId, format: 'docker-login', name: 'x', credential: { kind: 'saved' } })
    expect(board.text).toBe("printf '%s' kept-secret | docker login registry.lab.example:5050 --username 'robot$ci' --password-stdin")
    // Removing the registry removes its kept CI credential too.
    await engine.api.removeRegistry({ registryId })
    expect(await secrets.get(`${registryId}:ci-pull`)).toBeNull()
  })

  it('refuses bad names before anything reaches the clipboard, and a login that is only a refresh token', async () => {
    const { engine, registryId, board, secrets } = await setup({ clipboard: true })
    const bad = await refusal(engine.api.copyCiAuth({ registryId, format: 'kubectl', name: 'Bad_Name', credential: { kind: 'login' } }))
    expect(bad.code).toBe('invalid_input')
    expect(board.writes).toBe(0)
    await secrets.delete(registryId)
    await secrets.set(`${registryId}:refresh`, 'refresh-token')
    const refresh = await refusal(engine.api.copyCiAuth({ registryId, format: 'kubectl', name: 'x', credential: { kind: 'login' } }))
    expect(refresh.message).toMatch(/refresh token, which a pull secret cannot carry/)
    expect((await engine.api.ciAuthInfo({ registryId })).login).toBeNull()
  })
})

describe('CI credentials in web mode (no clipboard in main)', () => {
  it('offers the variables form only, names the CLI, and refuses every real-value call', async () => {
    const { engine, registryId, secrets } = await setup({ clipboard: false })
    const info = await engine.api.ciAuthInfo({ registryId })
    expect(info.realValues).toEqual({
      available: false,
      reason: expect.stringMatching(/never sends a real secret to a browser/) as string,
      cli: 'berth ci-auth registry.lab.example:5050 --format kubectl',
    })
    for (const call of [
      engine.api.copyCiAuth({ registryId, format: 'kubectl', name: 'x', credential: { kind: 'login' } }),
      engine.api.holdCiCredential({ registryId, username: 'u', secret: 'pasted-in-a-browser', save: true }),
      engine.api.createDeployToken({ registryId, owner: { kind: 'project', path: 'group/app' }, name: 't', save: false }),
    ]) {
      const refused = await refusal(call)
      expect(refused.code).toBe('unsupported')
      expect(refused.fix).toContain('berth ci-auth registry.lab.example:5050')
      expect(JSON.stringify(refused.toData())).not.toContain(password)
    }
    // A secret sent from a browser is not even kept.
    expect(await secrets.get(`${registryId}:ci-pull`)).toBeNull()
  })
})

describe('held credentials', () => {
  it('expire after 15 minutes and belong to one registry', () => {
    let now = 0
    const held = createHeldCredentials(() => now)
    const { credentialId } = held.hold('a', { username: 'u', password: 'p' })
    expect(held.get('a', credentialId)).toEqual({ username: 'u', password: 'p' })
    expect(() => held.get('b', credentialId)).toThrow(/no longer held/)
    now = 15 * 60_000
    expect(() => held.get('a', credentialId)).toThrow(/no longer held/)
  })
})

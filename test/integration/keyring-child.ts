// Runs one keychain step in a fresh process (`node --import tsx keyring-child.ts` with the private
// keyring's environment). A fresh process per step is required, not a convenience:
// @napi-rs/keyring opens its Secret Service store once per process (on first use) and keeps it, so
// DBUS_SESSION_BUS_ADDRESS changes made later in the same process are never seen. Separate
// processes also prove that what `login` stored is read back by a later, unrelated process.
// Reads one JSON command on stdin; prints one JSON result line on stdout.
import { join } from 'node:path'
import { z } from 'zod'
import { toErrorData } from '../../shared/errors'
import { createKeychainStore } from '../../electron/stores/secrets/keychain-store'
import { credentialSourceFor } from '../../electron/stores/secrets/credential-source'
import { importLogins } from '../../electron/stores/docker-logins/docker-config'
import { createProfileStore } from '../../electron/stores/profiles/profile-store'
import { refreshAccount } from '../../electron/stores/secrets/secret-store'
import { createRegistryClient } from '../../electron/http/registry-client'
import { parseRegistryAddress } from '../../electron/http/reference'
import { resolveTrust } from '../../electron/stores/profiles/profile-trust'

export const keyringCommandSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('roundtrip'), account: z.string(), secret: z.string(), service: z.string().optional() }),
  z.object({ action: z.literal('get'), account: z.string(), timeoutMs: z.number().optional() }),
  z.object({ action: z.literal('login'), dataDir: z.string(), url: z.string(), username: z.string(), secret: z.string() }),
  z.object({ action: z.literal('list-tags'), dataDir: z.string(), url: z.string(), repository: z.string() }),
  z.object({ action: z.literal('logout'), dataDir: z.string(), url: z.string() }),
  /** importLogins with docker/podman files found through `dockerEnv` (HOME, DOCKER_CONFIG, …). */
  z.object({ action: z.literal('import'), dataDir: z.string(), keys: z.array(z.string()), dockerEnv: z.record(z.string(), z.string()) }),
])
export type KeyringCommand = z.infer<typeof keyringCommandSchema>

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function profileFor(dataDir: string, url: string) {
  const profiles = createProfileStore(join(dataDir, 'profiles.json'))
  const host = parseRegistryAddress(url).host
  return { profiles, profile: profiles.findByHost(host) }
}

async function execute(command: KeyringCommand): Promise<unknown> {
  const secrets = createKeychainStore(command.action === 'get' && command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {})
  switch (command.action) {
    case 'roundtrip': {
      await secrets.set(command.account, command.secret)
      const got = await secrets.get(command.account)
      const deleted = await secrets.delete(command.account)
      const deletedAgain = await secrets.delete(command.account)
      const after = await secrets.get(command.account)
      return { got, deleted, deletedAgain, after }
    }
    case 'get': {
      // answeredAt lets the test measure how long the process took to exit after answering.
      const started = Date.now()
      try {
        return { secret: await secrets.get(command.account), ms: Date.now() - started, answeredAt: Date.now() }
      } catch (error) {
        return { error: toErrorData(error), ms: Date.now() - started, answeredAt: Date.now() }
      }
    }
    case 'login': {
      // The same steps as the app's `login`: profile (no secret) on disk, secret in the keychain.
      const { profiles, profile: existing } = profileFor(command.dataDir, command.url)
      const saved = existing ?? profiles.save({ name: 'lab', url: command.url })
      const profile = profiles.update(saved.id, { username: command.username })
      await secrets.set(profile.id, command.secret)
      await secrets.delete(refreshAccount(profile.id))
      return profile
    }
    case 'list-tags': {
      const { profile } = profileFor(command.dataDir, command.url)
      if (profile === undefined) throw new Error(`no profile for ${command.url}`)
      const client = createRegistryClient({
        endpoint: parseRegistryAddress(profile.url, { insecure: profile.insecure }),
        trust: resolveTrust(profile, { certsDirs: [] }),
        credentials: credentialSourceFor(profile, secrets),
      })
      try {
        return { tags: await client.listTags(command.repository) }
      } finally {
        await client.close()
      }
    }
    case 'import': {
      const profiles = createProfileStore(join(command.dataDir, 'profiles.json'))
      return await importLogins(command.keys, { profiles, secrets, env: command.dockerEnv })
    }
    case 'logout': {
      const { profile } = profileFor(command.dataDir, command.url)
      if (profile === undefined) throw new Error(`no profile for ${command.url}`)
      return { deleted: await secrets.delete(profile.id), refreshDeleted: await secrets.delete(refreshAccount(profile.id)) }
    }
  }
}

async function main(): Promise<void> {
  const command = keyringCommandSchema.parse(JSON.parse(await readStdin()))
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, value: await execute(command) })}\n`)
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorData(error) })}\n`)
  }
}

// No forced exit: a keychain call stuck on the bus must not keep this process alive (the silent-bus
// test measures that it ends on its own).
await main()

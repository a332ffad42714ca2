// What every command gets: parsed options, I/O, and the core, built only when first needed so
// `berth pull-cmd` or `--help` never touch the keychain or the data directory.
import { readFileSync } from 'node:fs'
import { BerthError } from '../../../shared/errors'
import type { Engine, SessionOverrides } from '../../session/engine'
import type { RegistrySession } from '../../session/registry-session'
import type { RegistryCredential } from '../../http/client-types'
import type { CliIo } from './cli-output'
import { UsageError } from './cli-output'

export type OptionValues = Record<string, string | boolean | string[] | undefined>

export interface CliContext {
  io: CliIo
  json: boolean
  core(): Engine
  /** The session for a registry named on the command line, with this call's --ca, --insecure and credentials. */
  session(registry: string): Promise<RegistrySession>
  flag(name: string): boolean
  string(name: string): string | undefined
  /** Every value of an option given several times (--platform a --platform b). */
  strings(name: string): string[]
  number(name: string): number | undefined
  /** The secret piped on stdin with --password-stdin (read once). */
  stdinSecret(): Promise<string | null>
}

export function createCliContext(io: CliIo, values: OptionValues, makeCore: () => Engine): CliContext {
  let core: Engine | null = null
  let secret: Promise<string | null> | null = null
  const string = (name: string) => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  const context: CliContext = {
    io,
    json: values.json === true,
    core: () => (core ??= makeCore()),
    flag: (name) => values[name] === true,
    string,
    strings(name) {
      const value = values[name]
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
    },
    number(name) {
      const value = string(name)
      if (value === undefined) return undefined
      const parsed = Number(value)
      if (!Number.isInteger(parsed) || parsed < 1 || parsed > 256) throw new UsageError(`--${name} must be a whole number from 1 to 256`)
      return parsed
    },
    stdinSecret() {
      if (values['password-stdin'] !== true) return Promise.resolve(null)
      secret ??= io.readStdin().then((text) => {
        // `echo $TOKEN | berth …` adds a newline that is not part of the secret.
        const value = text.replace(/\r?\n$/, '')
        if (!value) throw new UsageError('--password-stdin was given but nothing arrived on standard input')
        return value
      })
      return secret
    },
    async session(registry) {
      const overrides: SessionOverrides = { insecure: context.flag('insecure') }
      const caFile = string('ca')
      if (caFile) overrides.caPems = [readCaFile(caFile)]
      const password = await context.stdinSecret()
      const username = string('username')
      if (password !== null) overrides.credentials = perCallCredential(username, password)
      else if (username)
        throw new UsageError('--username needs --password-stdin (the secret is read from standard input, never from the command line)')
      return context.core().sessionForAddress(registry, overrides)
    },
  }
  return context
}

function perCallCredential(username: string | undefined, secret: string): RegistryCredential {
  // docker's convention: an identity token is stored under the user name "<token>".
  if (username === '<token>') return { kind: 'refresh_token', refreshToken: secret }
  if (!username) throw new UsageError('--password-stdin needs --username')
  return { kind: 'basic', username, password: secret }
}

export function readCaFile(path: string): string {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (error) {
    throw new BerthError({
      code: 'invalid_input',
      message: `Cannot read the CA file ${path}: ${(error as Error).message}`,
      fix: 'Pass a PEM file with --ca.',
    })
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new BerthError({
      code: 'invalid_input',
      message: `${path} holds no PEM certificate.`,
      fix: 'Pass the CA certificate in PEM form (-----BEGIN CERTIFICATE-----).',
    })
  }
  return pem
}

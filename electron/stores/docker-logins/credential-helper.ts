// Docker's credential-helper protocol (docker/docker-credential-helpers): run
// `docker-credential-<name> <action>`, the payload on stdin, JSON on stdout; on failure the helper
// prints the error message on stdout and exits 1. We only ever `get` and `list`: Berth never writes
// into the user's docker credential stores.
import { spawn } from 'node:child_process'
import { z } from 'zod'
import { BerthError } from '../../../shared/errors'

export interface HelperOptions {
  env?: NodeJS.ProcessEnv
  /** A helper may pop up an unlock dialog or hang on a locked keyring: default 5 s. */
  timeoutMs?: number
}

export interface HelperCredential {
  serverUrl: string
  username: string
  secret: string
}

const getResponseSchema = z.object({ ServerURL: z.string().optional(), Username: z.string(), Secret: z.string() })
const listResponseSchema = z.record(z.string(), z.string())

/** The helpers' own "nothing stored" message (credentials.NewErrCredentialsNotFound). */
const notFoundMessage = /credentials not found/i
const maxOutputBytes = 1024 * 1024

/** `desktop`, `osxkeychain`, `secretservice`, `pass`, `ecr-login`…: a bare name, never a path. */
export function helperProgram(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new BerthError({ code: 'invalid_input', message: `"${name.slice(0, 100)}" is not a valid docker credential helper name.` })
  }
  return `docker-credential-${name}`
}

interface HelperRun {
  code: number | null
  stdout: string
}

function runHelper(name: string, action: 'get' | 'list', input: string, options: HelperOptions): Promise<HelperRun> {
  const program = helperProgram(name)
  const timeoutMs = options.timeoutMs ?? 5_000
  return new Promise<HelperRun>((resolve, reject) => {
    const child = spawn(program, [action], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true })
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (outcome: { run: HelperRun } | { error: BerthError }): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if ('run' in outcome) resolve(outcome.run)
      else reject(outcome.error)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      settle({
        error: new BerthError({
          code: 'timeout',
          message: `${program} ${action} did not answer within ${timeoutMs} ms.`,
          fix: 'Unlock the keychain the helper uses, or check that the helper works: run it by hand.',
        }),
      })
    }, timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxOutputBytes) {
        child.kill('SIGKILL')
        settle({
          error: new BerthError({ code: 'invalid_response', message: `${program} ${action} wrote more than ${maxOutputBytes} bytes.` }),
        })
        return
      }
      chunks.push(chunk)
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT'
      settle({
        error: new BerthError(
          {
            code: 'invalid_input',
            message: missing
              ? `The docker credential helper ${program} is not installed (not found on PATH).`
              : `Could not run ${program}: ${error.message}`,
            fix: missing ? `Install ${program}, or remove it from your docker config.json (credHelpers / credsStore).` : undefined,
          },
          { cause: error },
        ),
      })
    })
    child.on('close', (code) => settle({ run: { code, stdout: Buffer.concat(chunks).toString('utf8') } }))
    // A helper that exits before reading stdin makes the write fail with EPIPE: the exit code tells the story.
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
  })
}

function helperFailed(name: string, action: string, stdout: string): BerthError {
  const message = stdout.trim().slice(0, 300) || 'no message'
  return new BerthError({
    code: 'keychain_unavailable',
    message: `${helperProgram(name)} ${action} failed: ${message}`,
    fix: 'Unlock the keychain the helper uses, or log in again with docker/podman.',
  })
}

function parseJson(name: string, action: string, stdout: string): unknown {
  try {
    return JSON.parse(stdout)
  } catch (error) {
    throw new BerthError(
      { code: 'invalid_response', message: `${helperProgram(name)} ${action} printed something that is not JSON.` },
      { cause: error },
    )
  }
}

/** `get`: the credentials stored for serverUrl, or null when the helper has none. */
export async function helperGet(name: string, serverUrl: string, options: HelperOptions = {}): Promise<HelperCredential | null> {
  const run = await runHelper(name, 'get', serverUrl, options)
  if (run.code !== 0) {
    if (notFoundMessage.test(run.stdout)) return null
    throw helperFailed(name, 'get', run.stdout)
  }
  const parsed = getResponseSchema.safeParse(parseJson(name, 'get', run.stdout))
  if (!parsed.success) {
    throw new BerthError({ code: 'invalid_response', message: `${helperProgram(name)} get answered without Username and Secret.` })
  }
  return { serverUrl: parsed.data.ServerURL ?? serverUrl, username: parsed.data.Username, secret: parsed.data.Secret }
}

/** `list`: server URL → username for everything the helper stores (no secrets). */
export async function helperList(name: string, options: HelperOptions = {}): Promise<Record<string, string>> {
  // The protocol sends nothing for list, but some helpers read stdin anyway: give them EOF.
  const run = await runHelper(name, 'list', '', options)
  if (run.code !== 0) throw helperFailed(name, 'list', run.stdout)
  const parsed = listResponseSchema.safeParse(parseJson(name, 'list', run.stdout))
  if (!parsed.success) {
    throw new BerthError({
      code: 'invalid_response',
      message: `${helperProgram(name)} list did not print a JSON object of server URL → username.`,
    })
  }
  return parsed.data
}

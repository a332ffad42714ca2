// Tiny docker credential helpers for tests: POSIX shell scripts implementing the protocol
// (`get` reads the server URL on stdin and prints {"ServerURL","Username","Secret"}; `list` prints
// {url: username}; errors go to stdout with exit 1), placed in a temp dir put first on PATH.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface FakeLogin {
  username: string
  secret: string
}

export interface HelperDir {
  dir: string
  /** process.env with the helper dir first on PATH. */
  env: NodeJS.ProcessEnv
  /** A helper answering `get` for exactly these server URLs and `list` with all of them. */
  addStore(name: string, logins: Record<string, FakeLogin>): void
  /** A helper with a hand-written body (receives the action in $1). */
  addScript(name: string, body: string): void
  remove(): void
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`

export function makeHelperDir(): HelperDir {
  const dir = mkdtempSync(join(tmpdir(), 'berth-helpers-'))
  const addScript = (name: string, body: string): void => {
    const path = join(dir, `docker-credential-${name}`)
    writeFileSync(path, `#!/bin/sh\n${body}\n`)
    chmodSync(path, 0o755)
  }
  return {
    dir,
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` },
    addScript,
    addStore(name, logins) {
      const cases = Object.entries(logins)
        .map(
          ([url, login]) =>
            `    ${quote(url)}) printf '%s' ` +
            `${quote(JSON.stringify({ ServerURL: url, Username: login.username, Secret: login.secret }))} ;;`,
        )
        .join('\n')
      const list = JSON.stringify(Object.fromEntries(Object.entries(logins).map(([url, login]) => [url, login.username])))
      addScript(
        name,
        [
          'case "$1" in',
          '  get)',
          '    IFS= read -r url || true',
          '    case "$url" in',
          cases,
          "    *) printf 'credentials not found in native keychain'; exit 1 ;;",
          '    esac ;;',
          `  list) printf '%s' ${quote(list)} ;;`,
          "  *) printf 'unknown action'; exit 1 ;;",
          'esac',
        ].join('\n'),
      )
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

// `berth`: the headless door to the same core the desktop app uses. JSON with --json for scripts.
// Exit codes: 0 ok, 1 usage, 2 registry error, 3 auth.
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline/promises'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exitCodeFor, toErrorData } from '../../../shared/errors'
import { createAppCore } from '../../session/engine'
import { defaultDataDirectory } from '../../stores/profiles/profile-store'
import { createCliContext, type CliContext } from './cli-context'
import { printError, UsageError, type CliIo } from './cli-output'
import { inspectCommand, pullCmdCommand, reposCommand, tagsCommand } from './browse-commands'
import { importDockerLoginsCommand, loginCommand, logoutCommand, registriesCommand, rmCommand, trustCommand } from './manage-commands'
import { startWebServer } from '../web/web-server'
import { cleanupCommand, cleanupOptions, cleanupUsage } from './cleanup-command'

export const usage = `berth — browse container registries

Usage:
  berth repos    <registry>                        list repositories (or say why there is no catalog)
  berth tags     <registry>/<repo> [--details] [--sort name|semver|date|size] [--desc] [--filter REGEX]
  berth inspect  <registry>/<repo>(:tag|@digest)   manifest, config, platforms, layers, referrers
  berth rm       <registry>/<repo>:tag [--digest] [--dry-run] [--yes]
                                                   deletes only that tag, unless --digest
${cleanupUsage}
  berth pull-cmd <registry>/<repo>(:tag|@digest) [--format docker|docker-digest|podman|nerdctl|digest|reference|from|kubectl-secret]
  berth login    <registry> --username U --password-stdin
  berth logout   <registry>
  berth registries
  berth trust    <registry> --show | --ca FILE | --fingerprint SHA256
  berth import-docker-logins [--dry-run] [--only KEY,KEY]
  berth web      [--port P]                        serve the app on 127.0.0.1 and print its URL

Options:
  --json                 machine-readable output (documented in the README)
  --ca FILE              trust this CA for this call only
  --username U --password-stdin
                         credentials for this call only (nothing is stored)
  --insecure             allow plain HTTP for this host (loopback is always allowed)
  --concurrency N        parallel requests for details (default 16)
  -h, --help             this text

Exit codes: 0 ok, 1 usage, 2 registry error, 3 authentication or authorization.
`

const options = {
  json: { type: 'boolean' },
  details: { type: 'boolean' },
  sort: { type: 'string' },
  desc: { type: 'boolean' },
  filter: { type: 'string' },
  digest: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  format: { type: 'string' },
  username: { type: 'string', short: 'u' },
  'password-stdin': { type: 'boolean' },
  ca: { type: 'string' },
  fingerprint: { type: 'string' },
  show: { type: 'boolean' },
  insecure: { type: 'boolean' },
  concurrency: { type: 'string' },
  only: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...cleanupOptions,
} as const

type Command = (ctx: CliContext, positional: string[]) => Promise<void>

const one = (run: (ctx: CliContext, arg: string) => Promise<void>, what: string): Command => {
  return async (ctx, positional) => {
    const [arg, ...rest] = positional
    if (!arg || rest.length > 0) throw new UsageError(`expected exactly one ${what}`)
    await run(ctx, arg)
  }
}

const commands: Record<string, Command> = {
  repos: one(reposCommand, '<registry>'),
  tags: one(tagsCommand, '<registry>/<repository>'),
  inspect: one(inspectCommand, '<registry>/<repository>:<tag>'),
  rm: one(rmCommand, '<registry>/<repository>:<tag>'),
  cleanup: one(cleanupCommand, '<registry>/<repository>'),
  'pull-cmd': one(pullCmdCommand, '<registry>/<repository>:<tag>'),
  login: one(loginCommand, '<registry>'),
  logout: one(logoutCommand, '<registry>'),
  trust: one(trustCommand, '<registry>'),
  registries: async (ctx) => registriesCommand(ctx),
  'import-docker-logins': async (ctx) => importDockerLoginsCommand(ctx),
  web: async (ctx) => webCommand(ctx),
}

async function webCommand(ctx: CliContext): Promise<void> {
  const staticDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'out', 'renderer')
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new UsageError(`the app is not built yet (${staticDir} is missing): run \`npm run build\` first`)
  }
  const core = ctx.core()
  const port = ctx.string('port') === undefined ? 0 : Number(ctx.string('port'))
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535')
  const server = await startWebServer({ api: core.api, staticDir, port })
  ctx.io.stdout(`Berth is running at ${server.url}\nOpen that URL in your browser (it carries a one-time access token). Ctrl+C stops it.\n`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  await core.close()
}

export function nodeIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY),
    async readStdin() {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      try {
        return /^y(es)?$/i.test((await rl.question(question)).trim())
      } finally {
        rl.close()
      }
    },
  }
}

export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    json = values.json === true
    const [name, ...rest] = positionals
    if (values.help || !name) {
      io.stdout(usage)
      return name || values.help ? 0 : 1
    }
    const command = commands[name]
    if (!command) throw new UsageError(`unknown command "${name}"`)
    let core: ReturnType<typeof createAppCore> | null = null
    const ctx = createCliContext(io, values, () => (core = createAppCore({ dataDirectory: defaultDataDirectory(env), env })))
    try {
      await command(ctx, rest)
      // A profiles file that could not be read was moved aside: say so, whatever the command was.
      for (const warning of (core as ReturnType<typeof createAppCore> | null)?.profiles.warnings ?? [])
        io.stderr(`berth: warning: ${warning}\n`)
    } finally {
      await (core as ReturnType<typeof createAppCore> | null)?.close()
    }
    return 0
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`berth: ${error.message}\nRun \`berth --help\` for usage.\n`)
      return 1
    }
    const data = toErrorData(error)
    printError(io, data, json)
    return exitCodeFor(data.code)
  }
}

// `berth`: the headless door to the same core the desktop app uses. JSON with --json for scripts.
// Exit codes: 0 ok, 1 usage, 2 registry error, 3 auth.
//
// Start-up is part of the interface: this module is the CLI bundle's entry (vite.cli.config.ts) and
// imports only what parsing arguments and printing errors need. Each command's module, the web
// server and the engine are import()ed when a command runs, so `berth --help` loads almost nothing.
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline/promises'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exitCodeFor, exitCodes, toErrorData } from '../../../shared/errors'
import type { Engine } from '../../session/engine'
import type { RegistrySession } from '../../session/registry-session'
import { defaultDataDirectory } from '../../stores/profiles/data-directory'
import { createCliContext, type CliContext } from './cli-context'
import { IncompleteResult, printError, terminalSafe, UsageError, type CliIo } from './cli-output'
import { cleanupOptions, cleanupUsage } from './cleanup-options'
import { copyOptions, copyOptionsUsage, copyUsage } from './copy-options'
import { duOptions, duUsage } from './du-options'
import { ciAuthOptions, ciAuthOptionsUsage, ciAuthUsage } from './ci-auth-options'
import { signatureOptions, signatureUsage, VerifyVerdict } from './signature-options'

export const usage = `berth — browse container registries

Usage:
  berth repos    <registry>                        list repositories (or say why there is no catalog)
  berth tags     <registry>/<repo> [--details] [--sort name|semver|date|size] [--desc] [--filter REGEX] [--all]
                                                   --details' table hides referrer tags (sha256-….sig/.att/.sbom, the
                                                   sha256-… referrers index) under their image; --all lists them
  berth tags     <registry>/<repo> --platform os/arch[/variant]
                                                   only tags that offer that platform (reads --details)
  berth inspect  <registry>/<repo>(:tag|@digest) [--platform os/arch[/variant]]
                                                   manifest, config, platforms, layers, referrers; an index
                                                   lists its platforms, --platform shows one's config, layers
                                                   (--json: schema in the README, "berth inspect --json")
  berth referrers <registry>/<repo>(:tag|@digest)  signatures, SBOMs (format, packages), attestations
                                                   (provenance: builder, source, commit)
  berth rm       <registry>/<repo>:tag [--digest] [--dry-run] [--yes] [--with-referrers]
                                                   deletes only that tag, unless --digest; says what it frees;
                                                   --with-referrers: its signatures, SBOMs, attestations too
  berth rm       <registry>/<repo>@digest [--dry-run] [--yes]
                                                   deletes an untagged image (refused if a tag uses it)
${cleanupUsage}
${duUsage}
${copyUsage}
  berth pull-cmd <registry>/<repo>(:tag|@digest) [--format F] [--kind K]
                                                   the command that pulls it with the tool that fits what it holds:
                                                   images docker|docker-digest|podman|nerdctl|from|kubectl-secret,
                                                   Helm charts helm-pull|helm-pull-digest|helm-install|helm-install-digest,
                                                   other artifacts (SBOM, WebAssembly, …) oras|oras-digest; any: reference|digest.
                                                   Asks the registry what it holds; --kind image|helm-chart|sbom|attestation|
                                                   wasm|signature|artifact says it instead (offline unless by digest)
${ciAuthUsage}
${signatureUsage}
  berth login    <registry> --username U --password-stdin [--ca FILE] [--insecure]
                                                   checks the credentials with the registry (and its token
                                                   server) first: refused ones are not stored
  berth logout   <registry>
  berth registries
  berth trust    <registry> --show | --ca FILE | --fingerprint SHA256 [--fingerprint SHA256]
                                                   the certificates of the registry and of every host it sends
                                                   Berth to (its token server); pin each, or a CA for them all
  berth import-docker-logins [--dry-run] [--only KEY,KEY]
  berth web      [--port P]                        serve the app on 127.0.0.1 and print its URL
  berth audit    [<registry>[/<repo>]] [--limit N] what Berth deleted, copied, tagged or handed to GitLab to clean up:
                                                   when, by whom, with what result (oldest first; default the last 200;
                                                   --json: an array of entries, schema in the README)
  berth link     <registry>[/<repo>[:tag|@digest]] [--sort KEY] [--desc] [--filter REGEX] [--platform os/arch[/variant]]
                                                   print the berth:// link that opens this view in the app

Options:
  --json                 machine-readable output (documented in the README)
  --ca FILE              trust this CA for this call only
  --username U --password-stdin
                         credentials for this call only (nothing is stored)
  --insecure             allow plain HTTP for this host (loopback is always allowed)
  --concurrency N        registry requests in flight (1-256, default 32)
  -v, --verbose          also say on stderr what the registry reported about this run (Docker Hub: pulls left)
${copyOptionsUsage}
${ciAuthOptionsUsage}
  -h, --help             this text

Registry names are printed with invisible and control characters escaped (\n, \u202e); --json keeps them exact.

Exit codes: 0 ok, 1 usage, 2 registry or network error, 3 authentication or authorization,
            4 cancelled (at a prompt, or Ctrl-C), 5 incomplete (some rows failed; the output says which);
            berth verify: 6 a signature is there but does not verify, 7 unsigned, 8 signed but no key applies
            (or keyless only).
`

const options = {
  json: { type: 'boolean' },
  details: { type: 'boolean' },
  sort: { type: 'string' },
  desc: { type: 'boolean' },
  filter: { type: 'string' },
  digest: { type: 'boolean' },
  all: { type: 'boolean' },
  'with-referrers': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  format: { type: 'string' },
  kind: { type: 'string' },
  username: { type: 'string', short: 'u' },
  'password-stdin': { type: 'boolean' },
  ca: { type: 'string' },
  fingerprint: { type: 'string', multiple: true },
  show: { type: 'boolean' },
  insecure: { type: 'boolean' },
  concurrency: { type: 'string' },
  only: { type: 'string' },
  port: { type: 'string' },
  limit: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  ...cleanupOptions,
  ...copyOptions,
  ...duOptions,
  ...ciAuthOptions,
  ...signatureOptions,
} as const

/** A command; those without an argument ignore it, those without `more` get no `rest`. */
type Command = (context: CliContext, argument: string, rest: string[]) => Promise<void>

interface CommandEntry {
  /** The one argument the command takes (checked before anything is loaded), or null for none. */
  argument: string | null
  /** The argument may be left out (the command then gets ''). */
  optional?: boolean
  /** Further arguments after it: how they read in messages, and how many at least. */
  more?: { usage: string; min: number; max: number }
  /**
   * Whether the command builds the core (engine, keychain, data directory): the engine is imported
   * before it runs, since `context.core()` is synchronous. A command without it may still reach a
   * registry through `context.session()`, which imports the engine first.
   */
  engine: boolean
  /** Imports the command's module (its own bundle chunk) and returns the command. */
  load: () => Promise<Command>
}

const browse = () => import('./browse-commands')
const manage = () => import('./manage-commands')
const copyCommands = () => import('./copy-commands')
const signatures = () => import('./signature-commands')

const commands: Record<string, CommandEntry> = {
  repos: { argument: '<registry>', engine: true, load: async () => (await browse()).reposCommand },
  tags: { argument: '<registry>/<repository>', engine: true, load: async () => (await browse()).tagsCommand },
  inspect: { argument: '<registry>/<repository>:<tag>', engine: true, load: async () => (await browse()).inspectCommand },
  referrers: {
    argument: '<registry>/<repository>:<tag>',
    engine: true,
    load: async () => (await import('./referrers-command')).referrersCommand,
  },
  rm: { argument: '<registry>/<repository>:<tag>', engine: true, load: async () => (await manage()).rmCommand },
  cleanup: { argument: '<registry>/<repository>', engine: true, load: async () => (await import('./cleanup-command')).cleanupCommand },
  du: { argument: '<registry>[/<prefix>]', engine: true, load: async () => (await import('./du-command')).duCommand },
  // Asks the registry what the reference holds (through context.session()); with --kind, only a by-digest format does.
  'pull-cmd': {
    argument: '<registry>/<repository>:<tag>',
    engine: false,
    load: async () => (await import('./pull-cmd-command')).pullCmdCommand,
  },
  login: { argument: '<registry>', engine: true, load: async () => (await manage()).loginCommand },
  logout: { argument: '<registry>', engine: true, load: async () => (await manage()).logoutCommand },
  trust: { argument: '<registry>', engine: true, load: async () => (await manage()).trustCommand },
  registries: { argument: null, engine: true, load: async () => (await manage()).registriesCommand },
  'import-docker-logins': { argument: null, engine: true, load: async () => (await manage()).importDockerLoginsCommand },
  web: { argument: null, engine: true, load: () => Promise.resolve(webCommand) },
  audit: {
    argument: '<registry>[/<repository>]',
    optional: true,
    engine: true,
    load: async () => (await import('./audit-command')).auditCommand,
  },
  tag: {
    argument: '<registry>/<repository>:<tag>',
    more: { usage: 'NEWTAG...', min: 1, max: 50 },
    engine: true,
    load: async () => (await copyCommands()).tagCommand,
  },
  cp: {
    argument: '<registry>/<repository>:<tag>',
    more: { usage: '<registry>/<repository>[:<tag>]', min: 1, max: 1 },
    engine: true,
    load: async () => (await copyCommands()).cpCommand,
  },
  sync: {
    argument: '<registry>/<repository>',
    more: { usage: '<registry>/<repository>', min: 1, max: 1 },
    engine: true,
    load: async () => (await copyCommands()).syncCommand,
  },
  verify: { argument: '<registry>/<repository>:<tag>', engine: true, load: async () => (await signatures()).verifyCommand },
  keys: {
    argument: 'add|list|rm',
    more: { usage: '[<registry>[/<repository>]] [FILE|NAME]', min: 0, max: 2 },
    engine: true,
    load: async () => (await signatures()).keysCommand,
  },
  'ci-auth': { argument: '<registry>', engine: true, load: async () => (await import('./ci-auth-command')).ciAuthCommand },
  link: {
    argument: '<registry>[/<repository>[:<tag>|@<digest>]]',
    engine: false,
    load: async () => (await import('./link-command')).linkCommand,
  },
}

const loadEngine = () => import('../../session/engine')

type EngineModule = Awaited<ReturnType<typeof loadEngine>>

/**
 * The renderer build, for `berth web`: out/renderer beside out/cli in the bundle (and in an installed
 * package), or <checkout>/out/renderer when this file runs from source (electron/doors/cli/).
 */
export function rendererDirectoryCandidates(moduleUrl: string): string[] {
  const here = dirname(fileURLToPath(moduleUrl))
  return [join(here, '..', 'renderer'), join(here, '..', '..', '..', 'out', 'renderer')]
}

async function webCommand(context: CliContext): Promise<void> {
  const candidates = rendererDirectoryCandidates(import.meta.url)
  const staticDir = candidates.find((candidate) => existsSync(join(candidate, 'index.html')))
  if (staticDir === undefined) {
    throw new UsageError(`the app is not built yet (no index.html in ${candidates.join(' or ')}): run \`npm run build\` first`)
  }
  const port = context.string('port') === undefined ? 0 : Number(context.string('port'))
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535')
  const { startWebServer } = await import('../web/web-server')
  const core = context.core()
  const server = await startWebServer({ api: core.api, staticDir, port, subscribe: core.subscribe })
  context.io.stdout(
    `Berth is running at ${server.url}\nOpen that URL in your browser (it carries a one-time access token). Ctrl+C stops it.\n`,
  )
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  await core.close()
}

export function nodeIo(): CliIo {
  // `berth tags … | head`: a reader that has all it wants closes the pipe. That ends the command
  // quietly, as for any Unix filter, instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(exitCodes.ok)
  })
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stderr.isTTY),
    stdoutIsTty: Boolean(process.stdout.isTTY),
    async readStdin() {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
    async confirm(question) {
      const lineReader = createInterface({ input: process.stdin, output: process.stderr })
      try {
        return /^y(es)?$/i.test((await lineReader.question(question)).trim())
      } finally {
        lineReader.close()
      }
    },
  }
}

/**
 * `--tags` means two things, both in the issues' contracts: `du REPO --tags` (per-tag rows, a
 * switch) and `sync SRC DST --tags REGEX` (which tags, a pattern). One parseArgs table holds one
 * type per flag, so for sync it is read as its long name, `--tag-regex`, before parsing.
 */
export function commandArgs(argv: readonly string[]): string[] {
  const takesValue = new Set(Object.entries(options).flatMap(([name, option]) => (option.type === 'string' ? [`--${name}`] : [])))
  let command: string | undefined
  for (let i = 0; i < argv.length && command === undefined; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') break
    if (!arg.startsWith('-')) command = arg
    else if (takesValue.has(arg)) i++
  }
  if (command !== 'sync') return [...argv]
  return argv.map((arg) =>
    arg === '--tags' ? '--tag-regex' : arg.startsWith('--tags=') ? `--tag-regex=${arg.slice('--tags='.length)}` : arg,
  )
}

export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parseArgs({ args: commandArgs(argv), options, allowPositionals: true, strict: true })
    json = values.json === true
    const [name, ...rest] = positionals
    if (values.help || !name) {
      io.stdout(usage)
      return name || values.help ? 0 : 1
    }
    const entry = commands[name]
    if (!entry) throw new UsageError(`unknown command "${name}"`)
    const [argument, ...extra] = rest
    if (entry.more !== undefined) {
      if (!argument || extra.length < entry.more.min || extra.length > entry.more.max)
        throw new UsageError(`expected ${entry.argument ?? ''} ${entry.more.usage}`.trim())
    } else if (entry.argument !== null && ((!argument && entry.optional !== true) || extra.length > 0))
      throw new UsageError(`expected ${entry.optional === true ? 'at most' : 'exactly'} one ${entry.argument}`)
    let engine: EngineModule | null = null
    let core: Engine | null = null
    const base = createCliContext(io, values, (): Engine => {
      if (engine === null) throw new Error(`internal: "${name}" used the core without loading the engine (set engine: true)`)
      const hubApiUrl = env.BERTH_DOCKERHUB_API_URL
      core = engine.createEngine({
        dataDirectory: defaultDataDirectory(env),
        env,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(hubApiUrl ? { dockerHubApiUrl: hubApiUrl } : {}),
      })
      return core
    })
    // Flags are checked before anything reaches a registry or the keychain.
    const concurrency = base.number('concurrency')
    const [command] = await Promise.all([entry.load(), entry.engine ? loadEngine().then((loaded) => (engine = loaded)) : null])
    // Kept for --verbose, which reports what each registry said once the command is done.
    const sessions: RegistrySession[] = []
    const context: CliContext = {
      ...base,
      async session(registry) {
        engine ??= await loadEngine()
        const session = await base.session(registry)
        sessions.push(session)
        return session
      },
    }
    try {
      await command(context, argument ?? '', extra)
      // A profiles file that could not be read was moved aside: say so, whatever the command was.
      for (const warning of (core as Engine | null)?.profiles.warnings ?? []) io.stderr(`berth: warning: ${warning}\n`)
    } finally {
      // Also after a failure: a quota running out is often why it failed.
      if (values.verbose === true && sessions.length > 0) (await import('./verbose-report')).reportVerbose(io, sessions)
      await (core as Engine | null)?.close()
    }
    return 0
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      if (json) printError(io, { code: 'invalid_input', message: error.message, fix: 'Run `berth --help` for usage.' }, true)
      else io.stderr(`berth: ${terminalSafe(error.message)}\nRun \`berth --help\` for usage.\n`)
      return exitCodes.usage
    }
    // The partial output and what failed were printed already.
    if (error instanceof IncompleteResult) return exitCodes.incomplete
    // `berth verify` printed its report; the code says what it came to.
    if (error instanceof VerifyVerdict) return error.code
    const data = toErrorData(error)
    printError(io, data, json)
    return exitCodeFor(data.code)
  }
}

// The two sessions of `berth cp` and `berth sync`, each with its own credentials and trust.
//
// - Both references on one registry, no per-side flag: one session, with this call's --username/
//   --password-stdin, --ca and --insecure, as every other command.
// - Otherwise each side has its own: the saved profile of its host (keychain credentials, trusted
//   CA or pinned certificate), plus --src-username/--src-password-stdin, --src-ca, --src-insecure
//   for the source and the --dest-… flags for the destination. A flag without a side is refused when
//   the sides differ: which registry it is for would be a guess, and credentials must not cross.
// - Standard input carries one secret: only one side may use --…-password-stdin.
import type { CopySessions } from '../../session/copy-service'
import type { SessionOverrides } from '../../session/engine'
import type { RegistryCredential } from '../../http/client-types'
import type { CliContext } from './cli-context'
import { UsageError } from './cli-output'
import { readCaFile } from './cli-context'

type Side = 'src' | 'dest'

const plainFlags = ['username', 'password-stdin', 'ca', 'insecure'] as const
const sideFlags = (side: Side): string[] => plainFlags.map((flag) => `${side}-${flag}`)

function given(context: CliContext, flag: string): boolean {
  return context.flag(flag) || context.string(flag) !== undefined
}

async function readSecret(context: CliContext): Promise<string> {
  const text = await context.io.readStdin()
  const value = text.replace(/\r?\n$/, '')
  if (!value) throw new UsageError('a --…-password-stdin flag was given but nothing arrived on standard input')
  return value
}

function credential(username: string | undefined, secret: string, side: Side): RegistryCredential {
  // docker's convention: an identity token is stored under the user name "<token>".
  if (username === '<token>') return { kind: 'refresh_token', refreshToken: secret }
  if (!username) throw new UsageError(`--${side}-password-stdin needs --${side}-username`)
  return { kind: 'basic', username, password: secret }
}

async function overridesFor(context: CliContext, side: Side): Promise<SessionOverrides> {
  const overrides: SessionOverrides = { insecure: context.flag(`${side}-insecure`) }
  const caFile = context.string(`${side}-ca`)
  if (caFile) overrides.caPems = [readCaFile(caFile)]
  const username = context.string(`${side}-username`)
  if (context.flag(`${side}-password-stdin`)) overrides.credentials = credential(username, await readSecret(context), side)
  else if (username) {
    throw new UsageError(
      `--${side}-username needs --${side}-password-stdin (the secret is read from standard input, never from the command line)`,
    )
  }
  return overrides
}

/** The source and destination sessions for this call; `sameRegistry` when both references name one host. */
export async function copySessions(context: CliContext, source: string, destination: string): Promise<CopySessions> {
  const perSide = [...sideFlags('src'), ...sideFlags('dest')].filter((flag) => given(context, flag))
  const plain = plainFlags.filter((flag) => given(context, flag))
  if (context.flag('src-password-stdin') && context.flag('dest-password-stdin')) {
    throw new UsageError(
      'only one side can read its secret from standard input: pass --src-password-stdin or --dest-password-stdin, ' +
        'and sign in to the other registry once with `berth login`',
    )
  }
  if (perSide.length === 0 && source === destination) {
    const session = await context.session(source)
    return { source: session, destination: session }
  }
  if (plain.length > 0) {
    throw new UsageError(
      perSide.length > 0
        ? `--${plain[0]} has no side: with --src-…/--dest-… flags, give every credential and trust flag its side`
        : `--${plain[0]} has no side: the source and the destination are different registries; ` +
            `use --src-${plain[0]} or --dest-${plain[0]} (see berth --help)`,
    )
  }
  const core = context.core()
  const sourceOverrides = await overridesFor(context, 'src')
  const destinationOverrides = await overridesFor(context, 'dest')
  return {
    source: core.sessionForAddress(source, sourceOverrides),
    destination: core.sessionForAddress(destination, destinationOverrides),
  }
}

// The `berth` CLI run in-process (the same runCli bin/berth calls) with captured output, a given
// standard input and a scripted answer to [y/N] prompts.
import { runCli } from '../../electron/doors/cli/cli'
import type { CliIo } from '../../electron/doors/cli/cli-output'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** The prompts the command asked, in order. */
  prompts: string[]
}

export interface CliRunOptions {
  stdin?: string
  /** What the user answers at a [y/N] prompt; with it, the CLI believes it runs on a terminal. */
  answer?: (question: string) => boolean | Promise<boolean>
  env?: Record<string, string | undefined>
}

export async function berthInProcess(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const prompts: string[] = []
  const answer = options.answer
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isTty: answer !== undefined,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    confirm: async (question) => {
      prompts.push(question)
      return answer ? answer(question) : false
    },
  }
  const code = await runCli(args, io, { ...process.env, ...options.env })
  return { code, stdout, stderr, prompts }
}

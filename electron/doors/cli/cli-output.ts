// How the CLI speaks: JSON on stdout for scripts, aligned tables for people, errors and progress on
// stderr so a pipe never receives anything but the answer.
import type { BerthErrorData } from '../../../shared/errors'
import { escapeInvisible } from '../../../shared/visible-text'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Progress lines are drawn only on a terminal. */
  isTty: boolean
  /**
   * Whether standard output is a terminal: a command that prints a real secret refuses to without
   * --show-secret. Unknown (absent) counts as a terminal.
   */
  stdoutIsTty?: boolean
  readStdin: () => Promise<string>
  confirm: (question: string) => Promise<boolean>
}

export class UsageError extends Error {}

/** Thrown after a command printed partial results and what failed: the CLI exits with `incomplete` (5). */
export class IncompleteResult extends Error {}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}

/** Aligned columns; every cell is made terminal-safe, whatever the caller passed. */
export function printTable(io: CliIo, header: string[], unsafeRows: string[][]): void {
  const rows = unsafeRows.map((row) => row.map(terminalSafe))
  // A loop, not Math.max(...rows): a repository can have more tags than a call can take arguments.
  const widths = header.map((title) => title.length)
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  io.stdout(`${[line(header), ...rows.map(line)].join('\n')}\n`)
}

export function printError(io: CliIo, error: BerthErrorData, json: boolean): void {
  if (json) {
    io.stderr(`${JSON.stringify({ error }, null, 2)}\n`)
    return
  }
  io.stderr(`berth: ${terminalSafe(error.message)}\n`)
  if (error.certificate) {
    io.stderr(`  certificate subject: ${terminalSafe(error.certificate.subject)}\n`)
    io.stderr(`  issuer:              ${terminalSafe(error.certificate.issuer)}\n`)
    io.stderr(`  SHA-256 fingerprint: ${error.certificate.fingerprint256}\n`)
  }
  if (error.expectedFingerprint) io.stderr(`  pinned fingerprint:  ${error.expectedFingerprint}\n`)
  if (error.fix) io.stderr(`  fix: ${terminalSafe(error.fix)}\n`)
}

/**
 * Text for a person's terminal: control characters, line and paragraph separators, bidi controls and
 * zero-width characters shown as escapes (`\n`, `\u202e`), so registry-supplied names can neither
 * drive the terminal nor pass for something else. `--json` prints the exact strings instead.
 */
export function terminalSafe(text: string): string {
  return escapeInvisible(text)
}

export function progress(io: CliIo, text: string): void {
  if (io.isTty) io.stderr(`\r\u001b[2K${text}`)
}

export function endProgress(io: CliIo): void {
  if (io.isTty) io.stderr('\r\u001b[2K')
}

// How the CLI speaks: JSON on stdout for scripts, aligned tables for people, errors and progress on
// stderr so a pipe never receives anything but the answer.
import type { BerthErrorData } from '../../../shared/errors'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Progress lines are drawn only on a terminal. */
  isTty: boolean
  readStdin: () => Promise<string>
  confirm: (question: string) => Promise<boolean>
}

export class UsageError extends Error {}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`)
}

export function printTable(io: CliIo, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
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
  io.stderr(`berth: ${sanitize(error.message)}\n`)
  if (error.certificate) {
    io.stderr(`  certificate subject: ${sanitize(error.certificate.subject)}\n`)
    io.stderr(`  issuer:              ${sanitize(error.certificate.issuer)}\n`)
    io.stderr(`  SHA-256 fingerprint: ${error.certificate.fingerprint256}\n`)
  }
  if (error.expectedFingerprint) io.stderr(`  pinned fingerprint:  ${error.expectedFingerprint}\n`)
  if (error.fix) io.stderr(`  fix: ${sanitize(error.fix)}\n`)
}

/** Registry-supplied text can carry terminal escape sequences: never let them reach the terminal. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')
}

export function progress(io: CliIo, text: string): void {
  if (io.isTty) io.stderr(`\r\u001b[2K${text}`)
}

export function endProgress(io: CliIo): void {
  if (io.isTty) io.stderr('\r\u001b[2K')
}

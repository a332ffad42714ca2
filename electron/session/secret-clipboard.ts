// Text holding a real secret goes to the system clipboard from main only (never through a
// renderer), and leaves it again: after `clearAfterMs`, if the clipboard still holds exactly that
// text, it is cleared; anything the user copied since is left alone. The clipboard and the clock are
// injected: the shell passes Electron's clipboard (electron/electron-clipboard.ts), tests a fake.

/** What this module needs of a clipboard (Electron's `clipboard` has these; its reads and writes are async). */
export interface ClipboardPort {
  readText(): string | Promise<string>
  writeText(text: string): void | Promise<void>
  clear(): void
}

export interface TimerClock {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const defaultClearAfterMs = 60_000

export interface SecretClipboard {
  /** Writes `text`; it is cleared after the delay if still there. Resolves with the delay in seconds. */
  copy(text: string): Promise<{ clearsAfterSeconds: number }>
  /** Clears now what this module put there and the user has not replaced; stops the timer. */
  dispose(): Promise<void>
}

export interface SecretClipboardOptions {
  clipboard: ClipboardPort
  clock?: TimerClock
  clearAfterMs?: number
}

const realClock: TimerClock = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms)
    // A pending clear must not keep a CLI or test process alive; the app's event loop runs anyway.
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export function createSecretClipboard(options: SecretClipboardOptions): SecretClipboard {
  const { clipboard } = options
  const clock = options.clock ?? realClock
  const clearAfterMs = options.clearAfterMs ?? defaultClearAfterMs
  // Only the last copy is tracked: an earlier secret was replaced on the clipboard by the later one.
  let pending: { text: string; timer: unknown } | null = null

  async function clearIfStillOurs(): Promise<void> {
    const current = pending
    pending = null
    if (current === null) return
    clock.clearTimeout(current.timer)
    let now: string
    try {
      now = await clipboard.readText()
    } catch {
      // Unreadable: clearing blindly could wipe what the user copied since; leave it.
      return
    }
    if (now === current.text) clipboard.clear()
  }

  return {
    async copy(text) {
      if (pending !== null) clock.clearTimeout(pending.timer)
      pending = null
      await clipboard.writeText(text)
      pending = { text, timer: clock.setTimeout(() => void clearIfStillOurs(), clearAfterMs) }
      return { clearsAfterSeconds: Math.round(clearAfterMs / 1000) }
    },
    dispose: clearIfStillOurs,
  }
}

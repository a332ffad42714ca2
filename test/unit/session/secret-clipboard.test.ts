// The clear-after logic of the clipboard that receives real secrets, with a fake clipboard and a
// fake clock: cleared after 60 s only if it still holds that text; a later copy restarts the wait.
import { describe, expect, it } from 'vitest'
import { createSecretClipboard, type ClipboardPort, type TimerClock } from '../../../electron/session/secret-clipboard'

function fakes() {
  const clipboard = {
    text: 'what the user had',
    clears: 0,
    readText() {
      return Promise.resolve(this.text)
    },
    writeText(text: string) {
      this.text = text
      return Promise.resolve()
    },
    clear() {
      this.text = ''
      this.clears++
    },
  } satisfies ClipboardPort & { text: string; clears: number }
  let now = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  let next = 1
  const clock: TimerClock = {
    setTimeout: (callback, ms) => {
      const id = next++
      timers.set(id, { at: now + ms, callback })
      return id
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  }
  async function advance(ms: number): Promise<void> {
    now += ms
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id)
        timer.callback()
      }
    }
    // The clear reads the clipboard asynchronously.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { clipboard, clock, advance, pending: () => timers.size }
}

describe('the secret clipboard', () => {
  it('writes the text and clears it after 60 s if the clipboard still holds it', async () => {
    const { clipboard, clock, advance } = fakes()
    const secret = createSecretClipboard({ clipboard, clock })
    expect(await secret.copy('kubectl … --docker-password=s3cret')).toEqual({ clearsAfterSeconds: 60 })
    expect(clipboard.text).toBe('kubectl … --docker-password=s3cret')
    await advance(59_999)
    expect(clipboard.text).toBe('kubectl … --docker-password=s3cret')
    await advance(1)
    expect(clipboard.text).toBe('')
    expect(clipboard.clears).toBe(1)
  })

  it('leaves alone what the user copied since', async () => {
    const { clipboard, clock, advance } = fakes()
    const secret = createSecretClipboard({ clipboard, clock })
    await secret.copy('the secret text')
    clipboard.text = 'something the user copied afterwards'
    await advance(60_000)
    expect(clipboard.text).toBe('something the user copied afterwards')
    expect(clipboard.clears).toBe(0)
  })

  it('a second copy replaces the first and restarts the wait; one timer at a time', async () => {
    const { clipboard, clock, advance, pending } = fakes()
    const secret = createSecretClipboard({ clipboard, clock })
    await secret.copy('first')
    await advance(40_000)
    await secret.copy('second')
    expect(pending()).toBe(1)
    await advance(40_000)
    expect(clipboard.text).toBe('second')
    await advance(20_000)
    expect(clipboard.text).toBe('')
  })

  it('on dispose (the app quits) clears at once what is still its own, and stops the timer', async () => {
    const { clipboard, clock, pending } = fakes()
    const secret = createSecretClipboard({ clipboard, clock, clearAfterMs: 5_000 })
    expect((await secret.copy('secret')).clearsAfterSeconds).toBe(5)
    await secret.dispose()
    expect(clipboard.text).toBe('')
    expect(pending()).toBe(0)
    await secret.dispose()
    expect(clipboard.clears).toBe(1)
  })

  it('does not clear blindly when the clipboard cannot be read', async () => {
    const { clipboard, clock, advance } = fakes()
    const secret = createSecretClipboard({ clipboard: { ...clipboard, readText: () => Promise.reject(new Error('locked')) }, clock })
    await secret.copy('secret')
    await advance(60_000)
    expect(clipboard.clears).toBe(0)
  })
})

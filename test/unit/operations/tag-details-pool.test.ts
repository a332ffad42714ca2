import { describe, expect, it } from 'vitest'
import { createBoundedPool, mapBounded } from '../../../electron/http/bounded-pool'

/** A promise the test settles by hand, so concurrency is observed without timers. */
function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('bounded pool', () => {
  it('runs at most the limit at once and starts the next as one finishes', async () => {
    const pool = createBoundedPool(2)
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()]
    const started: number[] = []
    const runs = gates.map((g, i) =>
      pool.run(() => {
        started.push(i)
        return g.promise
      }),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1])
    gates[1]?.resolve(1)
    await runs[1]
    await Promise.resolve()
    expect(started).toEqual([0, 1, 2])
    gates[0]?.resolve(0)
    gates[2]?.resolve(2)
    expect(await Promise.all(runs)).toEqual([0, 1, 2])
  })

  it('passes a task failure to its caller and keeps serving others', async () => {
    const pool = createBoundedPool(1)
    const failing = pool.run(() => Promise.reject(new Error('boom')))
    const fine = pool.run(() => Promise.resolve('ok'))
    await expect(failing).rejects.toThrow('boom')
    expect(await fine).toBe('ok')
  })

  it('turns a synchronous throw into a rejection', async () => {
    const pool = createBoundedPool(1)
    await expect(
      pool.run(() => {
        throw new Error('sync')
      }),
    ).rejects.toThrow('sync')
    expect(await pool.run(() => Promise.resolve(1))).toBe(1)
  })

  it('cancels queued tasks once the signal aborts', async () => {
    const controller = new AbortController()
    const pool = createBoundedPool(1, controller.signal)
    const gate = deferred<string>()
    const first = pool.run(() => gate.promise)
    let secondStarted = false
    const second = pool.run(() => {
      secondStarted = true
      return Promise.resolve('late')
    })
    controller.abort()
    gate.resolve('first')
    expect(await first).toBe('first')
    await expect(second).rejects.toMatchObject({ code: 'cancelled' })
    expect(secondStarted).toBe(false)
  })

  it('maps in input order whatever order tasks finish in', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()]
    const result = mapBounded([0, 1, 2], 3, (i) => gates[i]?.promise ?? Promise.resolve(''))
    gates[2]?.resolve('c')
    gates[0]?.resolve('a')
    gates[1]?.resolve('b')
    expect(await result).toEqual(['a', 'b', 'c'])
  })
})

// The invariant every parser fuzz property checks: it returns, or it throws a BerthError (which
// the UI, CLI and IPC know how to show) — never a TypeError, RangeError or zod error.
import { isBerthError } from '../../shared/errors'

export function onlyBerthErrors<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch (error) {
    if (isBerthError(error)) return undefined
    throw error
  }
}

export async function onlyBerthErrorsAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (error) {
    if (isBerthError(error)) return undefined
    throw error
  }
}

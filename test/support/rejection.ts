// Tests of failure paths want the typed error itself, to assert its code and message.
import { BerthError } from '../../shared/errors'

/** The BerthError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<BerthError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof BerthError) return error
    throw error
  }
  throw new Error('expected a rejection')
}

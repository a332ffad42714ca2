// The one generic door into the handler table, shared by Electron IPC and the web mode: look the
// method up, validate the untrusted request with its zod schema, call the handler and turn the
// outcome into an IpcResult. Errors are data (docs/registry-notes.md "Errors are data"): a BerthError crosses
// as its BerthErrorData, anything else as `internal`, never with a stack trace.
import type { z } from 'zod'
import { BerthError, toErrorData } from '../../shared/errors'
import type { Api, ApiMethod, IpcResult } from '../../shared/ipc'
import { requestSchemas } from '../../shared/ipc'

export interface DispatcherOptions {
  /** Told about failures that are not BerthErrors (bugs): for a log, never for the caller. */
  onError?: (method: string, error: unknown) => void
}

export type Dispatcher = (method: string, rawRequest: unknown) => Promise<IpcResult<unknown>>

export function createDispatcher(api: Api, options: DispatcherOptions = {}): Dispatcher {
  return async (method, rawRequest) => {
    // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
    if (!Object.hasOwn(requestSchemas, method)) {
      return failure(new BerthError({ code: 'invalid_input', message: `Unknown method "${printable(method)}".` }))
    }
    const name = method as ApiMethod
    const schema: z.ZodType = requestSchemas[name]
    const parsed = schema.safeParse(rawRequest ?? {})
    if (!parsed.success) {
      return failure(
        new BerthError({
          code: 'invalid_input',
          message: `Invalid request to ${name}: ${describeIssues(parsed.error.issues)}`,
          fix: 'This is a bug in the caller: the request does not match the API contract.',
        }),
      )
    }
    try {
      const handler = api[name] as (request: unknown) => Promise<unknown>
      const value = await handler.call(api, parsed.data)
      return { ok: true, value: value ?? null }
    } catch (error) {
      if (!(error instanceof BerthError)) options.onError?.(name, error)
      return failure(error)
    }
  }
}

function failure(error: unknown): IpcResult<never> {
  // toErrorData keeps only code/message/fix and the typed fields: no stack, no cause.
  return { ok: false, error: toErrorData(error) }
}

/**
 * "profile.url: Invalid URL; tags.0: not a valid tag". zod 4 does not put the input into its
 * messages (reportInput is off), so a rejected `secret` is named but never echoed.
 */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? part.toString() : String(part))).join('.')
    return `${path === '' ? 'request' : path}: ${issue.message}`
  })
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`)
  return shown.join('; ')
}

function printable(value: string): string {
  return value.replace(/[^\w.-]/g, '?').slice(0, 60)
}

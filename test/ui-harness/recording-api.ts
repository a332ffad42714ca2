// The harness's fake Api for component tests: installed as the renderer receives an Api (results,
// never throws), and recording what each method received, so a test can assert what the user's
// clicks sent to the core.
import { resultApiOf, type ApiEventSource, type ResultApi } from '../../shared/api-bridge'
import { apiMethodNames } from '../../shared/api-methods'
import type { Api, ApiMethod, ApiRequests } from '../../shared/ipc'
import { createFakeApi, type FakeApiOptions } from './fake-api'

export interface RecordedCall<K extends ApiMethod = ApiMethod> {
  method: K
  request: ApiRequests[K]
}

export interface RecordingApi {
  /** What installApi takes. */
  api: ResultApi & Partial<ApiEventSource>
  /** The direct fake underneath, for a test to change one answer. */
  fake: Api
  calls: RecordedCall[]
  /** The requests one method received, in order. */
  requests<K extends ApiMethod>(method: K): ApiRequests[K][]
}

export function recordingFakeApi(options: FakeApiOptions = {}, override: Partial<Api> = {}): RecordingApi {
  const fake: Api & Partial<ApiEventSource> = { ...createFakeApi({ latencyMs: 1, ...options }), ...override }
  const calls: RecordedCall[] = []
  const api = resultApiOf(fake)
  for (const method of apiMethodNames) {
    const answer = api[method] as (request: unknown) => Promise<unknown>
    ;(api as Record<ApiMethod, (request: unknown) => Promise<unknown>>)[method] = (request: unknown) => {
      calls.push({ method, request } as RecordedCall)
      return answer(request)
    }
  }
  return {
    api,
    fake,
    calls,
    requests: <K extends ApiMethod>(method: K) => calls.filter((c): c is RecordedCall<K> => c.method === method).map((c) => c.request),
  }
}

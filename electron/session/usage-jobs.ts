// The storage measurements the app has running (startUsage), by id: each sends `usageProgress`
// events (repositories and tags done, at most ten a second) and one `usageFinished` with the result
// or the error. cancelUsage aborts its requests; what was learnt (tag hints, cached manifests) stays
// for the next run. A few run at once: starting one more cancels the oldest.
import { setMaxListeners } from 'node:events'
import { toErrorData } from '../../shared/errors'
import type { ApiRequests } from '../../shared/ipc'
import type { UsageProgress, UsageResult } from '../../shared/usage'
import type { EngineCore } from './engine'

/** Measurements running at once, across windows. */
const maxJobs = 4

export interface UsageJobs {
  start(request: ApiRequests['startUsage']): { jobId: string }
  cancel(jobId: string): void
  close(): Promise<void>
}

export function createUsageJobs(engine: Pick<EngineCore, 'session' | 'emit'>): UsageJobs {
  const jobs = new Map<string, { controller: AbortController; finished: Promise<void> }>()
  let lastId = 0

  function cancel(jobId: string): void {
    jobs.get(jobId)?.controller.abort()
  }

  return {
    start(request) {
      const session = engine.session(request.registryId)
      const jobId = `usage-${++lastId}`
      const controller = new AbortController()
      // Every request in flight listens on this signal: 32 of them are not a listener leak.
      setMaxListeners(0, controller.signal)
      const options = {
        verify: request.verify ?? false,
        dates: request.dates ?? false,
        signal: controller.signal,
        onProgress: (progress: UsageProgress) => engine.emit('usageProgress', { jobId, progress }),
      }
      const run = async (): Promise<void> => {
        try {
          const result: UsageResult =
            request.repository !== undefined
              ? { scope: 'repository', usage: await session.repositoryUsage(request.repository, options) }
              : { scope: 'registry', usage: await session.registryUsage(request.prefix ?? '', options) }
          engine.emit('usageFinished', { jobId, result, error: null })
        } catch (error) {
          const data = controller.signal.aborted
            ? { code: 'cancelled' as const, message: 'The measurement was cancelled.' }
            : toErrorData(error)
          engine.emit('usageFinished', { jobId, result: null, error: data })
        } finally {
          jobs.delete(jobId)
        }
      }
      // Registered before it starts: a cancel that arrives at once still finds it.
      const job = { controller, finished: Promise.resolve() }
      jobs.set(jobId, job)
      job.finished = run()
      while (jobs.size > maxJobs) {
        const [oldest] = jobs.keys()
        if (oldest === undefined) break
        cancel(oldest)
        jobs.delete(oldest)
      }
      return { jobId }
    },
    cancel,
    async close() {
      const running = [...jobs.values()]
      for (const job of running) job.controller.abort()
      await Promise.all(running.map((job) => job.finished))
    },
  }
}

// The details jobs the app's windows and tabs have running (details-job.ts), by id. Rows go out as
// `tagDetails` events, gathered for one frame (16 ms) so 10,000 rows are not 10,000 messages; a
// window that disappears without stopping its job costs at most one repository's worth of work,
// and a few jobs at most run at once: starting one more stops the oldest.
import type { TagDetailsResult } from '../../shared/types'
import type { DetailsJob, DetailsPriority } from './details-job'
import type { EngineCore } from './engine'

/** Jobs running at once, across windows and tabs. */
const maxJobs = 8
/** How long rows gather before they are sent: about one frame. */
const sendEveryMs = 16

export interface DetailsJobs {
  start(registryId: string, repository: string, priority: DetailsPriority): Promise<{ jobId: string }>
  prioritize(jobId: string, priority: DetailsPriority): void
  stop(jobId: string): void
  close(): Promise<void>
}

export function createDetailsJobs(engine: Pick<EngineCore, 'session' | 'emit'>): DetailsJobs {
  const jobs = new Map<string, DetailsJob>()
  let lastId = 0

  function stop(jobId: string): void {
    const job = jobs.get(jobId)
    jobs.delete(jobId)
    job?.stop()
  }

  return {
    async start(registryId, repository, priority) {
      const session = engine.session(registryId)
      const jobId = `job-${++lastId}`
      let pending: TagDetailsResult[] = []
      let timer: NodeJS.Timeout | null = null
      let answered = 0
      const send = (): void => {
        timer = null
        if (!jobs.has(jobId) || pending.length === 0) return
        const results = pending
        pending = []
        engine.emit('tagDetails', { jobId, results, answered })
      }
      const job = await session.openDetailsJob(repository, {
        priority,
        onResult(result) {
          answered++
          pending.push(result)
          timer ??= setTimeout(send, sendEveryMs)
        },
      })
      jobs.set(jobId, job)
      void job.finished.finally(() => {
        if (timer !== null) clearTimeout(timer)
        send()
      })
      while (jobs.size > maxJobs) {
        const [oldest] = jobs.keys()
        if (oldest === undefined) break
        stop(oldest)
      }
      return { jobId }
    },
    prioritize(jobId, priority) {
      // A job that ended (stopped, or replaced by a newer one) has nothing to reorder.
      jobs.get(jobId)?.prioritize(priority)
    },
    stop,
    async close() {
      const running = [...jobs.values()]
      jobs.clear()
      for (const job of running) job.stop()
      await Promise.all(running.map((job) => job.finished))
    },
  }
}

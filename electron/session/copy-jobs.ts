// The copies the app has running (startCopy), by id. Each plans afresh — the destination is checked
// again against what the user confirmed — then runs, sending `copyProgress` events (at most ten a
// second) and one `copyFinished` with the result or the error. cancelCopy aborts the requests in
// flight; what was complete stays, and an interrupted upload resumes on the next copy.
import { setMaxListeners } from 'node:events'
import { BerthError, toErrorData } from '../../shared/errors'
import type { ApiRequests } from '../../shared/ipc'
import { checkCopySelection, type CopySelection } from './copy-service'
import type { EngineCore } from './engine'

/** Copies running at once, across windows. */
const maxJobs = 4

export interface CopyJobs {
  start(request: ApiRequests['startCopy']): Promise<{ jobId: string }>
  cancel(jobId: string): void
  close(): Promise<void>
}

/** The session-level selection of an Api copy request. */
export function copySelectionOf(request: ApiRequests['planCopy']): CopySelection {
  return {
    sourceRepository: request.source.repository,
    destinationRepository: request.destination.repository,
    ...(request.items ? { items: request.items.map((item) => ({ reference: item.reference, tags: item.tags ?? [] })) } : {}),
    ...(request.sync
      ? {
          sync: {
            ...(request.sync.tagPattern !== undefined ? { tagPattern: request.sync.tagPattern } : {}),
            ...(request.sync.newerThan !== undefined ? { newerThan: request.sync.newerThan } : {}),
          },
        }
      : {}),
    platforms: request.platforms ?? [],
    referrers: request.referrers ?? false,
    force: request.force ?? false,
  }
}

export function createCopyJobs(engine: Pick<EngineCore, 'session' | 'emit' | 'copies'>): CopyJobs {
  const jobs = new Map<string, { controller: AbortController; finished: Promise<void> }>()
  let lastId = 0

  function begin(request: ApiRequests['startCopy']): { jobId: string } {
    if (jobs.size >= maxJobs) {
      throw new BerthError({
        code: 'conflict',
        message: `${maxJobs} copies are running already.`,
        fix: 'Wait for one to finish, or cancel one, then start this copy.',
      })
    }
    const selection = copySelectionOf(request)
    checkCopySelection(selection)
    const sessions = { source: engine.session(request.source.registryId), destination: engine.session(request.destination.registryId) }
    const jobId = `copy-${++lastId}`
    const controller = new AbortController()
    // The plan's HEADs and the blobs in flight all listen on it: not a leak.
    setMaxListeners(0, controller.signal)
    const run = async (): Promise<void> => {
      try {
        const prepared = await engine.copies.plan(sessions, selection, {
          signal: controller.signal,
          onProgress: (done, total) =>
            engine.emit('copyProgress', {
              jobId,
              progress: {
                phase: 'planning',
                item: null,
                itemsDone: done,
                itemsTotal: total,
                blobsDone: 0,
                blobsTotal: 0,
                bytesDone: 0,
                bytesTotal: 0,
                bytesPerSecond: 0,
                active: [],
              },
            }),
        })
        const result = await engine.copies.run(prepared, {
          signal: controller.signal,
          onProgress: (progress) => engine.emit('copyProgress', { jobId, progress }),
          ...(request.expectedDestinationDigests ? { expectedDestinationDigests: request.expectedDestinationDigests } : {}),
        })
        engine.emit('copyFinished', { jobId, result, error: null })
      } catch (error) {
        const data = controller.signal.aborted ? { code: 'cancelled' as const, message: 'The copy was cancelled.' } : toErrorData(error)
        engine.emit('copyFinished', { jobId, result: null, error: data })
      } finally {
        jobs.delete(jobId)
      }
    }
    // Registered before it starts: a cancel that arrives at once still finds it.
    const job = { controller, finished: Promise.resolve() }
    jobs.set(jobId, job)
    job.finished = run()
    return { jobId }
  }

  return {
    start(request) {
      try {
        return Promise.resolve(begin(request))
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      }
    },
    cancel(jobId) {
      jobs.get(jobId)?.controller.abort()
    },
    async close() {
      const running = [...jobs.values()]
      for (const job of running) job.controller.abort()
      await Promise.all(running.map((job) => job.finished))
    },
  }
}

import type { TestProject } from 'vitest/node'
import { labInfo, startLab } from './lab'
import type {} from './lab-context'

/** vitest global setup: one lab per run, handed to workers as JSON; stopped in teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lab = await startLab()
  project.provide('lab', labInfo(lab))
  return () => lab.stop()
}

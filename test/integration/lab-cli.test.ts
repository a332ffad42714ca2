import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { allStopped } from '../lab/lab'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const infoSchema = z.object({ dir: z.string(), pids: z.array(z.number()), open: z.object({ url: z.string() }) })

/** Starts `test/lab/cli.ts` in-process under tsx (no wrapper process, so signals reach it directly). */
async function startCli(): Promise<{
  child: ChildProcessWithoutNullStreams
  info: z.infer<typeof infoSchema>
  exited: Promise<number | null>
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/lab/cli.ts', '--only', 'open'], { cwd: repoRoot })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const end = stdout.indexOf('\n')
      if (end >= 0) resolve(stdout.slice(0, end))
    })
    void exited.then((code) => reject(new Error(`lab cli exited (${code}) before printing: ${stderr}`)))
  })
  return { child, info: infoSchema.parse(JSON.parse(line)), exited }
}

async function waitFor(condition: () => boolean, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs
  while (!condition()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

describe('the lab CLI', () => {
  it('prints its LabInfo and stops every registry and removes its dir on SIGTERM', async () => {
    const { child, info, exited } = await startCli()
    expect((await fetch(`${info.open.url}/v2/`)).status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(allStopped(info.pids)).toBe(true)
    expect(existsSync(info.dir)).toBe(false)
  })

  it('leaves no registry running even when it is killed with SIGKILL', async () => {
    const { child, info, exited } = await startCli()
    try {
      child.kill('SIGKILL')
      await exited
      // No hook can run on SIGKILL: the registries die through their parent-death signal.
      expect(await waitFor(() => allStopped(info.pids), 10_000)).toBe(true)
    } finally {
      rmSync(info.dir, { recursive: true, force: true })
    }
  })
})

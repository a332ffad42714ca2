// CPU time of the processes in a measurement, to say what limits a figure: if the registry and
// Berth together use ~2 CPU-seconds per wall second, the 2-core machine is the limit, not latency.
import { readFileSync } from 'node:fs'

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every mainstream kernel config. */
const ticksPerSecond = 100

/** utime + stime of `pid` in milliseconds, or null when it cannot be read (not Linux, gone). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 2 (comm) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null
    return ((utime + stime) * 1000) / ticksPerSecond
  } catch {
    return null
  }
}

export interface CpuSample {
  /** This Node process (Berth's core, plus whatever runs in-process: the lab issuer, the proxy). */
  selfMs: number
  /** The registry processes. */
  registryMs: number
}

export function sampleCpu(registryPids: readonly number[]): CpuSample {
  const usage = process.cpuUsage()
  return {
    selfMs: (usage.user + usage.system) / 1000,
    registryMs: registryPids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0),
  }
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuSample {
  return { selfMs: Math.round(after.selfMs - before.selfMs), registryMs: Math.round(after.registryMs - before.registryMs) }
}

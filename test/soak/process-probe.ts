// What this process holds right now, read from /proc (Linux) and Node itself: file descriptors by
// kind, loopback TCP sockets by the port they talk to, descendant processes, memory, and Node's
// active handles. Everything runs in this one process (Berth's engine, the fault proxy, the page
// shrinker, the lab's paging front), so a socket or pipe any of them forgets shows up here.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

export interface DescriptorCounts {
  total: number
  sockets: number
  pipes: number
  files: number
  /** eventpoll, eventfd, timerfd, signalfd … */
  other: number
}

export interface SocketCounts {
  /** Established TCP connections whose remote end is `port` (clients of it in this process). */
  clientsOf(port: number): number
  /** Established TCP connections accepted on `port` by a server in this process. */
  acceptedOn(port: number): number
  /** Every TCP socket of this process that is established or closing. */
  total: number
}

export interface ChildProcessInfo {
  pid: number
  ppid: number
  name: string
  state: string
}

/** Counts this process's descriptors by what they point at. */
export function countDescriptors(): DescriptorCounts {
  const counts: DescriptorCounts = { total: 0, sockets: 0, pipes: 0, files: 0, other: 0 }
  for (const target of describeDescriptors().values()) {
    counts.total++
    if (target.startsWith('socket:')) counts.sockets++
    else if (target.startsWith('pipe:')) counts.pipes++
    else if (target.startsWith('/')) counts.files++
    else counts.other++
  }
  return counts
}

/** fd number → what it points at (`socket:[123]`, `pipe:[45]`, a path …). */
export function describeDescriptors(): Map<number, string> {
  const described = new Map<number, string>()
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      described.set(Number(name), readlinkSync(`/proc/self/fd/${name}`))
    } catch {
      // The directory handle readdirSync itself used is gone by now: not one of ours.
    }
  }
  return described
}

const tcpStates: Record<string, string> = {
  '01': 'established',
  '02': 'syn-sent',
  '03': 'syn-received',
  '04': 'fin-wait-1',
  '05': 'fin-wait-2',
  '06': 'time-wait',
  '07': 'close',
  '08': 'close-wait',
  '09': 'last-ack',
  '0A': 'listen',
  '0B': 'closing',
}

interface TcpEntry {
  localPort: number
  remotePort: number
  state: string
}

function readTcpTable(path: string): Map<string, TcpEntry> {
  const byInode = new Map<string, TcpEntry>()
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return byInode
  }
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]]
    if (local === undefined || remote === undefined || state === undefined || inode === undefined || inode === '0') continue
    byInode.set(inode, {
      localPort: parseInt(local.split(':')[1] ?? '0', 16),
      remotePort: parseInt(remote.split(':')[1] ?? '0', 16),
      state: tcpStates[state] ?? state,
    })
  }
  return byInode
}

/** Loopback TCP sockets of this process, matched through the inodes of its socket descriptors. */
export function countSockets(): SocketCounts {
  const table = new Map([...readTcpTable('/proc/self/net/tcp'), ...readTcpTable('/proc/self/net/tcp6')])
  const mine: TcpEntry[] = []
  for (const target of describeDescriptors().values()) {
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
    const entry = inode === undefined ? undefined : table.get(inode)
    if (entry !== undefined && entry.state !== 'listen') mine.push(entry)
  }
  return {
    clientsOf: (port) => mine.filter((entry) => entry.remotePort === port && entry.state === 'established').length,
    acceptedOn: (port) => mine.filter((entry) => entry.localPort === port && entry.state === 'established').length,
    total: mine.length,
  }
}

/** "tcp :41234 → :39012 established", "unix", or the target itself: what a left-over descriptor is. */
export function explainDescriptor(target: string): string {
  const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
  if (inode === undefined) return target
  const tcp = new Map([...readTcpTable('/proc/self/net/tcp'), ...readTcpTable('/proc/self/net/tcp6')]).get(inode)
  if (tcp !== undefined) return `${target} tcp :${tcp.localPort} → :${tcp.remotePort} ${tcp.state}`
  for (const kind of ['unix', 'udp', 'udp6', 'raw', 'netlink']) {
    try {
      const line = readFileSync(`/proc/self/net/${kind}`, 'utf8')
        .split('\n')
        .find((entry) => entry.trim().split(/\s+/).includes(inode))
      if (line !== undefined) return `${target} ${kind}${kind === 'unix' ? ` ${line.trim().split(/\s+/)[7] ?? ''}` : ''}`.trimEnd()
    } catch {
      // Not every kernel has every table.
    }
  }
  return target
}

/** Every descendant of this process (children, their children …), zombies included. */
export function descendantProcesses(rootPid = process.pid): ChildProcessInfo[] {
  const all: ChildProcessInfo[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // The name may hold spaces and parentheses: the fields after it start at the last ')'.
      const close = stat.lastIndexOf(')')
      const [state, ppid] = stat
        .slice(close + 2)
        .split(' ')
        .slice(0, 2)
      all.push({ pid: Number(name), ppid: Number(ppid), name: stat.slice(stat.indexOf('(') + 1, close), state: state ?? '?' })
    } catch {
      // The process ended between readdir and read.
    }
  }
  const found: ChildProcessInfo[] = []
  const parents = new Set([rootPid])
  // Breadth-first over ppid links: a registry under setpriv, anything it started.
  for (let grew = true; grew;) {
    grew = false
    for (const candidate of all) {
      if (parents.has(candidate.ppid) && !parents.has(candidate.pid)) {
        parents.add(candidate.pid)
        found.push(candidate)
        grew = true
      }
    }
  }
  return found
}

/** Node's active handles and requests by type (`TCPSocketWrap`, `Timeout`, `FSReqCallback` …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

import { readdirSync, readFileSync } from 'node:fs'

/**
 * Where the machine's CPU went during a run, per request: this process's main thread (the
 * server's event loop), its other threads (V8's garbage-collector helpers and autocannon's
 * worker), every PostgreSQL process, and what stayed idle. The two sides of a scenario share the
 * same cores, so this tells whether a run was short of CPU or waiting on something.
 */
export interface CpuPerRequest {
  mainMs: number
  /** Of mainMs, the part spent in the kernel on the thread's behalf (system calls: sockets, writes). */
  mainKernelMs: number
  otherThreadsMs: number
  postgresMs: number
  idleMs: number
  /**
   * The machine's time in software interrupts, counted apart from any process: mostly the network
   * stack's receiving side, which on loopback is this machine's work for both ends of a connection.
   */
  softirqMs: number
}

export interface CpuSample {
  main: number
  mainKernel: number
  otherThreads: number
  postgres: number
  idle: number
  softirq: number
}

/** Linux's USER_HZ, the unit of /proc's CPU times, is 100 on every architecture Node runs on. */
const MS_PER_TICK = 10

/** Null where /proc is not there to read (macOS, Windows). */
export function sampleCpu(): CpuSample | null {
  try {
    let main = 0
    let mainKernel = 0
    let otherThreads = 0
    for (const task of readdirSync('/proc/self/task')) {
      const ticks = ticksOf(`/proc/self/task/${task}/stat`)
      if (Number(task) === process.pid) {
        main = ticks.user + ticks.kernel
        mainKernel = ticks.kernel
      } else otherThreads += ticks.user + ticks.kernel
    }
    // A backend that exits takes its CPU time with it, into the postmaster's time of reaped
    // children: counting those keeps the sum from falling when the pool closes a connection.
    let postgres = 0
    for (const entry of readdirSync('/proc')) {
      if (/^\d+$/.test(entry) && readOrEmpty(`/proc/${entry}/comm`).trim() === 'postgres') {
        const ticks = ticksOf(`/proc/${entry}/stat`)
        postgres += ticks.user + ticks.kernel + ticks.reapedChildren
      }
    }
    const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).map(Number)
    // The "cpu" line: user nice system idle iowait irq softirq …
    return {
      main,
      mainKernel,
      otherThreads,
      postgres,
      idle: (machine[4] ?? 0) + (machine[5] ?? 0),
      softirq: machine[7] ?? 0,
    }
  } catch {
    return null
  }
}

export function cpuPerRequest(
  before: CpuSample | null,
  after: CpuSample | null,
  requests: number,
): CpuPerRequest | null {
  if (!before || !after || requests === 0) return null
  const perRequest = (key: keyof CpuSample) => ((after[key] - before[key]) * MS_PER_TICK) / requests
  return {
    mainMs: perRequest('main'),
    mainKernelMs: perRequest('mainKernel'),
    otherThreadsMs: perRequest('otherThreads'),
    postgresMs: perRequest('postgres'),
    idleMs: perRequest('idle'),
    softirqMs: perRequest('softirq'),
  }
}

interface TaskTicks {
  user: number
  kernel: number
  /** cutime + cstime: children the task reaped. */
  reapedChildren: number
}

/** A process's or thread's CPU times in ticks; zeros for one that ended meanwhile. */
function ticksOf(statPath: string): TaskTicks {
  const stat = readOrEmpty(statPath)
  // The command name may hold spaces and parentheses: the fields start after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const field = (index: number) => Number(fields[index]) || 0
  return { user: field(11), kernel: field(12), reapedChildren: field(13) + field(14) }
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

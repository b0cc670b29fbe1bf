import { readdirSync, readFileSync } from 'node:fs'

/**
 * Where the machine's CPU went during a run, per request: this process's main thread (the
 * server's event loop), its other threads (V8's garbage-collector helpers and autocannon's
 * worker), every PostgreSQL process, and what stayed idle. The two sides of a scenario share the
 * same cores, so this tells whether a run was short of CPU or waiting on something.
 */
export interface CpuPerRequest {
  mainMs: number
  otherThreadsMs: number
  postgresMs: number
  idleMs: number
}

export interface CpuSample {
  main: number
  otherThreads: number
  postgres: number
  idle: number
}

/** Linux's USER_HZ, the unit of /proc's CPU times, is 100 on every architecture Node runs on. */
const MS_PER_TICK = 10

/** Null where /proc is not there to read (macOS, Windows). */
export function sampleCpu(): CpuSample | null {
  try {
    let main = 0
    let otherThreads = 0
    for (const task of readdirSync('/proc/self/task')) {
      const ticks = ticksOf(`/proc/self/task/${task}/stat`, false)
      if (Number(task) === process.pid) main = ticks
      else otherThreads += ticks
    }
    // A backend that exits takes its CPU time with it, into the postmaster's time of reaped
    // children: counting those keeps the sum from falling when the pool closes a connection.
    let postgres = 0
    for (const entry of readdirSync('/proc')) {
      if (/^\d+$/.test(entry) && readOrEmpty(`/proc/${entry}/comm`).trim() === 'postgres') {
        postgres += ticksOf(`/proc/${entry}/stat`, true)
      }
    }
    const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).map(Number)
    return { main, otherThreads, postgres, idle: (machine[4] ?? 0) + (machine[5] ?? 0) }
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
    otherThreadsMs: perRequest('otherThreads'),
    postgresMs: perRequest('postgres'),
    idleMs: perRequest('idle'),
  }
}

/**
 * utime + stime of one process or thread in ticks, with its reaped children's (cutime + cstime)
 * when asked; 0 for one that ended meanwhile.
 */
function ticksOf(statPath: string, withReapedChildren: boolean): number {
  const stat = readOrEmpty(statPath)
  // The command name may hold spaces and parentheses: the fields start after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const field = (index: number) => Number(fields[index]) || 0
  return field(11) + field(12) + (withReapedChildren ? field(13) + field(14) : 0)
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

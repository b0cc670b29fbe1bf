import { Worker } from 'node:worker_threads'

/**
 * Runs on its own thread, so it fires even when the main thread is stuck (a blocked write, a
 * busy loop) and no timer of its own can run. SIGKILL: nothing on the stuck thread has to
 * cooperate.
 */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads')
setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.graceMs)
`

/**
 * Kills this process `graceMs` from now unless it has exited by then. The thread does not keep
 * the process alive: a shutdown that finishes in time exits as usual.
 */
export function armShutdownWatchdog(graceMs: number): void {
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { pid: process.pid, graceMs },
    // Without the parent's flags: a loader such as tsx (--import) would start in the thread too,
    // and its start-up waits on the main thread.
    execArgv: [],
    stdout: true,
    stderr: true,
  })
  watchdog.unref()
}

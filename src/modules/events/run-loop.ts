import type { Logger } from '../../logger.js'

export interface RunLoop<R> {
  /** Runs at once, then every pollIntervalMs and whenever woken. */
  start(): void
  /** No new runs; the run in flight stops at its next step and is awaited. */
  stop(): Promise<void>
  /** Asks for a prompt run; wakes that arrive together share one run. */
  wake(): void
  /** One run now, or after the one in flight; resolves with its result. */
  dispatchOnce(): Promise<R>
}

/**
 * The polling and waking shared by the outbox and notification dispatchers, for a worker whose
 * run is given: within a process one run at a time, and a wake during a run queues exactly one
 * more, so a row committed while a run was already looking is never left for the next poll.
 */
export function createRunLoop<R>(options: {
  name: string
  run: (shouldStop: () => boolean) => Promise<R>
  logger: Logger
  pollIntervalMs: number
  /** Registers a wake-up signal, if the worker has one; returns its removal. */
  subscribe?: (listener: () => void) => () => void
  report: (result: R) => void
}): RunLoop<R> {
  const { logger } = options
  let started = false
  let stopping = false
  let running: Promise<R> | undefined
  let queued: Promise<R> | undefined
  let timer: NodeJS.Timeout | undefined
  let wakePending = false
  let unsubscribe: (() => void) | undefined

  function dispatchOnce(): Promise<R> {
    if (!running) {
      running = options
        .run(() => stopping)
        .finally(() => {
          running = undefined
        })
      return running
    }
    // The run in flight may have looked before the caller's row committed: one more run.
    queued ??= running.then(ignore, ignore).then(() => {
      queued = undefined
      return dispatchOnce()
    })
    return queued
  }

  async function runLogged() {
    try {
      options.report(await dispatchOnce())
    } catch (error) {
      logger.error({ err: error }, `${options.name} failed; retrying at the next poll`)
    }
  }

  async function tick() {
    timer = undefined
    await runLogged()
    if (!started) return
    timer = setTimeout(tick, options.pollIntervalMs)
    timer.unref()
  }

  function wake() {
    if (!started || wakePending) return
    wakePending = true
    setImmediate(() => {
      wakePending = false
      if (started) void runLogged()
    })
  }

  return {
    start() {
      if (started) return
      started = true
      stopping = false
      unsubscribe = options.subscribe?.(wake)
      void tick()
    },
    async stop() {
      started = false
      stopping = true
      unsubscribe?.()
      unsubscribe = undefined
      if (timer) clearTimeout(timer)
      timer = undefined
      await Promise.allSettled([running, queued])
    },
    wake,
    dispatchOnce,
  }
}

function ignore() {}

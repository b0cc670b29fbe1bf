import type { Logger } from '../logger.js'

/**
 * Keeps a long-running CLI (`npm run jobs`, `npm run webhooks`) alive until SIGTERM or SIGINT,
 * then runs `stop` once and exits 0.
 */
export function runUntilStopped(logger: Logger, what: string, stop: () => Promise<void>): void {
  const keepAlive = setInterval(() => {}, 2 ** 30)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, `stopping ${what}`)
    clearInterval(keepAlive)
    await stop()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

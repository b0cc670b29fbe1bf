import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { createNodeWebhookSender } from '../modules/webhooks/webhook-sender.js'
import { openDatabase } from '../runtime.js'

// `npm run webhooks`: send the queued webhook deliveries from a process of their own, beside
// servers started with WEBHOOKS_IN_SERVER=false, so the POSTs take no CPU from the checkouts'
// process (give it a lower priority, `nice`, on a shared machine). `-- --once`: one bounded pass,
// then exit (for cron). Several senders are safe together: each delivery is leased to one.
const config = loadConfig()
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: config.migrateOnStart })
const sender = createNodeWebhookSender({ config, db, logger })

if (process.argv.includes('--once')) {
  let code = 0
  try {
    const result = await sender.dispatcher.dispatchOnce()
    logger.info({ result }, 'webhook pass done')
  } catch (error) {
    logger.error({ err: error }, 'webhook pass failed')
    code = 1
  }
  await sender.stop()
  await db.destroy()
  process.exit(code)
}

sender.dispatcher.start()
logger.info({ pollMs: config.webhooks.pollMs }, 'webhook sender running')
const keepAlive = setInterval(() => {}, 2 ** 30)
let stopping = false
const shutdown = async (signal: string) => {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'stopping webhook sender')
  clearInterval(keepAlive)
  await sender.stop()
  await db.destroy()
  logger.info('stopped')
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))

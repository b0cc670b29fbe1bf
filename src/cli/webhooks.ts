import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { resealWebhookSecrets } from '../modules/webhooks/webhook-secret-reseal.js'
import { createNodeWebhookSender } from '../modules/webhooks/webhook-sender.js'
import { openDatabase, webhookSecretBoxFor } from '../runtime.js'
import { runUntilStopped } from './run-until-stopped.js'

// `npm run webhooks`: send the queued webhook deliveries from a process of their own, beside
// servers started with WEBHOOKS_IN_SERVER=false, so the POSTs take no CPU from the checkouts'
// machine. Only worth it on another machine: on the same one it spends more CPU per delivery
// than the server's own sending, which needs no claim (bench/results/2026-12-07-webhooks-sender.md).
// `-- --once`: one bounded pass, then exit (for cron). Several senders are safe together: each
// delivery is leased to one.
// The sender takes no payment and signs no token: it needs the database and WEBHOOK_SECRETS_KEY,
// not the server's other secrets.
const config = loadConfig(process.env, 'webhook-sender')
if (config.database.kind === 'embedded') {
  // The embedded database is the server's alone (db/embedded-lock.ts), and that server sends.
  process.stderr.write(
    'npm run webhooks needs DATABASE_URL: the embedded database belongs to the server, which sends its webhooks itself.\n',
  )
  process.exit(2)
}
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: config.migrateOnStart })
const secrets = webhookSecretBoxFor(config)
await resealWebhookSecrets(db, secrets, logger)
const sender = createNodeWebhookSender({ config, db, logger, secrets })

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
runUntilStopped(logger, 'webhook sender', async () => {
  await sender.stop()
  await db.destroy()
})

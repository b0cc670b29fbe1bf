import { loadConfig } from '../config.js'
import { allJobs } from '../jobs/all-jobs.js'
import { createScheduler } from '../jobs/scheduler.js'
import { createLogger } from '../logger.js'
import { paymentsFor } from '../modules/payments/payment-setup.js'
import { openDatabase } from '../runtime.js'
import { runUntilStopped } from './run-until-stopped.js'

// `npm run jobs -- --once`: run every job once and exit (for cron). Without --once: run them on
// their intervals until SIGTERM or SIGINT. Safe beside servers that schedule the same jobs.
const config = loadConfig()
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: config.migrateOnStart })
const scheduler = createScheduler({
  db,
  logger,
  jobs: allJobs(config, { payments: paymentsFor(config.stripe), logger }),
})

if (process.argv.includes('--once')) {
  let code = 0
  try {
    await scheduler.runOnce()
  } catch {
    code = 1 // each failure is logged by the scheduler
  }
  await db.destroy()
  process.exit(code)
}

scheduler.start()
logger.info('job scheduler running')
runUntilStopped(logger, 'jobs', async () => {
  await scheduler.stop()
  await db.destroy()
})

import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { backfillInsights } from '../modules/insights/insight-backfill.service.js'
import { openDatabase } from '../runtime.js'

// npm run insights:backfill [-- --reset]: fills the insights' rollups from the carts and orders on
// record (a fresh install, or an existing database upgraded to them); --reset rebuilds from empty.
const config = loadConfig(process.env, 'database-tool')
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: true })
try {
  const reset = process.argv.includes('--reset')
  let logged = 0
  const done = await backfillInsights(db, {
    reset,
    onPage: (progress) => {
      if (progress.carts + progress.orders - logged < 50_000) return
      logged = progress.carts + progress.orders
      logger.info(progress, 'insights backfill under way')
    },
  })
  logger.info({ ...done, reset }, 'insights backfill done')
} finally {
  await db.destroy()
}

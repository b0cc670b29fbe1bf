import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { openDatabase } from '../runtime.js'
import { seedDemoData } from '../seed/seed.js'

const config = loadConfig()
if (config.env === 'production') {
  process.stderr.write('Refusing to seed demo accounts with NODE_ENV=production.\n')
  process.exit(1)
}
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: true })
const summary = await seedDemoData(db)
logger.info({ summary }, summary.skipped ? 'database already has stores; seed skipped' : 'demo data seeded')
await db.destroy()

import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { openDatabase } from '../runtime.js'

const config = loadConfig(process.env, 'database-tool')
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: true })
logger.info('database is up to date')
await db.destroy()

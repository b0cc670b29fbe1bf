import { loadConfig } from '../config.js'
import { createLogger } from '../logger.js'
import { openDatabase } from '../runtime.js'
import { DEMO_CLIENT_KEYS, seedDemoData } from '../seed/seed.js'

const config = loadConfig()
if (config.env === 'production') {
  process.stderr.write('Refusing to seed demo accounts with NODE_ENV=production.\n')
  process.exit(1)
}
const logger = createLogger(config.logLevel)
const db = await openDatabase(config, logger, { migrate: true })
const summary = await seedDemoData(db)
logger.info({ summary }, summary.skipped ? 'database already has stores; seed skipped' : 'demo data seeded')
if (!summary.skipped) {
  // Demo keys, published in the README like the demo passwords; never a deployment's own keys.
  const { web, app, kiosk } = DEMO_CLIENT_KEYS
  process.stderr.write(
    `Demo storefront keys (X-Storefront-Key): WEB ${web.key}, APP ${app.key}\n` +
      `Demo kiosk key (X-Kiosk-Key, ${kiosk.storeCode}): ${kiosk.key}\n`,
  )
}
await db.destroy()

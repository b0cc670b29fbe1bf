import { createApp } from './app.js'
import { createAccessTokenIssuer } from './auth/access-token.js'
import { createPickupSecrets } from './auth/pickup-secrets.js'
import { loadConfig } from './config.js'
import { createDb, type Db } from './db/create-db.js'
import { createLogger } from './logger.js'
import { paymentsFor } from './modules/payments/payment-setup.js'

/**
 * Cloudflare Workers entry: the same app over PostgreSQL (Hyperdrive or a direct URL). Workers
 * have no local disk, so DATABASE_URL and JWT_SECRET are required, and migrations run from CI
 * with `npm run migrate`, never on a request.
 */
interface WorkerEnv {
  [name: string]: string | undefined
}

let cached: { app: ReturnType<typeof createApp>; db: Db } | undefined

async function appFor(env: WorkerEnv) {
  if (cached) return cached.app
  const config = loadConfig({ ...env, NODE_ENV: env.NODE_ENV ?? 'production' })
  if (config.database.kind !== 'postgres' || !config.jwtSecret) {
    throw new Error('Workers need DATABASE_URL and JWT_SECRET')
  }
  const db = await createDb({ ...config.database, poolMax: Math.min(config.database.poolMax, 5) })
  const app = createApp({
    config,
    db,
    logger: createLogger(config.logLevel),
    accessTokens: createAccessTokenIssuer(config.jwtSecret, config),
    pickupSecrets: createPickupSecrets(config.jwtSecret),
    payments: paymentsFor(config.stripe),
  })
  cached = { app, db }
  return app
}

export default {
  async fetch(request: Request, env: WorkerEnv, executionContext: unknown) {
    const app = await appFor(env)
    return app.fetch(request, env, executionContext as never)
  },
}

import { createAccessTokenIssuer } from './auth/access-token.js'
import { loadOrCreateDevSecret } from './auth/dev-secret.js'
import { createPickupSecrets } from './auth/pickup-secrets.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/create-db.js'
import { EmbeddedDatabaseBusyError } from './db/embedded-lock.js'
import { migrateToLatest } from './db/migrator.js'
import type { Logger } from './logger.js'
import { createWebhookSecretBox, type WebhookSecretBox } from './modules/webhooks/webhook-secret-box.js'
import { seedDemoData } from './seed/seed.js'

/**
 * Opens the configured database and brings it up to date; shared by the server and the CLIs. An
 * embedded database another process has open ends this process (exit code 2) with one line saying
 * which process and what to do.
 */
export async function openDatabase(config: Config, logger: Logger, options: { migrate: boolean }): Promise<Db> {
  const db = await createDb(
    config.database.kind === 'postgres' ? config.database : { kind: 'embedded', dataDir: config.database.dataDir },
  ).catch((error: unknown) => {
    if (!(error instanceof EmbeddedDatabaseBusyError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  })
  if (options.migrate) {
    const { results } = await migrateToLatest(db)
    for (const result of results ?? []) logger.info({ migration: result.migrationName }, 'migration applied')
  }
  return db
}

export async function seedIfWanted(config: Config, db: Db, logger: Logger): Promise<void> {
  if (!config.seedOnStart) return
  const summary = await seedDemoData(db)
  if (!summary.skipped) logger.info({ seeded: summary }, 'demo data seeded')
}

const devSecretDirOf = (config: Config) => (config.database.kind === 'embedded' ? config.database.dataDir : '.data')

function serverSecretFor(config: Config): string {
  return config.jwtSecret ?? loadOrCreateDevSecret(devSecretDirOf(config))
}

/**
 * Seals and opens the webhook endpoints' signing secrets: the server's and `npm run webhooks`'s.
 * Their configurations (purposes server and webhook-sender) hold the key in production.
 */
export function webhookSecretBoxFor(config: Config): WebhookSecretBox {
  return createWebhookSecretBox({
    current: config.webhooks.secretsKey ?? loadOrCreateDevSecret(devSecretDirOf(config), 'webhook-secrets-key'),
    previous: config.webhooks.previousSecretsKeys,
  })
}

export function accessTokenIssuerFor(config: Config) {
  return createAccessTokenIssuer(serverSecretFor(config), config)
}

/** Pickup codes and passes are keyed by the same server secret, through their own derived keys. */
export function pickupSecretsFor(config: Config) {
  return createPickupSecrets(serverSecretFor(config))
}

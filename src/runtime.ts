import { createAccessTokenIssuer } from './auth/access-token.js'
import { loadOrCreateDevSecret } from './auth/dev-secret.js'
import type { Config } from './config.js'
import { createDb, type Db } from './db/create-db.js'
import { migrateToLatest } from './db/migrator.js'
import type { Logger } from './logger.js'
import { seedDemoData } from './seed/seed.js'

/** Opens the configured database and brings it up to date; shared by the server and the CLIs. */
export async function openDatabase(config: Config, logger: Logger, options: { migrate: boolean }): Promise<Db> {
  const db = await createDb(
    config.database.kind === 'postgres' ? config.database : { kind: 'embedded', dataDir: config.database.dataDir },
  )
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

export function accessTokenIssuerFor(config: Config) {
  const secret =
    config.jwtSecret ?? loadOrCreateDevSecret(config.database.kind === 'embedded' ? config.database.dataDir : '.data')
  return createAccessTokenIssuer(secret, config.accessTokenTtlMinutes)
}

import { type Kysely, type MigrationResultSet, Migrator } from 'kysely'
import { migrations } from '../../migrations/index.js'

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema, ours included.
type AnyKysely = Kysely<any>

function createMigrator(db: AnyKysely) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

export async function migrateToLatest(db: AnyKysely): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest()
  if (result.error) throw result.error
  return result
}

/** True when every migration this build knows of has been applied. */
export async function isMigrated(db: AnyKysely): Promise<boolean> {
  const applied = await createMigrator(db).getMigrations()
  return applied.every((migration) => migration.executedAt !== undefined)
}

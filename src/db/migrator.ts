import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely'
import { migrations } from '../../migrations/index.js'
import { isUndefinedTable } from './sql-errors.js'

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema, ours included.
type AnyKysely = Kysely<any>

const KNOWN = Object.keys(migrations)

function createMigrator(db: AnyKysely) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

/**
 * One read of the applied migrations: kysely's Migrator spends a dozen statements (its lock table,
 * three reads of the whole catalog to find its own tables, the lock) before it can say that nothing
 * is pending, which is the answer at almost every start and every /readyz.
 */
async function appliedMigrations(db: AnyKysely): Promise<Set<string> | null> {
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db)
    return new Set(rows.map((row) => row.name))
  } catch (error) {
    // No migration table: a database never migrated.
    if (isUndefinedTable(error)) return null
    throw error
  }
}

export async function migrateToLatest(db: AnyKysely): Promise<MigrationResultSet> {
  const applied = await appliedMigrations(db)
  // Exactly this build's migrations: anything else (pending, or applied by another build) goes
  // through the Migrator, its lock and its checks.
  if (applied?.size === KNOWN.length && KNOWN.every((name) => applied.has(name))) return { results: [] }
  const result = await createMigrator(db).migrateToLatest()
  if (result.error) throw result.error
  return result
}

/** True when every migration this build knows of has been applied. Throws when the database cannot be read. */
export async function isMigrated(db: AnyKysely): Promise<boolean> {
  const applied = await appliedMigrations(db)
  return applied !== null && KNOWN.every((name) => applied.has(name))
}

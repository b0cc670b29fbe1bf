import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'
import { claimDataDir } from './embedded-lock.js'
import { LOCK_TIMEOUT_MS, LockTimeoutPostgresDialect } from './lock-timeout-dialect.js'
import { PGliteDialect } from './pglite-dialect.js'
import { registerPoolStats } from './pool-stats.js'
import { prepareMarkedStatements } from './prepared.js'
import { tracedDialect } from './traced-dialect.js'

export type Db = Kysely<Database>

export type DatabaseTarget =
  | {
      kind: 'postgres'
      url: string
      poolMax: number
      /** 'transaction' behind a transaction pooler such as PgBouncer; 'session' (the default) otherwise. */
      poolMode?: 'session' | 'transaction'
      /** Whether statements marked PREPARED are prepared by name; default: only in session mode. */
      preparedStatements?: boolean
    }
  | { kind: 'embedded'; dataDir: string | null }

export interface CreateDbOptions {
  /** Called once per SQL statement sent; tests count statements with it, metrics time them. */
  onQuery?: (sql: string, durationMs: number) => void
}

export async function createDb(target: DatabaseTarget, options: CreateDbOptions = {}): Promise<Db> {
  const { dialect, poolStats } = target.kind === 'postgres' ? postgresDialect(target) : await embeddedDialect(target)
  const onQuery = options.onQuery
  const db = new Kysely<Database>({
    dialect: tracedDialect(dialect),
    log: onQuery
      ? (event) => {
          onQuery(event.query.sql, event.queryDurationMillis)
        }
      : undefined,
  })
  registerPoolStats(db, poolStats)
  return db
}

/**
 * Each transaction sets its lock_timeout itself (LockTimeoutPostgresDialect). A statement sent
 * outside a transaction gets it from the connection's start-up options, which PgBouncer refuses
 * ("unsupported startup parameter: options"): behind a transaction pooler those statements use
 * the role's or database's lock_timeout (README, "Behind PgBouncer").
 */
function postgresDialect(target: Extract<DatabaseTarget, { kind: 'postgres' }>) {
  const transactionPooled = target.poolMode === 'transaction'
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolMax,
    ...(transactionPooled ? {} : { options: `-c lock_timeout=${LOCK_TIMEOUT_MS}` }),
  })
  // An idle client that loses its server must not take the process down with it.
  pool.on('error', () => {})
  if (target.preparedStatements ?? !transactionPooled) prepareMarkedStatements(pool)
  return {
    dialect: new LockTimeoutPostgresDialect({ pool }),
    poolStats: () => ({ inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }),
  }
}

async function embeddedDialect(target: { dataDir: string | null }) {
  const { PGlite, types } = await import('@electric-sql/pglite')
  const path = target.dataDir ? join(target.dataDir, 'pgdata') : undefined
  let release = () => {}
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true })
    release = claimDataDir(target.dataDir)
  }
  try {
    // pg returns int8 as a string; the embedded database must answer in the same shape.
    const pglite = await PGlite.create(path, { parsers: { [types.INT8]: (value: string) => value } })
    const dialect = new PGliteDialect(pglite, release)
    return { dialect, poolStats: () => dialect.stats() }
  } catch (error) {
    release()
    throw error
  }
}

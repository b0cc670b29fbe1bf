import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
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
  | {
      kind: 'embedded'
      /** null: in memory, gone when closed. */
      dataDir: string | null
      /** A data directory dumped by PGlite's dumpDataDir to start from (in memory only). */
      template?: Blob
    }

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

async function embeddedDialect(target: { dataDir: string | null; template?: Blob }) {
  if (target.template && target.dataDir) throw new Error('a template starts an in-memory embedded database only')
  const path = target.dataDir ? join(target.dataDir, 'pgdata') : undefined
  let release = () => {}
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true })
    release = claimDataDir(target.dataDir)
  }
  try {
    const pglite = await openPGlite(path, target.template)
    const dialect = new PGliteDialect(pglite, release)
    return { dialect, poolStats: () => dialect.stats() }
  } catch (error) {
    release()
    throw error
  }
}

/** The embedded database's engine: on disk at `path` or in memory, from `template` when given. */
export async function openPGlite(path: string | undefined, template?: Blob): Promise<PGlite> {
  const { PGlite, types } = await import('@electric-sql/pglite')
  return PGlite.create(path, {
    // pg returns int8 as a string; the embedded database must answer in the same shape.
    parsers: { [types.INT8]: (value: string) => value },
    ...(template ? { loadDataDir: template } : {}),
  })
}

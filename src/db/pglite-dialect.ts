import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type { PoolStats } from './pool-stats.js'

/**
 * PGlite is one in-process connection. Kysely hands a connection to a whole transaction, so the
 * driver lends the single connection to one holder at a time; the others queue, exactly as they
 * would wait for a pool of size one.
 */
class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined
  /** Holders: the one using the connection and those queued behind it. */
  #holders = 0

  constructor(
    pglite: PGlite,
    private readonly onDestroy: () => void,
  ) {
    this.#connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {}

  stats(): PoolStats {
    return { inUse: Math.min(this.#holders, 1), waiting: Math.max(this.#holders - 1, 0) }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#holders++
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise<void>((resolve) => {
      release = resolve
    })
    await previous
    this.#release = release
    return this.#connection
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    this.#holders--
    release?.()
  }

  async destroy(): Promise<void> {
    try {
      await this.#connection.close()
    } finally {
      this.onDestroy()
    }
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, [...query.parameters])
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    }
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is refused below.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database')
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close()
  }
}

export class PGliteDialect implements Dialect {
  readonly #driver: PGliteDriver
  /** `onDestroy` runs once the database is closed (the data directory's lock is given back there). */
  constructor(pglite: PGlite, onDestroy: () => void = () => {}) {
    this.#driver = new PGliteDriver(pglite, onDestroy)
  }
  /** One connection: in use while lent, the other holders waiting. */
  stats(): PoolStats {
    return this.#driver.stats()
  }
  createDriver() {
    return this.#driver
  }
  createAdapter() {
    return new PostgresAdapter()
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db)
  }
}

import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type TransactionSettings,
} from 'kysely'

/** How long a statement waits for a row lock before giving up with SQLSTATE 55P03. */
export const LOCK_TIMEOUT_MS = 2000

/**
 * Every transaction sets its own lock_timeout with SET LOCAL, in the same round trip as its BEGIN
 * (one simple-protocol query of two statements): a transaction pooler such as PgBouncer hands
 * each transaction a server connection that may never have seen this client, so a setting made
 * once per connection cannot be relied on, and a session SET would leak to other clients.
 */
export class LockTimeoutPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig

  constructor(config: PostgresDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver(): Driver {
    return new LockTimeoutPostgresDriver(this.#config)
  }
}

class LockTimeoutPostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`${startTransaction(settings)}; ${SET_LOCK_TIMEOUT}`))
  }
}

const SET_LOCK_TIMEOUT = `SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`

function startTransaction(settings: TransactionSettings): string {
  const isolation = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel}` : ''
  const access = settings.accessMode ? ` ${settings.accessMode}` : ''
  return `START TRANSACTION${isolation}${access}`
}

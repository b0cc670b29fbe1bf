import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely'
import { inSpan } from '../observability/tracing.js'

/**
 * A span per SQL statement, for any dialect (pg or PGlite): each connection the driver lends is
 * traced once, so the transactions' BEGIN and COMMIT, sent through the same connection, show too.
 * The statement's text is recorded, never its parameters (passwords, tokens, emails).
 */
export function tracedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => tracedDriver(dialect.createDriver()),
  }
}

const traced = new WeakSet<DatabaseConnection>()

function tracedDriver(driver: Driver): Driver {
  const acquireConnection = driver.acquireConnection.bind(driver)
  // The same driver object, so dialect-specific members (private release methods) keep working.
  driver.acquireConnection = async () => {
    const connection = await acquireConnection()
    if (!traced.has(connection)) {
      traceStatements(connection)
      traced.add(connection)
    }
    return connection
  }
  return driver
}

function traceStatements(connection: DatabaseConnection): void {
  const executeQuery = connection.executeQuery.bind(connection)
  connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
    inSpan(statementName(query.sql), { 'db.system.name': 'postgresql', 'db.query.text': query.sql }, () =>
      executeQuery<R>(query),
    )
}

/** The statement's first keyword (SELECT, INSERT, BEGIN, …), past leading comments. */
export function statementName(sql: string): string {
  const keyword = /^(?:\s|\/\*[\s\S]*?\*\/|--[^\n]*\n)*([A-Za-z]+)/.exec(sql)?.[1]
  return keyword ? keyword.toUpperCase() : 'SQL'
}

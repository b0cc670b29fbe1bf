import { type Compilable, sql } from 'kysely'
import type { Trx } from './transaction.js'

/**
 * Runs several INSERT/UPDATE queries as ONE statement (each a data-modifying CTE): one round trip
 * instead of one per query. Every part runs exactly once, all in the caller's transaction;
 * foreign keys between the parts are checked at the end of the statement, so an order and its
 * lines may be written together. Parts must not touch the same row twice.
 */
export async function executeAsOneStatement(trx: Trx, parts: readonly Compilable[]): Promise<void> {
  if (parts.length === 0) return
  const ctes = sql.join(
    parts.map((part, index) => sql`${sql.raw(`part_${index}`)} AS (${part})`),
    sql`, `,
  )
  await sql`WITH ${ctes} SELECT 1`.execute(trx)
}

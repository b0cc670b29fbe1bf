import { type Kysely, sql } from 'kysely'
import { ORDER_NUMBER_SQL_V1 } from '../src/modules/orders/order-number.v1.sql.js'

// Frozen: never edit after it has shipped. It runs a versioned source that is frozen too
// (order-number.v1.sql.ts): the rule's text lives beside the code that calls it, and a change
// to it is a v2 file run by a new migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The store's order numbering as one function, for the checkout and the till sale alike.
  for (const statement of ORDER_NUMBER_SQL_V1) await sql.raw(statement).execute(db)
}

import { type Kysely, sql } from 'kysely'
import { CHECKOUT_RULES_SQL_V1 } from '../src/modules/checkout/checkout-rules.v1.sql.js'

// Frozen: never edit after it has shipped. It runs a versioned source that is frozen too
// (checkout-rules.v1.sql.ts): the rules' text lives beside the code that calls them, and a
// change to them is a v2 file run by a new migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The cart-version check and the claim (stock, slot, number) as functions of their own, and
  // comptoir_place_orders redefined to call them: the held-cart checkout, which wrote its order
  // with CTEs of its own, now goes through this function too.
  for (const statement of CHECKOUT_RULES_SQL_V1) await sql.raw(statement).execute(db)
}
